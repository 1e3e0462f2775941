// The sync options end to end through the real plugin host: renewal without preserving,
// removal off (retained), expiry, revocation, vserver change, autoSync with a sync trigger,
// and replacing the resource when it points at another partition.
import { expect } from "chai";
import { isConfigurationSaved } from "../../emulator";
import { makePki, pooledKey, type IssuedCertificate, type TestPki } from "../support/certs";
import { PASSWORD, pemCertificate, running, startStage, syncProgram, USERNAME, writesIn, type Stage } from "./support";

type Outputs = { deployed: Record<string, { certkeyName: string; certkeyNames: string[]; serial: string; status: string; vservers: string[] }>; notes: string[] };

describe("provider end to end: sync options", function () {
  this.timeout(60000);
  let stage: Stage;
  let pki: TestPki;

  before(async () => {
    stage = await startStage({ partitions: ["p1"] });
    pki = makePki("Opts");
  });
  after(async () => stage?.close());
  afterEach(async () => {
    // Each case starts from an empty stack.
    if (stage.engine.state.length > 0) {
      const result = await stage.engine.destroy();
      expect(result.ok, JSON.stringify(result)).to.equal(true);
    }
    expect(Object.keys(running(stage.emulator).certkeys)).to.deep.equal([]);
  });

  const outputs = () => stage.engine.stateOf("web")!.outputs as unknown as Outputs;
  const boundTo = (vserver: string) =>
    running(stage.emulator).bindings.filter((b) => b.vservername === vserver).map((b) => b.certkeyname).sort();

  it("renews beside the original with preserveOnRenewal off: new certkey bound, old one kept unbound", async () => {
    let shop: IssuedCertificate = pki.leaf("shop.example.com", { key: pooledKey(6) });
    const args = () => ({ preserveOnRenewal: false, certificates: { shop: pemCertificate(shop, [pki.intermediate]) } });
    expect((await stage.engine.up(await syncProgram(stage.emulator, args()))).ok).to.equal(true);
    const original = outputs().deployed.shop.certkeyName;
    shop = pki.leaf("shop.example.com", { key: pooledKey(6) });
    const renewed = await stage.engine.up(await syncProgram(stage.emulator, args()));
    expect(renewed.ok, JSON.stringify(renewed)).to.equal(true);
    const deployed = outputs().deployed.shop;
    expect(deployed.certkeyName).not.to.equal(original);
    expect(deployed.certkeyName.startsWith(`${original}-`)).to.equal(true);
    expect(deployed.certkeyNames).to.deep.equal([deployed.certkeyName, original]);
    expect(running(stage.emulator).certkeys[original]).not.to.equal(undefined);
    expect(boundTo("vs_web")).to.deep.equal([deployed.certkeyName]);
    expect(stage.emulator.requests().flatMap((r) => r.unservedVservers)).to.deep.equal([]);
  });

  it("retains revoked and dropped certificates when removeExpiredOrRevoked is off", async () => {
    const shop = pki.leaf("shop.example.com", { key: pooledKey(6) });
    const blog = pki.leaf("blog.example.com", { key: pooledKey(7) });
    const base = { removeExpiredOrRevoked: false };
    await stage.engine.up(await syncProgram(stage.emulator, { ...base, certificates: { shop: pemCertificate(shop), blog: pemCertificate(blog) } }));
    const result = await stage.engine.up(
      await syncProgram(stage.emulator, { ...base, certificates: { shop: { ...pemCertificate(shop), revoked: true } } }),
    );
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    const config = running(stage.emulator);
    expect(Object.keys(config.certkeys).sort()).to.deep.equal(["certsync-blog", "certsync-shop"]);
    expect(outputs().deployed.shop.status).to.equal("retained");
    expect(outputs().deployed.blog.status).to.equal("retained");
    expect(outputs().notes.join("\n")).to.match(/retained/);
  });

  it("removes a revoked certificate when removeExpiredOrRevoked is on", async () => {
    const shop = pki.leaf("shop.example.com", { key: pooledKey(6) });
    const blog = pki.leaf("blog.example.com", { key: pooledKey(7) });
    const certificates = (revoked: boolean) => ({ shop: { ...pemCertificate(shop), revoked }, blog: pemCertificate(blog) });
    await stage.engine.up(await syncProgram(stage.emulator, { certificates: certificates(false) }));
    const result = await stage.engine.up(await syncProgram(stage.emulator, { certificates: certificates(true) }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(Object.keys(running(stage.emulator).certkeys)).to.deep.equal(["certsync-blog"]);
    expect(outputs().deployed.shop).to.equal(undefined);
    expect(isConfigurationSaved(stage.emulator.state())).to.equal(true);
  });

  it("removes a certificate once it has expired (removal on)", async () => {
    const soon = new Date(Date.now() + 2500);
    const shop = pki.leaf("shop.example.com", { key: pooledKey(6), notAfter: soon });
    const blog = pki.leaf("blog.example.com", { key: pooledKey(7) });
    const args = { certificates: { shop: pemCertificate(shop), blog: pemCertificate(blog) } };
    expect((await stage.engine.up(await syncProgram(stage.emulator, args))).ok).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, soon.getTime() - Date.now()) + 200));
    const result = await stage.engine.up(await syncProgram(stage.emulator, args));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(Object.keys(running(stage.emulator).certkeys)).to.deep.equal(["certsync-blog"]);
  });

  it("binds to a new vserver before unbinding from the old one", async () => {
    const shop = pki.leaf("shop.example.com", { key: pooledKey(6) });
    await stage.engine.up(await syncProgram(stage.emulator, { vserverName: "vs_web", certificates: { shop: pemCertificate(shop) } }));
    stage.emulator.clearRequests();
    const result = await stage.engine.up(await syncProgram(stage.emulator, { vserverName: "vs_api", certificates: { shop: pemCertificate(shop) } }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(boundTo("vs_api")).to.deep.equal(["certsync-shop"]);
    expect(boundTo("vs_web")).to.deep.equal([]);
    const writes = writesIn(stage.emulator);
    const bindAt = writes.findIndex((w) => w.includes("sslvserver_sslcertkey_binding") && !w.includes("unbind") && !w.startsWith("DELETE"));
    const unbindAt = writes.findIndex((w) => w.includes("unbind") || (w.startsWith("DELETE") && w.includes("sslvserver_sslcertkey_binding")));
    expect(bindAt).to.be.greaterThan(-1);
    expect(unbindAt).to.be.greaterThan(bindAt);
  });

  it("holds renewals back with autoSync off until syncTrigger changes; new certificates still go", async () => {
    let shop = pki.leaf("shop.example.com", { key: pooledKey(6) });
    const blog = pki.leaf("blog.example.com", { key: pooledKey(7) });
    const first = shop.serialHex;
    await stage.engine.up(await syncProgram(stage.emulator, { autoSync: false, syncTrigger: "1", certificates: { shop: pemCertificate(shop) } }));
    shop = pki.leaf("shop.example.com", { key: pooledKey(6) });
    const held = await stage.engine.up(
      await syncProgram(stage.emulator, { autoSync: false, syncTrigger: "1", certificates: { shop: pemCertificate(shop), blog: pemCertificate(blog) } }),
    );
    expect(held.ok, JSON.stringify(held)).to.equal(true);
    expect(running(stage.emulator).certkeys["certsync-shop"].serial).to.equal(first);
    expect(running(stage.emulator).certkeys["certsync-blog"]).not.to.equal(undefined);
    const triggered = await stage.engine.up(
      await syncProgram(stage.emulator, { autoSync: false, syncTrigger: "2", certificates: { shop: pemCertificate(shop), blog: pemCertificate(blog) } }),
    );
    expect(triggered.ok, JSON.stringify(triggered)).to.equal(true);
    expect(running(stage.emulator).certkeys["certsync-shop"].serial).to.equal(shop.serialHex);
  });

  it("replaces the resource when it moves to another admin partition: create there, then delete here", async () => {
    const shop = pki.leaf("shop.example.com", { key: pooledKey(6) });
    const connection = (partition?: string) => ({
      url: stage.emulator.url,
      username: USERNAME,
      password: PASSWORD,
      caCertificate: stage.emulator.caCertificatePem,
      ...(partition ? { partition } : {}),
    });
    const args = (partition?: string) => ({ connection: connection(partition), vserverName: undefined, certificates: { shop: pemCertificate(shop) } });
    expect((await stage.engine.up(await syncProgram(stage.emulator, args()))).ok).to.equal(true);
    const preview = await stage.engine.preview(await syncProgram(stage.emulator, args("p1")));
    expect(preview.steps.map((s) => s.op)).to.deep.equal(["replace"]);
    expect(preview.steps[0].diff?.replaces).to.deep.equal(["connection"]);
    const moved = await stage.engine.up(await syncProgram(stage.emulator, args("p1")));
    expect(moved.ok, JSON.stringify(moved)).to.equal(true);
    const state = stage.emulator.state();
    expect(Object.keys(state.running.p1.certkeys)).to.deep.equal(["certsync-shop"]);
    expect(Object.keys(state.running.default.certkeys)).to.deep.equal([]);
  });
});
