// Fault injection (issue point 9) and the command line (issue point 10's CLI).
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestClient, emulatorWithClient, stop } from "../support/emulator-client";
import { startEmulator, type Emulator } from "../../emulator";

describe("emulator: fault injection", () => {
  let setup: { emulator: Emulator; client: TestClient };
  let client: TestClient;
  beforeEach(async () => {
    setup = await emulatorWithClient({ http: true, vservers: ["vs1"] });
    client = setup.client;
    setup.emulator.clearRequests();
  });
  afterEach(() => stop(setup));

  it("adds a fixed latency to every NITRO request (from the options too), and clear() removes it", async () => {
    setup.emulator.faults.setLatency(120);
    const started = performance.now();
    await client.get("sslvserver");
    expect(performance.now() - started).to.be.greaterThanOrEqual(115);
    expect(setup.emulator.requests()[0].durationMs).to.be.greaterThanOrEqual(115);
    setup.emulator.faults.clear();
    const again = performance.now();
    await client.get("sslvserver");
    expect(performance.now() - again).to.be.lessThan(100);
    const slow = await startEmulator({ http: true, latencyMs: 80 });
    const slowClient = new TestClient(slow);
    const t = performance.now();
    await slowClient.post("login", { login: { username: "nsroot", password: "nsroot" } });
    expect(performance.now() - t).to.be.greaterThanOrEqual(75);
    slowClient.close();
    await slow.close();
  });

  it("fails the next N requests matching method and path with the given status and errorcode, without applying them", async () => {
    setup.emulator.faults.failNext({ method: "POST", pathIncludes: "/systemfile", count: 2, status: 503, errorcode: 1234, message: "Try later" });
    expect((await client.get("systemfile?args=filelocation:%2Fnsconfig%2Fssl")).status).to.equal(200);
    for (let i = 0; i < 2; i++) {
      const failed = await client.upload("a.cer", "A");
      expect([failed.status, failed.errorcode, failed.body.message, failed.body.severity]).to.deep.equal([503, 1234, "Try later", "ERROR"]);
    }
    expect(setup.emulator.state().files.default).to.deep.equal({});
    expect((await client.upload("a.cer", "A")).status).to.equal(201);
    expect(setup.emulator.requests().map((r) => [r.status, r.errorcode])).to.deep.equal([
      [200, 0],
      [503, 1234],
      [503, 1234],
      [201, 0],
    ]);
  });

  it("drops the connection before applying a request: nothing changes, the log says -1", async () => {
    setup.emulator.faults.dropNext({ pathIncludes: "systemfile", count: 1, when: "before" });
    const error = await client.upload("a.cer", "A").then(() => "answered", (e: NodeJS.ErrnoException) => e.code ?? e.message);
    expect(error).to.match(/ECONNRESET|socket hang up/);
    expect(setup.emulator.state().files.default).to.deep.equal({});
    expect(setup.emulator.requests()[0]).to.include({ status: 0, errorcode: -1, dropped: "before" });
    expect((await client.upload("a.cer", "A")).status).to.equal(201);
  });

  it("drops the connection after applying a request: the change is there, the client never heard", async () => {
    setup.emulator.faults.dropNext({ method: "POST", pathIncludes: "systemfile", count: 1, when: "after" });
    const error = await client.upload("a.cer", "A").then(() => "answered", (e: NodeJS.ErrnoException) => e.code ?? e.message);
    expect(error).to.match(/ECONNRESET|socket hang up/);
    expect(Object.keys(setup.emulator.state().files.default)).to.deep.equal(["/nsconfig/ssl/a.cer"]);
    expect(setup.emulator.requests()[0]).to.include({ errorcode: -1, dropped: "after" });
    const retry = await client.upload("a.cer", "A");
    expect(retry.errorcode).to.equal(1642);
  });

  it("expires all sessions and slows saves on demand", async () => {
    setup.emulator.faults.expireSessions();
    expect((await client.get("sslvserver")).errorcode).to.equal(444);
    await client.login();
    setup.emulator.faults.setSaveDuration(150);
    const t = performance.now();
    expect((await client.post("nsconfig?action=save", { nsconfig: {} })).status).to.equal(200);
    expect(performance.now() - t).to.be.greaterThanOrEqual(145);
  });

  it("validates rules", () => {
    expect(() => setup.emulator.faults.failNext({ pathIncludes: "/x", count: 0, status: 500, errorcode: 1 })).to.throw(/count/);
    expect(() => setup.emulator.faults.failNext({ pathIncludes: "/x", count: 1, status: 42, errorcode: 1 })).to.throw(/status/);
    expect(() => setup.emulator.faults.setLatency(-1)).to.throw(/latency/);
  });
});

describe("emulator: command line", () => {
  it("starts from `tsx emulator/cli.ts`, prints its URL and certificate path, serves NITRO and applies CLI faults", async function () {
    this.timeout(30000);
    const dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
    const certPath = join(dir, "tls.pem");
    const child = spawn(process.execPath, ["--import", "tsx", "emulator/cli.ts", "--port", "0", "--vserver", "web", "--vserver", "shop,sni", "--tls-cert-out", certPath, "--fail", "GET,/sslvserver/web,1,500,77"], {
      cwd: join(__dirname, "..", ".."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout.on("data", (d: Buffer) => {
          text += d.toString();
          if (text.includes("TLS certificate written to")) resolve(text);
        });
        child.stderr.on("data", (d: Buffer) => (text += d.toString()));
        child.on("exit", (code) => reject(new Error(`emulator exited (${code}): ${text}`)));
      });
      const url = /listening on (https:\/\/\S+)/.exec(output)?.[1];
      expect(url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(output).to.include(certPath);
      expect(existsSync(certPath)).to.equal(true);
      const client = new TestClient({ url: String(url), caCertificatePem: readFileSync(certPath, "utf8") });
      await client.login();
      const injected = await client.get("sslvserver/web");
      expect([injected.status, injected.errorcode]).to.deep.equal([500, 77]);
      const shop = await client.get("sslvserver/shop");
      expect((shop.body.sslvserver as Array<Record<string, unknown>>)[0].snienable).to.equal("ENABLED");
      client.close();
    } finally {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
