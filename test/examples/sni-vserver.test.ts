// examples/sni-vserver: several sites as SNI certificates on one vserver, plus a default one,
// from two syncs sharing the vserver.
import * as path from "node:path";
import { expect } from "chai";
import { isConfigurationSaved } from "../../emulator";
import type { StackConfig } from "../harness";
import { makePki, pooledKey } from "../support/certs";
import { applianceContents, EXAMPLES_DIR, opsOf, running, startStage, writeCertificate, writesIn, type ExampleStage } from "./support";

const SITES = ["www", "api", "shop"];

describe("examples/sni-vserver", function () {
  this.timeout(60000);
  let stage: ExampleStage;
  let config: StackConfig;

  before(async () => {
    stage = await startStage(path.join(EXAMPLES_DIR, "sni-vserver"), { vservers: [{ name: "vs_https", sni: true }] });
    const pki = makePki("Sni");
    stage.writeFile("chain.pem", pki.intermediate.certificatePem);
    for (const [i, site] of [...SITES, "fallback"].entries()) writeCertificate(stage, site, pki.leaf(`${site}.example.test`, { key: pooledKey(3 + i) }));
    config = { certificateDir: stage.tmp, sites: JSON.stringify(SITES), defaultSite: "fallback", vserverName: "vs_https" };
  });
  after(async () => {
    await stage?.close();
  });

  it("preview plans both syncs", async () => {
    const result = await stage.engine.preview(await stage.capture(config, { preview: true }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(opsOf(result)).to.deep.equal(["create sni-default", "create sni-sites"]);
  });

  it("up binds each site as SNI and the fallback as the vserver's default certificate", async () => {
    const result = await stage.engine.up(await stage.capture(config));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    const bindings = running(stage).bindings.filter((b) => b.vservername === "vs_https" && !b.ca);
    expect(bindings.filter((b) => b.snicert).map((b) => b.certkeyname).sort()).to.deep.equal(SITES.map((s) => `sni-${s}`).sort());
    expect(bindings.filter((b) => !b.snicert).map((b) => b.certkeyname)).to.deep.equal(["default-fallback"]);
    expect(running(stage).certkeys["sni-www"].subject).to.include("www.example.test");
    expect(isConfigurationSaved(stage.emulator.state())).to.equal(true);
  });

  it("a second up makes no write", async () => {
    stage.emulator.clearRequests();
    const result = await stage.engine.up(await stage.capture(config));
    expect(opsOf(result)).to.deep.equal(["same sni-default", "same sni-sites"]);
    expect(writesIn(stage.emulator)).to.deep.equal([]);
  });

  it("dropping a site removes only its certkey; the other sync's default certificate stays", async () => {
    const result = await stage.engine.up(await stage.capture({ ...config, sites: JSON.stringify(["www", "api"]) }));
    expect(opsOf(result)).to.deep.equal(["same sni-default", "update sni-sites"]);
    const certkeys = Object.keys(running(stage).certkeys);
    expect(certkeys).not.to.include("sni-shop");
    expect(certkeys).to.include.members(["sni-www", "sni-api", "default-fallback"]);
    expect(Object.keys(stage.emulator.state().files.default).filter((file) => file.includes("shop"))).to.deep.equal([]);
  });

  it("destroy leaves the appliance as it found it", async () => {
    const result = await stage.engine.destroy();
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(applianceContents(stage)).to.deep.equal({ certkeys: [], bindings: [], files: [] });
  });
});
