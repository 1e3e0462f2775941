// The client against the project's NITRO emulator: real flows over HTTPS, faults, partitions.
import { expect } from "chai";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../emulator";
import { NitroError, withNitroSession, type NitroConnectionOptions, type NitroSession } from "../../provider/nitro";
import { makePki, type TestPki } from "../support/certs";

const noWait = { env: {}, sleep: async () => undefined };

/** Most requests that overlapped in time, from the emulator's log. */
function maxOverlap(entries: RequestLogEntry[]): number {
  const events = entries.flatMap((e) => [{ t: e.startedAtMs, d: 1 }, { t: e.startedAtMs + e.durationMs, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of events) peak = Math.max(peak, (now += e.d));
  return peak;
}

describe("NITRO client against the emulator", function () {
  this.timeout(30_000);
  let pki: TestPki;
  let emu: Emulator;
  let options: NitroConnectionOptions;
  const run = <T>(work: (s: NitroSession) => Promise<T>, extra: Partial<NitroConnectionOptions> = {}) => withNitroSession({ ...options, ...extra }, work, noWait);

  before(async () => {
    pki = makePki("Client");
    emu = await startEmulator({ vservers: ["vs1", { name: "vs2", sni: true }], partitions: ["p1"], users: [{ username: "nsroot", password: "nsroot" }, { username: "reader", password: "reader", readOnly: true }] });
    options = { url: emu.url, username: "nsroot", password: "nsroot", caCertificate: emu.caCertificatePem };
  });
  after(async () => emu.close());
  beforeEach(() => {
    emu.faults.clear();
    emu.clearRequests();
  });

  it("uploads, adds, links, binds, renews in place, unbinds, deletes and saves", async () => {
    const leaf = pki.leaf("shop.example.com");
    const renewed = pki.leaf("shop.example.com");
    await run(async (s) => {
      const uploads = await s.uploadFiles([
        { fileName: "ca.cer", content: pki.intermediate.certificatePem },
        { fileName: "shop-1.cer", content: leaf.certificatePem },
        { fileName: "shop-1.key", content: leaf.key.privateKeyPem },
      ]);
      expect(uploads.every((r) => r.ok)).to.equal(true);
      expect(await s.listFiles()).to.include.members(["ca.cer", "shop-1.cer", "shop-1.key"]);
      expect(Buffer.from((await s.getFile("shop-1.cer"))!.contentBase64, "base64").toString()).to.equal(leaf.certificatePem);

      expect(await s.addCertkeys([{ certkey: "ca", cert: "ca.cer" }])).to.deep.equal([{ ok: true }]);
      expect(await s.addCertkeys([{ certkey: "shop", cert: "shop-1.cer", key: "shop-1.key" }])).to.deep.equal([{ ok: true }]);
      expect(await s.linkCertkeys([{ certkey: "shop", linkcertkeyname: "ca" }])).to.deep.equal([{ ok: true }]);
      expect(await s.bind([{ vservername: "vs1", certkeyname: "shop", snicert: false }, { vservername: "vs2", certkeyname: "shop", snicert: true }])).to.deep.equal([{ ok: true }, { ok: true }]);

      const shop = await s.getCertkey("shop");
      expect(shop?.serial?.replace(/^0+/, "").toUpperCase()).to.equal(leaf.serialHex.replace(/^0+/, ""));
      expect(shop?.linkcertkeyname).to.equal("ca");
      expect(await s.getVserver("vs2")).to.deep.equal({ vservername: "vs2", snienable: true });
      expect(await s.getVserver("nope")).to.equal(null);
      expect(await s.getCertkey("nope")).to.equal(null);
      expect(await s.getVserverBindings("vs2")).to.deep.equal([{ vservername: "vs2", certkeyname: "shop", snicert: true, ca: false }]);

      await s.uploadFiles([{ fileName: "shop-2.cer", content: renewed.certificatePem }, { fileName: "shop-2.key", content: renewed.key.privateKeyPem }]);
      expect(await s.updateCertkeys([{ certkey: "shop", cert: "shop-2.cer", key: "shop-2.key" }])).to.deep.equal([{ ok: true }]);
      expect((await s.getCertkey("shop"))?.cert).to.match(/shop-2\.cer$/);
      expect((await s.getVserverBindings("vs1")).map((b) => b.certkeyname)).to.deep.equal(["shop"]);

      expect(await s.unbind([{ vservername: "vs1", certkeyname: "shop", snicert: false }, { vservername: "vs2", certkeyname: "shop", snicert: true }])).to.deep.equal([{ ok: true }, { ok: true }]);
      expect(await s.unlinkCertkeys(["shop"])).to.deep.equal([{ ok: true }]);
      expect(await s.deleteCertkeys(["shop", "ca"])).to.deep.equal([{ ok: true }, { ok: true }]);
      expect(await s.deleteFiles(["shop-1.cer", "shop-1.key", "shop-2.cer", "shop-2.key", "ca.cer"])).to.deep.equal(Array(5).fill({ ok: true }));
      await s.saveConfig();
    });
    const state = emu.state();
    expect(state.saved.default.certkeys).to.deep.equal({});
    expect(Object.keys(state.files.default).filter((f) => f.includes("shop"))).to.deep.equal([]);
    expect(state.activeSessions).to.equal(0);
    expect(emu.requests().filter((r) => r.path.includes("/login"))).to.have.length(1);
    expect(emu.requests().some((r) => (r.bulkItems ?? 0) > 1)).to.equal(true);
  });

  it("returns per-item failures with their errorcodes", async () => {
    const leaf = pki.leaf("items.example.com");
    await run(async (s) => {
      await s.uploadFiles([{ fileName: "items.cer", content: leaf.certificatePem }, { fileName: "items.key", content: leaf.key.privateKeyPem }]);
      const again = await s.uploadFiles([{ fileName: "items.cer", content: leaf.certificatePem }, { fileName: "items-new.cer", content: leaf.certificatePem }]);
      expect(again[0].ok === false && again[0].error.errorcode).to.equal(1642);
      expect(again[1].ok).to.equal(true);
      await s.addCertkeys([{ certkey: "items", cert: "items.cer", key: "items.key" }]);
      const adds = await s.addCertkeys([{ certkey: "items", cert: "items.cer", key: "items.key" }, { certkey: "ghost", cert: "missing.cer" }]);
      expect(adds.map((r) => (r.ok ? 0 : r.error.errorcode))).to.deep.equal([273, 1647]);
      const deletes = await s.deleteCertkeys(["nosuch", "items"]);
      expect(deletes[0].ok === false && [258, 1540].includes(deletes[0].error.errorcode ?? 0)).to.equal(true);
      expect(deletes[1].ok).to.equal(true);
      const badBind = await s.bind([{ vservername: "vs1", certkeyname: "nosuch", snicert: true }]);
      expect(badBind[0].ok).to.equal(false);
    });
  });

  it("logs in again when the emulator expires the session mid-sync", async () => {
    const names = await run(async (s) => {
      await s.getCertkeys();
      emu.faults.expireSessions();
      return (await s.getCertkeys()).map((c) => c.certkey);
    });
    expect(names).to.be.an("array");
    expect(emu.requests().filter((r) => r.path.includes("/login"))).to.have.length(2);
  });

  it("settles an add whose connection dropped after it was applied, without adding twice", async () => {
    const leaf = pki.leaf("drop.example.com");
    const results = await run(async (s) => {
      await s.uploadFiles([{ fileName: "drop.cer", content: leaf.certificatePem }, { fileName: "drop.key", content: leaf.key.privateKeyPem }]);
      emu.faults.dropNext({ method: "POST", pathIncludes: "/sslcertkey", count: 1, when: "after" });
      return s.addCertkeys([{ certkey: "drop", cert: "drop.cer", key: "drop.key" }]);
    });
    expect(results).to.deep.equal([{ ok: true }]);
    const posts = emu.requests().filter((r) => r.method === "POST" && r.path === "/nitro/v1/config/sslcertkey");
    expect(posts).to.have.length(1);
    expect(emu.state().running.default.certkeys.drop).to.not.equal(undefined);
  });

  it("retries a save answered 293", async () => {
    emu.faults.failNext({ pathIncludes: "nsconfig", count: 2, status: 599, errorcode: 293 });
    await run((s) => s.saveConfig());
    expect(emu.requests().filter((r) => r.path.includes("nsconfig")).map((r) => r.errorcode)).to.deep.equal([293, 293, 0]);
  });

  it("works inside an admin partition", async () => {
    const leaf = pki.leaf("part.example.com");
    await run(async (s) => {
      await s.uploadFiles([{ fileName: "part.cer", content: leaf.certificatePem }, { fileName: "part.key", content: leaf.key.privateKeyPem }]);
      expect(await s.addCertkeys([{ certkey: "part", cert: "part.cer", key: "part.key" }])).to.deep.equal([{ ok: true }]);
    }, { partition: "p1" });
    const state = emu.state();
    expect(state.running.p1.certkeys.part).to.not.equal(undefined);
    expect(state.running.default.certkeys.part).to.equal(undefined);
  });

  it("throws the permission error of a read-only user", async () => {
    const err = (await run((s) => s.deleteCertkeys(["x"]), { username: "reader", password: "reader" }).catch((e: unknown) => e)) as NitroError;
    expect(err).to.be.instanceOf(NitroError);
    expect(err.errorcode).to.equal(2138);
    expect(err.hint).to.include("command policy");
  });

  it("keeps requests in flight within the pool, across bulk chunks and reads", async () => {
    emu.faults.setLatency(15);
    try {
      const files = Array.from({ length: 30 }, (_, i) => ({ fileName: `pool-${i}.txt`, content: `file ${i}` }));
      await run(async (s) => {
        const results = await s.uploadFiles(files);
        expect(results.every((r) => r.ok)).to.equal(true);
        await Promise.all(files.map((f) => s.getFile(f.fileName)));
        await s.deleteFiles(files.map((f) => f.fileName));
      }, { maxBulkItems: 3, maxConcurrency: 3 });
      const log = emu.requests();
      expect(log.filter((r) => (r.bulkItems ?? 0) === 3).length).to.be.at.least(10);
      expect(maxOverlap(log)).to.be.within(2, 3);
    } finally {
      emu.faults.setLatency(0);
    }
  });
});
