import { expect } from "chai";
import { withNitroSession } from "../../provider/nitro";
import { chunkItems } from "../../provider/nitro/bulk";
import { DONE, nitroError, noEnv, plain, startFake, type FakeAppliance, type SeenRequest } from "./fake-appliance";

const bodyItems = (req: SeenRequest, type: string): unknown[] => {
  const value = (req.body as Record<string, unknown> | undefined)?.[type];
  return Array.isArray(value) ? value : [value];
};

describe("NITRO bulk requests", () => {
  let fake: FakeAppliance | undefined;
  afterEach(async () => fake?.close());

  it("sends one bulk request with X-NITRO-ONERROR: continue and maps a 207 answer back per item", async () => {
    fake = await startFake((req) =>
      req.url === "/nitro/v1/config/sslcertkey" && req.method === "POST"
        ? {
            status: 207,
            body: {
              errorcode: 1243,
              message: "Bulk operation failed",
              severity: "ERROR",
              response: [DONE, { errorcode: 273, message: "Resource already exists [b]", severity: "ERROR" }, { errorcode: 1538, message: "Certificate and private key do not match", severity: "ERROR" }],
            },
          }
        : undefined,
    );
    const items = ["a", "b", "c"].map((n) => ({ certkey: n, cert: `${n}.cer`, key: `${n}.key`, passplain: "hunter2" }));
    const results = await withNitroSession(plain(fake), (s) => s.addCertkeys(items), noEnv);
    const [bulk] = fake.work();
    expect(fake.work()).to.have.length(1);
    expect(bulk.headers["x-nitro-onerror"]).to.equal("continue");
    expect(bodyItems(bulk, "sslcertkey")).to.deep.equal(items.map((i) => ({ ...i, inform: "PEM" })));
    expect(results[0]).to.deep.equal({ ok: true });
    expect(results[1].ok).to.equal(false);
    expect(results[2].ok).to.equal(false);
    if (results[1].ok || results[2].ok) return;
    expect(results[1].error.errorcode).to.equal(273);
    expect(results[1].error.status).to.equal(409);
    expect(results[1].error.objectName).to.equal("b");
    expect(results[2].error.errorcode).to.equal(1538);
    expect(results[2].error.hint).to.match(/key does not match/);
    expect(JSON.stringify(results[2].error)).not.to.include("hunter2");
    expect(JSON.stringify(results[2].error.request)).to.include('"certkey":"c"');
  });

  it("chunks by item count and keeps the input order of results across concurrent chunks", async () => {
    fake = await startFake((req) => {
      if (req.method !== "PUT") return undefined;
      const items = bodyItems(req, "sslvserver_sslcertkey_binding") as { certkeyname: string }[];
      // Answer later chunks first to show ordering does not depend on arrival.
      return {
        status: 207,
        delayMs: items[0].certkeyname === "ck0" ? 30 : 0,
        body: { errorcode: 1243, message: "Bulk operation failed", severity: "ERROR", response: items.map((i) => (i.certkeyname.endsWith("3") ? nitroError(599, 3627, "SNI is not enabled").body : DONE)) },
      };
    });
    const items = Array.from({ length: 25 }, (_, i) => ({ vservername: "vs1", certkeyname: `ck${i}`, snicert: true }));
    const results = await withNitroSession(plain(fake, { maxBulkItems: 10 }), (s) => s.bind(items), noEnv);
    expect(fake.work().map((r) => bodyItems(r, "sslvserver_sslcertkey_binding").length).sort()).to.deep.equal([10, 10, 5]);
    expect(results.map((r) => r.ok)).to.deep.equal(items.map((i) => !i.certkeyname.endsWith("3")));
    const failed = results[13];
    expect(failed.ok === false && failed.error.objectName).to.equal("ck13 on vs1 (SNI)");
  });

  it("chunks by body size", () => {
    const wires = Array.from({ length: 10 }, () => ({ filecontent: "x".repeat(300) }));
    const chunks = chunkItems(wires, { maxItems: 200, maxBytes: 1100 });
    expect(chunks.map((c) => c.length)).to.deep.equal([3, 3, 3, 1]);
    expect(chunks.flat()).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(chunkItems([{ big: "y".repeat(5000) }, { small: 1 }], { maxItems: 200, maxBytes: 1000 })).to.deep.equal([[0], [1]]);
  });

  it("keeps upload requests under the byte limit", async () => {
    fake = await startFake(() => undefined);
    const files = Array.from({ length: 12 }, (_, i) => ({ fileName: `f${i}.cer`, content: "z".repeat(3000) }));
    const results = await withNitroSession(plain(fake, { maxBulkBytes: 20_000 }), (s) => s.uploadFiles(files), noEnv);
    expect(results.every((r) => r.ok)).to.equal(true);
    const sizes = fake.work().map((r) => JSON.stringify(r.body).length);
    expect(sizes.length).to.be.greaterThan(1);
    for (const size of sizes) expect(size).to.be.at.most(20_000);
    const uploaded = fake.work().flatMap((r) => bodyItems(r, "systemfile")) as { filename: string; filecontent: string; filelocation: string; fileencoding: string }[];
    expect(uploaded.map((u) => u.filename)).to.have.members(files.map((f) => f.fileName));
    expect(Buffer.from(uploaded[0].filecontent, "base64").toString()).to.equal("z".repeat(3000));
    expect(uploaded[0].filelocation).to.equal("/nsconfig/ssl/");
    expect(uploaded[0].fileencoding).to.equal("BASE64");
  });

  it("falls back to single requests when the appliance refuses the bulk form, and remembers it", async () => {
    fake = await startFake((req) => {
      if (req.url.includes("action=rm")) return nitroError(405, 1232, "Method not allowed");
      if (req.method === "DELETE" && req.url.includes("/b")) return nitroError(404, 1540, "Certificate does not exist [b]");
      return undefined;
    });
    const results = await withNitroSession(plain(fake, { maxBulkItems: 2 }), (s) => s.deleteCertkeys(["a", "b", "c", "d"]), noEnv);
    expect(results.map((r) => r.ok)).to.deep.equal([true, false, true, true]);
    const work = fake.work();
    expect(work.filter((r) => r.url.includes("action=rm")).length).to.be.within(1, 2);
    expect(work.filter((r) => r.method === "DELETE").map((r) => r.url).sort()).to.deep.equal(["a", "b", "c", "d"].map((n) => `/nitro/v1/config/sslcertkey/${n}`));
  });

  it("uses the documented single forms for every write", async () => {
    fake = await startFake(() => undefined);
    await withNitroSession(plain(fake), async (s) => {
      await s.updateCertkeys([{ certkey: "w 1", cert: "w.cer", key: "w.key" }]);
      await s.linkCertkeys([{ certkey: "w 1", linkcertkeyname: "ca" }]);
      await s.unlinkCertkeys(["w 1"]);
      await s.unbind([{ vservername: "vs/1", certkeyname: "w 1", snicert: true }]);
      await s.unbind([{ vservername: "vs1", certkeyname: "w", snicert: false }]);
      await s.deleteFiles(["w.cer"]);
      await s.deleteCertkeys(["w 1"]);
    }, noEnv);
    expect(fake.work().map((r) => `${r.method} ${r.url} ${JSON.stringify(r.body ?? null)}`)).to.deep.equal([
      'POST /nitro/v1/config/sslcertkey?action=update {"sslcertkey":{"certkey":"w 1","cert":"w.cer","key":"w.key","nodomaincheck":true}}',
      'POST /nitro/v1/config/sslcertkey?action=link {"sslcertkey":{"certkey":"w 1","linkcertkeyname":"ca"}}',
      'POST /nitro/v1/config/sslcertkey?action=unlink {"sslcertkey":{"certkey":"w 1"}}',
      "DELETE /nitro/v1/config/sslvserver_sslcertkey_binding/vs%2F1?args=certkeyname:w%201,snicert:true null",
      "DELETE /nitro/v1/config/sslvserver_sslcertkey_binding/vs1?args=certkeyname:w null",
      "DELETE /nitro/v1/config/systemfile/w.cer?args=filelocation:%2Fnsconfig%2Fssl%2F null",
      "DELETE /nitro/v1/config/sslcertkey/w%201 null",
    ]);
  });

  it("makes no request for empty batches", async () => {
    fake = await startFake(() => undefined);
    await withNitroSession(plain(fake), async (s) => {
      for (const results of await Promise.all([s.uploadFiles([]), s.addCertkeys([]), s.updateCertkeys([]), s.linkCertkeys([]), s.unlinkCertkeys([]), s.bind([]), s.unbind([]), s.deleteCertkeys([]), s.deleteFiles([])])) {
        expect(results).to.deep.equal([]);
      }
    }, noEnv);
    expect(fake.work()).to.have.length(0);
  });

  it("never has more requests in flight than the pool allows", async () => {
    fake = await startFake((req) => (req.method === "GET" ? { status: 200, body: DONE, delayMs: 15 } : undefined));
    const peak = async (maxConcurrency?: number) => {
      fake!.peakInFlight = 0;
      await withNitroSession(plain(fake!, { maxConcurrency }), (s) => Promise.all(Array.from({ length: 24 }, (_, i) => s.getCertkey(`c${i}`))), noEnv);
      return fake!.peakInFlight;
    };
    expect(await peak()).to.equal(4);
    expect(await peak(2)).to.equal(2);
    expect(await peak(50)).to.equal(8);
    expect(fake.requests.filter((r) => r.url.endsWith("/login"))).to.have.length(3);
  });
});
