import { expect } from "chai";
import { NitroError, withNitroSession, type NitroLogger } from "../../provider/nitro";
import { nitroError, noEnv, plain, startFake, type FakeAppliance } from "./fake-appliance";

const SECRETS = ["s3cret-pass", "##SESSION1", "hunter2", Buffer.from("PRIVATE KEY MATERIAL").toString("base64")];

function capturingLogger(): NitroLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

function expectClean(text: string) {
  for (const secret of SECRETS) expect(text).not.to.include(secret);
}

describe("NITRO errors keep secrets out", () => {
  let fake: FakeAppliance | undefined;
  afterEach(async () => fake?.close());

  it("redacts password, cookie, file content and passphrase from errors, requests and logs", async () => {
    fake = await startFake((req) => {
      if (req.url.startsWith("/nitro/v1/config/systemfile")) return nitroError(403, 2138, "Not authorized to execute this command [add system file]");
      if (req.url.startsWith("/nitro/v1/config/sslcertkey")) return nitroError(599, 1537, "Invalid private key, or PEM pass phrase required");
      return undefined;
    });
    const logger = capturingLogger();
    const errors: NitroError[] = [];
    await withNitroSession(plain(fake), async (s) => {
      await s.uploadFiles([{ fileName: "k.key", content: "PRIVATE KEY MATERIAL" }]).catch((e: NitroError) => errors.push(e));
      const [r] = await s.addCertkeys([{ certkey: "web1", cert: "web1.cer", key: "web1.key", passplain: "hunter2" }]);
      if (!r.ok) errors.push(r.error);
    }, { ...noEnv, logger });
    expect(errors).to.have.length(2);
    const [upload, add] = errors;
    expect(upload.status).to.equal(403);
    expect(upload.errorcode).to.equal(2138);
    expect(upload.hint).to.include("add system file").and.include("command policy");
    expect(upload.request?.headers.Cookie).to.equal("[REDACTED]");
    expect(upload.request?.url).to.equal(`${fake.url}/nitro/v1/config/systemfile`);
    expect(add.errorcode).to.equal(1537);
    expect(add.message).to.include("add sslcertkey").and.include('"web1"').and.include("1537").and.include("Invalid private key");
    expect((add.request?.body as { sslcertkey: { passplain: string } }).sslcertkey.passplain).to.equal("[REDACTED]");
    for (const e of errors) {
      expectClean(e.message);
      expectClean(JSON.stringify(e));
      expectClean(JSON.stringify(e.request));
      expectClean(String(e.stack));
    }
    expect(logger.lines.length).to.be.greaterThan(0);
    expectClean(logger.lines.join("\n"));
  });

  it("redacts the login request of a failed login", async () => {
    fake = await startFake((req) => (req.url.endsWith("/login") ? nitroError(409, 445, "Session limit exceeded") : undefined));
    const err = (await withNitroSession(plain(fake), async () => 1, noEnv).catch((e: unknown) => e)) as NitroError;
    expect(err.errorcode).to.equal(445);
    expect(err.hint).to.match(/Too many sessions/);
    expect(err.request?.body).to.deep.equal({ login: { username: "nsroot", password: "[REDACTED]", timeout: 900 } });
    expectClean(JSON.stringify(err));
  });

  it("redacts network failures of writes and marks their outcome unknown", async () => {
    fake = await startFake((req) => (req.url.startsWith("/nitro/v1/config/systemfile") ? { status: 0, destroy: true } : req.method === "GET" ? { status: 0, destroy: true } : undefined));
    const err = (await withNitroSession(plain(fake), (s) => s.uploadFiles([{ fileName: "k.key", content: "PRIVATE KEY MATERIAL" }]), { ...noEnv, sleep: async () => undefined }).catch((e: unknown) => e)) as NitroError;
    expect(err).to.be.instanceOf(NitroError);
    expect(err.networkCode).to.be.a("string");
    expectClean(JSON.stringify(err));
    expectClean(err.message);
  });
});
