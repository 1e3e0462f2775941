// examples/pem-files: certificates from PEM files, through the engine stand-in against the emulator.
import * as path from "node:path";
import { expect } from "chai";
import { isConfigurationSaved } from "../../emulator";
import type { StackConfig } from "../harness";
import { makePki, pooledKey, type IssuedCertificate } from "../support/certs";
import { applianceContents, EXAMPLES_DIR, opsOf, PASSWORD, running, startStage, writeCertificate, writesIn, type ExampleStage } from "./support";

describe("examples/pem-files", function () {
  this.timeout(60000);
  let stage: ExampleStage;
  let www: IssuedCertificate;
  let api: IssuedCertificate;
  let config: StackConfig;

  before(async () => {
    stage = await startStage(path.join(EXAMPLES_DIR, "pem-files"));
    const pki = makePki("PemFiles");
    www = pki.leaf("www.example.test", { key: pooledKey(3) });
    api = pki.leaf("api.example.test", { key: pooledKey(4) });
    const chain = stage.writeFile("chain.pem", pki.intermediate.certificatePem);
    config = {
      vserverName: "vs_https",
      certificates: JSON.stringify({ www: { ...writeCertificate(stage, "www", www), chain }, api: { ...writeCertificate(stage, "api", api), chain } }),
    };
  });
  after(async () => {
    await stage?.close();
  });

  it("preview plans one create and writes nothing to the appliance", async () => {
    const result = await stage.engine.preview(await stage.capture(config, { preview: true }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(opsOf(result)).to.deep.equal(["create pem-files"]);
    expect(writesIn(stage.emulator)).to.deep.equal([]);
  });

  it("registers the private keys and the password as secrets, never in the serialized provider", async () => {
    const [sync] = (await stage.capture(config)).resources;
    expect(sync.secretInputs).to.include.members(["certificates.www.privateKey", "certificates.api.privateKey"]);
    expect(sync.provider).not.to.include(www.key.privateKeyPem.split("\n")[1]);
    expect(sync.provider).not.to.include(PASSWORD);
  });

  it("up uploads both certificates with their chain, binds them to the vserver and saves", async () => {
    const result = await stage.engine.up(await stage.capture(config));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(opsOf(result)).to.deep.equal(["create pem-files"]);
    const deployed = stage.engine.stateOf("pem-files")?.outputs.deployed as Record<string, { certkeyName: string; serial: string }>;
    expect(Object.keys(deployed).sort()).to.deep.equal(["api", "www"]);
    const certkeys = running(stage).certkeys;
    for (const [id, cert] of [["www", www], ["api", api]] as const) {
      const certkey = certkeys[deployed[id].certkeyName];
      expect(certkey, id).to.not.equal(undefined);
      expect(certkey.serial.toUpperCase()).to.equal(cert.serialHex);
      expect(certkey.linkcertkeyname, `${id} linked to its intermediate`).to.be.a("string");
      expect(certkeys[certkey.linkcertkeyname!].subject).to.include("PemFiles Intermediate CA");
    }
    const bound = running(stage).bindings.filter((b) => b.vservername === "vs_https").map((b) => b.certkeyname);
    expect(bound).to.include.members([deployed.www.certkeyName, deployed.api.certkeyName]);
    expect(isConfigurationSaved(stage.emulator.state())).to.equal(true);
  });

  it("a second up with the same files makes no write", async () => {
    stage.emulator.clearRequests();
    const result = await stage.engine.up(await stage.capture(config));
    expect(opsOf(result)).to.deep.equal(["same pem-files"]);
    expect(writesIn(stage.emulator)).to.deep.equal([]);
  });

  it("keeps key material and the password out of the state and the host's logs", () => {
    const state = JSON.stringify(stage.engine.stateOf("pem-files")?.outputs);
    for (const secret of [www.key.privateKeyPem.split("\n")[1], api.key.privateKeyPem.split("\n")[1]]) {
      expect(state).not.to.include(secret);
      expect(stage.host.logs).not.to.include(secret);
    }
    expect(stage.host.logs).not.to.include(PASSWORD);
  });

  it("destroy removes every certkey, binding and file it created, and saves", async () => {
    const result = await stage.engine.destroy();
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(applianceContents(stage)).to.deep.equal({ certkeys: [], bindings: [], files: [] });
    expect(isConfigurationSaved(stage.emulator.state())).to.equal(true);
  });
});
