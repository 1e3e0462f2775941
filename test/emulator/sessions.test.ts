// Sessions, credentials, roles and transport (NITRO.md "Sessions"; issue points 1 and 2).
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { TestClient } from "../support/emulator-client";

describe("emulator: sessions and credentials", () => {
  let emulator: Emulator;
  let client: TestClient;
  before(async () => {
    emulator = await startEmulator({ vservers: ["vs1"], users: [{ username: "nsroot", password: "nsroot" }, { username: "reader", password: "reader", readOnly: true }, { username: "ops", password: "s3cret" }], maxSessionsPerUser: 3 });
    client = new TestClient(emulator);
  });
  after(async () => {
    client.close();
    await emulator.close();
  });
  afterEach(() => emulator.faults.expireSessions());

  it("login answers 201 with a ##hex session id in the body and as NITRO_AUTH_TOKEN and sessionid cookies", async () => {
    const reply = await client.post("login", { login: { username: "nsroot", password: "nsroot" } });
    expect(reply.status).to.equal(201);
    expect(reply.body).to.include({ errorcode: 0, message: "Done", severity: "NONE" });
    const id = String(reply.body.sessionid);
    expect(id).to.match(/^##[0-9A-F]{32}$/);
    const cookies = reply.headers["set-cookie"] ?? [];
    expect(cookies.some((c) => c.startsWith(`NITRO_AUTH_TOKEN=${id};`) && c.includes("path=/nitro/v1"))).to.equal(true);
    expect(cookies.some((c) => c.startsWith(`sessionid=${encodeURIComponent(id)};`))).to.equal(true);
    expect(reply.headers["content-type"]).to.equal("application/json; charset=utf-8");
  });

  it("accepts all four ways of presenting credentials", async () => {
    const token = await client.login();
    const ways: Record<string, string | string[]>[] = [
      { Cookie: `NITRO_AUTH_TOKEN=${token}` },
      { Cookie: `sessionid=${encodeURIComponent(token)}` },
      { "Set-Cookie": `NITRO_AUTH_TOKEN=${token}` },
      { "X-NITRO-USER": "nsroot", "X-NITRO-PASS": "nsroot" },
    ];
    for (const headers of ways) {
      const reply = await client.get("sslvserver/vs1", { headers, token: undefined });
      expect(reply.status, JSON.stringify(headers)).to.equal(200);
    }
  });

  it("bad credentials answer 401 / 354, at login and in per-request headers", async () => {
    const login = await client.post("login", { login: { username: "nsroot", password: "wrong" } });
    expect([login.status, login.errorcode]).to.deep.equal([401, 354]);
    expect(login.body.severity).to.equal("ERROR");
    const unknown = await client.post("login", { login: { username: "nobody", password: "nsroot" } });
    expect([unknown.status, unknown.errorcode]).to.deep.equal([401, 354]);
    const header = await client.get("sslvserver", { headers: { "X-NITRO-USER": "nsroot", "X-NITRO-PASS": "nope" } });
    expect([header.status, header.errorcode]).to.deep.equal([401, 354]);
  });

  it("login without a username or password answers 400 / 1095 naming the argument", async () => {
    const reply = await client.post("login", { login: { username: "nsroot" } });
    expect([reply.status, reply.errorcode]).to.deep.equal([400, 1095]);
    expect(reply.body.message).to.equal("Required argument missing [password]");
  });

  it("unknown, missing and logged-out sessions answer 401 / 444", async () => {
    const unknown = await client.get("sslvserver", { token: "##00000000000000000000000000000000" });
    expect([unknown.status, unknown.errorcode]).to.deep.equal([401, 444]);
    const anonymous = new TestClient(emulator);
    const none = await anonymous.get("sslvserver");
    anonymous.close();
    expect([none.status, none.errorcode]).to.deep.equal([401, 444]);
    const token = await client.login();
    const logout = await client.post("logout", { logout: {} }, { token });
    expect([logout.status, logout.errorcode]).to.deep.equal([200, 0]);
    const after = await client.get("sslvserver", { token });
    expect([after.status, after.errorcode]).to.deep.equal([401, 444]);
  });

  it("a session idle past its timeout answers 401 / 444 (login may ask for a shorter timeout)", async () => {
    const idle = await client.login("nsroot", "nsroot", 1);
    const fresh = await client.login();
    expect((await client.get("sslvserver", { token: idle })).status).to.equal(200);
    await new Promise((r) => setTimeout(r, 1150));
    const expired = await client.get("sslvserver", { token: idle });
    expect([expired.status, expired.errorcode]).to.deep.equal([401, 444]);
    expect((await client.get("sslvserver", { token: fresh })).status).to.equal(200);
  });

  it("killing every session (fault control) makes every call answer 401 / 444", async () => {
    const token = await client.login();
    emulator.faults.expireSessions();
    const reply = await client.get("sslvserver", { token });
    expect([reply.status, reply.errorcode]).to.deep.equal([401, 444]);
  });

  it("enforces the per-user session limit with 445; other users and logouts free their own slots", async () => {
    const tokens = [await client.login(), await client.login(), await client.login()];
    const over = await client.post("login", { login: { username: "nsroot", password: "nsroot" } });
    expect(over.errorcode).to.equal(445);
    expect([409, 599]).to.include(over.status);
    expect((await client.post("login", { login: { username: "ops", password: "s3cret" } })).status).to.equal(201);
    await client.post("logout", { logout: {} }, { token: tokens[0] });
    expect((await client.post("login", { login: { username: "nsroot", password: "nsroot" } })).status).to.equal(201);
    expect(emulator.state().activeSessions).to.equal(4);
  });

  it("a read-only user may read but every write answers 403 / 2138 naming the command", async () => {
    const token = await client.login("reader", "reader");
    expect((await client.get("sslcertkey", { token })).status).to.equal(200);
    const write = await client.post("systemfile", { systemfile: { filename: "a.cer", filelocation: "/nsconfig/ssl/", filecontent: "QQ==" } }, { token });
    expect([write.status, write.errorcode]).to.deep.equal([403, 2138]);
    expect(write.body.message).to.equal("Not authorized to execute this command [add system file]");
    const save = await client.post("nsconfig?action=save", { nsconfig: {} }, { token });
    expect([save.status, save.errorcode]).to.deep.equal([403, 2138]);
    const headerWrite = await client.delete("sslcertkey/x", { headers: { "X-NITRO-USER": "reader", "X-NITRO-PASS": "reader" } });
    expect([headerWrite.status, headerWrite.errorcode]).to.deep.equal([403, 2138]);
    expect(Object.keys(emulator.state().files.default)).to.deep.equal([]);
  });
});

describe("emulator: transport", () => {
  it("serves HTTPS with a self-signed certificate that clients can trust, and writes it where asked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-tls-"));
    const out = join(dir, "sub", "server.pem");
    const emulator = await startEmulator({ tlsCertificateOut: out });
    try {
      expect(emulator.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(existsSync(out)).to.equal(true);
      expect(readFileSync(out, "utf8")).to.equal(emulator.caCertificatePem);
      const trusted = new TestClient(emulator);
      expect((await trusted.post("login", { login: { username: "nsroot", password: "nsroot" } })).status).to.equal(201);
      trusted.close();
      // Without the certificate as trust anchor, verification fails: no one needs to disable it.
      const untrusted = await new Promise<string>((resolve) => {
        https.get(`${emulator.url}/nitro/v1/config/sslvserver`, () => resolve("connected")).on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      expect(untrusted).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
    } finally {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serves plain HTTP with { http: true }", async () => {
    const emulator = await startEmulator({ http: true });
    try {
      expect(emulator.url).to.match(/^http:\/\//);
      expect(emulator.caCertificatePem).to.equal(undefined);
      const client = new TestClient(emulator);
      expect(await client.login()).to.match(/^##/);
      client.close();
    } finally {
      await emulator.close();
    }
  });

  it("defaults to nsroot/nsroot and a read-only reader/reader", async () => {
    const emulator = await startEmulator({ http: true });
    const client = new TestClient(emulator);
    try {
      await client.login("nsroot", "nsroot");
      const token = await client.login("reader", "reader");
      const write = await client.post("nsconfig?action=save", { nsconfig: {} }, { token });
      expect(write.errorcode).to.equal(2138);
    } finally {
      client.close();
      await emulator.close();
    }
  });
});
