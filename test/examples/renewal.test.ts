// examples/renewal: renewed files are pushed in place (name and bindings kept, never a moment
// without a certificate); with autoSync off they wait for a new syncTrigger.
import * as path from "node:path";
import { expect } from "chai";
import type { StackConfig } from "../harness";
import { makePki, pooledKey, type IssuedCertificate, type TestPki } from "../support/certs";
import { applianceContents, EXAMPLES_DIR, opsOf, running, startStage, writeCertificate, writesIn, type ExampleStage } from "./support";

describe("examples/renewal", function () {
  this.timeout(60000);
  let stage: ExampleStage;
  let pki: TestPki;
  let config: StackConfig;

  /** Writes a new certificate for www.example.test over the same files, as an ACME client would. */
  function renew(keyIndex: number): IssuedCertificate {
    const cert = pki.leaf("www.example.test", { key: pooledKey(keyIndex) });
    writeCertificate(stage, "www", cert);
    return cert;
  }
  const current = () => running(stage).certkeys["certsync-www"];

  before(async () => {
    stage = await startStage(path.join(EXAMPLES_DIR, "renewal"));
    pki = makePki("Renewal");
    const files = writeCertificate(stage, "www", pki.leaf("www.example.test", { key: pooledKey(3) }));
    config = {
      certificateFile: files.certificate,
      privateKeyFile: files.privateKey,
      chainFile: stage.writeFile("chain.pem", pki.intermediate.certificatePem),
    };
    const result = await stage.engine.up(await stage.capture(config));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
  });
  after(async () => {
    await stage?.close();
  });

  it("a renewal previews as an update and is pushed in place: same certkey, same binding, no gap", async () => {
    const renewed = renew(4);
    const preview = await stage.engine.preview(await stage.capture(config, { preview: true }));
    expect(opsOf(preview)).to.deep.equal(["update renewal"]);
    stage.emulator.clearRequests();
    const result = await stage.engine.up(await stage.capture(config));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(opsOf(result)).to.deep.equal(["update renewal"]);
    expect(current().serial.toUpperCase()).to.equal(renewed.serialHex);
    expect(running(stage).bindings.filter((b) => b.vservername === "vs_https" && !b.ca).map((b) => b.certkeyname)).to.deep.equal(["certsync-www"]);
    expect(stage.emulator.requests().flatMap((r) => r.unservedVservers)).to.deep.equal([]);
    const wwwFiles = Object.keys(stage.emulator.state().files.default).filter((file) => file.includes("certsync-www"));
    expect(wwwFiles.length, `the old files are gone: ${wwwFiles.join(", ")}`).to.equal(2);
  });

  it("with autoSync off a renewal waits; changing syncTrigger pushes it", async () => {
    const manual = { ...config, autoSync: "false", syncTrigger: "change-1" };
    await stage.engine.up(await stage.capture(manual));
    const before = current().serial;
    const renewed = renew(5);
    stage.emulator.clearRequests();
    await stage.engine.up(await stage.capture(manual));
    expect(current().serial, "still the previous certificate").to.equal(before);
    expect(writesIn(stage.emulator), "a waiting renewal writes nothing").to.deep.equal([]);
    const result = await stage.engine.up(await stage.capture({ ...manual, syncTrigger: "change-2" }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(current().serial.toUpperCase()).to.equal(renewed.serialHex);
    stage.emulator.clearRequests();
    await stage.engine.up(await stage.capture({ ...manual, syncTrigger: "change-2" }));
    expect(writesIn(stage.emulator)).to.deep.equal([]);
  });

  it("with preserveOnRenewal off a renewal gets its own certkey, bound in place of the old one", async () => {
    const beside = { ...config, preserveOnRenewal: "false" };
    await stage.engine.up(await stage.capture(beside));
    const renewed = renew(6);
    const result = await stage.engine.up(await stage.capture(beside));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    const deployed = (stage.engine.stateOf("renewal")?.outputs.deployed as Record<string, { certkeyName: string; certkeyNames: string[] }>).www;
    expect(deployed.certkeyName).not.to.equal("certsync-www");
    expect(running(stage).certkeys[deployed.certkeyName].serial.toUpperCase()).to.equal(renewed.serialHex);
    expect(running(stage).bindings.filter((b) => b.vservername === "vs_https" && !b.ca).map((b) => b.certkeyname)).to.deep.equal([deployed.certkeyName]);
    expect(deployed.certkeyNames.slice(1), "the old certkey stays beside it").to.deep.equal(["certsync-www"]);
    expect(stage.emulator.requests().flatMap((r) => r.unservedVservers)).to.deep.equal([]);
  });

  it("destroy removes the certkey, its CA certkey and files", async () => {
    await stage.engine.destroy();
    expect(applianceContents(stage)).to.deep.equal({ certkeys: [], bindings: [], files: [] });
  });
});
