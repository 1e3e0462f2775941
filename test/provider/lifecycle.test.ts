// The product end to end, as `pulumi preview/up/refresh/destroy` would drive it: the real
// plugin host, the real resource and provider, the emulator as the appliance.
// One scenario, step by step, with preserveOnRenewal and removeExpiredOrRevoked at their defaults.
import { expect } from "chai";
import { isConfigurationSaved } from "../../emulator";
import { makePki, pooledKey, type IssuedCertificate, type TestPki } from "../support/certs";
import { TestClient } from "../support/emulator-client";
import { fileNames, PASSWORD, pemCertificate, running, startStage, syncProgram, writesIn, type Stage } from "./support";

describe("provider end to end: preview, up, renew, refresh, remove, destroy", function () {
  this.timeout(60000);
  let stage: Stage;
  let pki: TestPki;
  let shop: IssuedCertificate;
  let blog: IssuedCertificate;
  let admin: TestClient;
  let initial: ReturnType<Stage["emulator"]["state"]>;

  const certificates = () => ({ shop: pemCertificate(shop, [pki.intermediate]), blog: pemCertificate(blog, [pki.intermediate]) });

  before(async () => {
    stage = await startStage();
    pki = makePki("E2E");
    shop = pki.leaf("shop.example.com", { key: pooledKey(3) });
    blog = pki.leaf("blog.example.com", { key: pooledKey(4) });
    // An object the stack does not own: it must survive everything below.
    admin = new TestClient(stage.emulator);
    await admin.login("nsroot", "nsroot");
    const legacy = pki.leaf("legacy.example.com", { key: pooledKey(5) });
    await admin.upload("legacy.cer", legacy.certificatePem);
    await admin.upload("legacy.key", legacy.key.privateKeyPem);
    await admin.post("sslcertkey", { sslcertkey: { certkey: "legacy", cert: "legacy.cer", key: "legacy.key" } });
    await admin.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: "vs_api", certkeyname: "legacy" } });
    await admin.post("nsconfig?action=save", { nsconfig: {} });
    initial = stage.emulator.state();
    stage.emulator.clearRequests();
  });
  after(async () => {
    admin?.close();
    await stage?.close();
  });

  it("fails in check with readable messages and touches nothing on bad input", async () => {
    const result = await stage.engine.up(
      await syncProgram(stage.emulator, {
        certificateNameSchema: "web-certs",
        certificates: { shop: { ...pemCertificate(shop), privateKey: blog.key.privateKeyPem } },
      }),
    );
    expect(result.ok).to.equal(false);
    const failures = result.steps[0].checkFailures ?? [];
    const byPath = Object.fromEntries(failures.map((f) => [f.property, f.reason]));
    expect(byPath.certificateNameSchema).to.match(/does not contain \{\{certificateId\}\}/);
    expect(byPath["certificates.shop.privateKey"]).to.match(/does not match the certificate/);
    expect(stage.emulator.requests()).to.deep.equal([]);
    expect(stage.engine.state).to.deep.equal([]);
  });

  it("previews a new stack without a single request to the appliance", async () => {
    const result = await stage.engine.preview(await syncProgram(stage.emulator, { certificates: certificates() }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["create"]);
    expect(stage.emulator.requests()).to.deep.equal([]);
  });

  it("deploys on up: files, certkeys, CA link, SNI bindings, saved configuration", async () => {
    const result = await stage.engine.up(await syncProgram(stage.emulator, { certificates: certificates() }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["create"]);
    const config = running(stage.emulator);
    expect(config.certkeys["certsync-shop"]?.serial).to.equal(shop.serialHex);
    expect(config.certkeys["certsync-blog"]?.serial).to.equal(blog.serialHex);
    const ca = config.certkeys["certsync-shop"].linkcertkeyname;
    expect(ca).to.match(/^certsync-ca-[0-9a-f]{16}$/);
    expect(config.certkeys[ca!].key).to.equal(undefined);
    const ours = config.bindings.filter((b) => b.vservername === "vs_web").map((b) => `${b.certkeyname}:${b.snicert}`).sort();
    expect(ours).to.deep.equal(["certsync-blog:true", "certsync-shop:true"]);
    expect(isConfigurationSaved(stage.emulator.state())).to.equal(true);
    const outputs = stage.engine.stateOf("web")!.outputs as { deployed: Record<string, { certkeyName: string; serial: string; vservers: string[] }> };
    expect(outputs.deployed.shop).to.include({ certkeyName: "certsync-shop", serial: shop.serialHex });
    expect(outputs.deployed.shop.vservers).to.deep.equal(["vs_web"]);
  });

  it("makes no request at all on a second up with nothing changed", async () => {
    stage.emulator.clearRequests();
    const result = await stage.engine.up(await syncProgram(stage.emulator, { certificates: certificates() }));
    expect(result.steps.map((s) => s.op)).to.deep.equal(["same"]);
    expect(stage.emulator.requests()).to.deep.equal([]);
  });

  it("shows a renewal in preview as an update, without touching the appliance", async () => {
    shop = pki.leaf("shop.example.com", { key: pooledKey(3) });
    stage.emulator.clearRequests();
    const result = await stage.engine.preview(await syncProgram(stage.emulator, { certificates: certificates() }));
    expect(result.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(result.steps[0].diff?.replaces ?? []).to.deep.equal([]);
    expect(stage.emulator.requests()).to.deep.equal([]);
  });

  it("applies the renewal in place: same certkey, new serial, bindings kept, old files gone, never unserved", async () => {
    const filesBefore = fileNames(stage.emulator);
    const result = await stage.engine.up(await syncProgram(stage.emulator, { certificates: certificates() }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    const config = running(stage.emulator);
    expect(config.certkeys["certsync-shop"].serial).to.equal(shop.serialHex);
    expect(config.bindings.some((b) => b.vservername === "vs_web" && b.certkeyname === "certsync-shop")).to.equal(true);
    const oldShopFiles = filesBefore.filter((f) => f.startsWith("certsync-shop-"));
    for (const file of oldShopFiles) expect(fileNames(stage.emulator)).not.to.include(file);
    expect(stage.emulator.requests().flatMap((r) => r.unservedVservers)).to.deep.equal([]);
    expect(isConfigurationSaved(stage.emulator.state())).to.equal(true);
  });

  it("reports out-of-band deletion on refresh, and the next up repairs it", async () => {
    await admin.delete("sslvserver_sslcertkey_binding/vs_web?args=certkeyname:certsync-blog,snicert:true");
    await admin.delete("sslcertkey/certsync-blog");
    const refreshed = await stage.engine.refresh();
    expect(refreshed.ok, JSON.stringify(refreshed)).to.equal(true);
    const drift = (stage.engine.stateOf("web")!.outputs as { drift: string[] }).drift;
    expect(drift.join("\n")).to.match(/certsync-blog.*missing/);
    const repaired = await stage.engine.up(await syncProgram(stage.emulator, { certificates: certificates() }));
    expect(repaired.steps.map((s) => s.op)).to.deep.equal(["update"]);
    const config = running(stage.emulator);
    expect(config.certkeys["certsync-blog"]?.serial).to.equal(blog.serialHex);
    expect(config.bindings.some((b) => b.vservername === "vs_web" && b.certkeyname === "certsync-blog")).to.equal(true);
    expect((stage.engine.stateOf("web")!.outputs as { drift: string[] }).drift).to.deep.equal([]);
  });

  it("removes a certificate dropped from the sync (removal on), with its files", async () => {
    const result = await stage.engine.up(await syncProgram(stage.emulator, { certificates: { shop: pemCertificate(shop, [pki.intermediate]) } }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    const config = running(stage.emulator);
    expect(config.certkeys["certsync-blog"]).to.equal(undefined);
    expect(fileNames(stage.emulator).filter((f) => f.startsWith("certsync-blog"))).to.deep.equal([]);
    expect(config.certkeys["certsync-shop"]).not.to.equal(undefined);
  });

  it("keeps every secret out of outputs, the serialized provider and the host's logs", async () => {
    const captured = await syncProgram(stage.emulator, { certificates: { shop: pemCertificate(shop, [pki.intermediate]) } });
    const [resource] = captured.resources;
    expect(resource.secretInputs).to.include.members(["connection.password", "certificates.shop.privateKey"]);
    expect(resource.provider).not.to.include(PASSWORD);
    expect(resource.provider.length).to.be.below(50_000);
    const state = stage.engine.stateOf("web")!;
    expect(state.secretOutputs).to.include("appliancePassword");
    const { appliancePassword: _secret, ...publicOutputs } = state.outputs as Record<string, unknown>;
    const keyBody = shop.key.privateKeyPem.split("\n")[1];
    const text = JSON.stringify(publicOutputs);
    expect(text).not.to.include(PASSWORD);
    expect(text).not.to.include(keyBody);
    expect(stage.host.logs).not.to.include(PASSWORD);
    expect(stage.host.logs).not.to.include(keyBody);
  });

  it("destroys what it put there and nothing else, leaving the configuration saved", async () => {
    const result = await stage.engine.destroy();
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    const after = stage.emulator.state();
    expect(after.running.default.certkeys).to.deep.equal(initial.running.default.certkeys);
    expect(after.running.default.bindings).to.deep.equal(initial.running.default.bindings);
    expect(Object.keys(after.files.default).sort()).to.deep.equal(Object.keys(initial.files.default).sort());
    expect(isConfigurationSaved(after)).to.equal(true);
    expect(writesIn(stage.emulator).length).to.be.greaterThan(0);
  });
});
