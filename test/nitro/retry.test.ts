import { expect } from "chai";
import { NitroError, withNitroSession } from "../../provider/nitro";
import { DONE, fakeSleep, nitroError, noEnv, plain, startFake, type FakeAppliance } from "./fake-appliance";

const certkeyRow = (certkey: string, cert: string, key?: string) => ({ status: 200, body: { ...DONE, sslcertkey: [{ certkey, cert, key }] } });

describe("NITRO retries", () => {
  let fake: FakeAppliance | undefined;
  afterEach(async () => fake?.close());

  it("repeats a read whose connection dropped, with backoff through the injected sleep", async () => {
    let drops = 2;
    fake = await startFake((req) => (req.method === "GET" && drops-- > 0 ? { status: 0, destroy: true } : undefined));
    const { sleep, waits } = fakeSleep();
    const keys = await withNitroSession(plain(fake), (s) => s.getCertkeys(), { ...noEnv, sleep });
    expect(keys).to.deep.equal([]);
    expect(fake.work()).to.have.length(3);
    expect(waits).to.have.length(2);
    expect(waits[1]).to.be.greaterThan(waits[0]);
  });

  it("repeats a read answered 503, and stops after the retry budget", async () => {
    fake = await startFake((req) => (req.method === "GET" ? { status: 503, body: "busy" } : undefined));
    const { sleep } = fakeSleep();
    const err = (await withNitroSession(plain(fake), (s) => s.getCertkeys(), { ...noEnv, sleep }).catch((e: unknown) => e)) as NitroError;
    expect(err).to.be.instanceOf(NitroError);
    expect(err.status).to.equal(503);
    expect(fake.work()).to.have.length(3);
  });

  it("does not re-send an add whose answer was lost when a GET shows it done", async () => {
    fake = await startFake((req) => {
      if (req.method === "POST" && req.url === "/nitro/v1/config/sslcertkey") return { status: 0, destroy: true };
      if (req.method === "GET") return certkeyRow("web1", "web1.cer", "web1.key");
      return undefined;
    });
    const results = await withNitroSession(plain(fake), (s) => s.addCertkeys([{ certkey: "web1", cert: "web1.cer", key: "web1.key" }]), { ...noEnv, ...fakeSleep() });
    expect(results).to.deep.equal([{ ok: true }]);
    expect(fake.work().map((r) => r.method)).to.deep.equal(["POST", "GET"]);
  });

  it("re-sends an add exactly once when the GET shows it missing", async () => {
    let posts = 0;
    fake = await startFake((req) => {
      if (req.method === "POST" && req.url === "/nitro/v1/config/sslcertkey") return posts++ === 0 ? { status: 0, destroy: true } : { status: 201, body: DONE };
      if (req.method === "GET") return nitroError(404, 1540, "Certificate does not exist");
      return undefined;
    });
    const results = await withNitroSession(plain(fake), (s) => s.addCertkeys([{ certkey: "web1", cert: "web1.cer", key: "web1.key" }]), { ...noEnv, ...fakeSleep() });
    expect(results).to.deep.equal([{ ok: true }]);
    expect(fake.work().map((r) => r.method)).to.deep.equal(["POST", "GET", "POST"]);
  });

  it("reports an add as outcome unknown when the re-sent one is lost too", async () => {
    fake = await startFake((req) => {
      if (req.method === "POST" && req.url === "/nitro/v1/config/sslcertkey") return { status: 0, destroy: true };
      if (req.method === "GET") return nitroError(404, 1540, "Certificate does not exist");
      return undefined;
    });
    const err = (await withNitroSession(plain(fake), (s) => s.addCertkeys([{ certkey: "web1", cert: "web1.cer" }]), { ...noEnv, ...fakeSleep() }).catch((e: unknown) => e)) as NitroError;
    expect(err).to.be.instanceOf(NitroError);
    expect(err.outcomeUnknown).to.equal(true);
    expect(err.operation).to.equal("add sslcertkey");
    expect(err.objectName).to.equal("web1");
    expect(err.message).to.match(/outcome is unknown/);
    expect(fake.work().filter((r) => r.method === "POST")).to.have.length(2);
  });

  it("re-checks a lost bulk upload item by item instead of re-sending the batch", async () => {
    const content = "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n";
    fake = await startFake((req) => {
      if (req.method === "POST" && req.url === "/nitro/v1/config/systemfile" && Array.isArray((req.body as { systemfile: unknown }).systemfile)) return { status: 0, destroy: true };
      if (req.method === "GET" && req.url.includes("filename:a.cer")) return { status: 200, body: { ...DONE, systemfile: [{ filename: "a.cer", filecontent: Buffer.from(content).toString("base64") }] } };
      if (req.method === "GET") return nitroError(404, 258, "No such resource");
      if (req.method === "POST" && req.url.includes("systemfile")) return { status: 201, body: DONE };
      return undefined;
    });
    const results = await withNitroSession(plain(fake), (s) => s.uploadFiles([{ fileName: "a.cer", content }, { fileName: "b.cer", content: "other" }]), { ...noEnv, ...fakeSleep() });
    expect(results).to.deep.equal([{ ok: true }, { ok: true }]);
    const singles = fake.work().filter((r) => r.method === "POST" && !Array.isArray((r.body as { systemfile: unknown }).systemfile));
    expect(singles.map((r) => (r.body as { systemfile: { filename: string } }).systemfile.filename)).to.deep.equal(["b.cer"]);
  });

  it("repeats a delete whose answer was lost and takes 'no such resource' on the repeat as done", async () => {
    let deletes = 0;
    fake = await startFake((req) => (req.method === "DELETE" ? (deletes++ === 0 ? { status: 0, destroy: true } : nitroError(404, 1540, "Certificate does not exist")) : undefined));
    const results = await withNitroSession(plain(fake), (s) => s.deleteCertkeys(["web1"]), { ...noEnv, ...fakeSleep() });
    expect(results).to.deep.equal([{ ok: true }]);
    expect(deletes).to.equal(2);
  });

  it("still reports 'no such resource' on a delete that was not repeated", async () => {
    fake = await startFake((req) => (req.method === "DELETE" ? nitroError(404, 1540, "Certificate does not exist [web1]") : undefined));
    const [result] = await withNitroSession(plain(fake), (s) => s.deleteCertkeys(["web1"]), noEnv);
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.error.errorcode).to.equal(1540);
    expect(result.error.operation).to.equal("delete sslcertkey");
    expect(result.error.objectName).to.equal("web1");
  });

  it("repeats a bind whose answer was lost and takes 409 on the repeat as done", async () => {
    let binds = 0;
    fake = await startFake((req) => (req.method === "PUT" ? (binds++ === 0 ? { status: 0, destroy: true } : nitroError(409, 273, "Resource already exists")) : undefined));
    const results = await withNitroSession(plain(fake), (s) => s.bind([{ vservername: "vs1", certkeyname: "web1", snicert: true }]), { ...noEnv, ...fakeSleep() });
    expect(results).to.deep.equal([{ ok: true }]);
  });
});
