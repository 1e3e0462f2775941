// examples/from-outputs: certificates issued by another resource in the same program (a local
// CA), deployed from its outputs; the engine stand-in registers resources once their inputs are known.
import * as path from "node:path";
import { expect } from "chai";
import { applianceContents, EXAMPLES_DIR, opsOf, PASSWORD, running, startStage, upInWaves, writesIn, type ExampleStage } from "./support";

describe("examples/from-outputs", function () {
  this.timeout(60000);
  let stage: ExampleStage;
  const config = { sites: JSON.stringify({ www: "www.example.test", api: "api.example.test" }) };

  before(async () => {
    stage = await startStage(path.join(EXAMPLES_DIR, "from-outputs"));
  });
  after(async () => {
    await stage?.close();
  });

  it("preview shows every resource to create, the sync's certificates still unknown", async () => {
    const result = await stage.engine.preview(await stage.capture(config, { preview: true }));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(opsOf(result)).to.deep.equal(["create internal-ca", "create cert-www", "create cert-api", "create from-outputs"]);
    expect(writesIn(stage.emulator)).to.deep.equal([]);
  });

  it("up issues the certificates and deploys exactly those to the vserver", async () => {
    const result = await upInWaves(stage, config);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(opsOf(result)).to.deep.equal(["create internal-ca", "create cert-www", "create cert-api", "create from-outputs"]);
    const certkeys = running(stage).certkeys;
    for (const id of ["www", "api"]) {
      const issuedSerial = stage.engine.stateOf(`cert-${id}`)?.outputs.serial as string;
      expect(certkeys[`certsync-${id}`].serial.toUpperCase().replace(/^0+/, "")).to.equal(issuedSerial.replace(/^0+/, ""));
    }
    const sni = running(stage).bindings.filter((b) => b.vservername === "vs_https" && b.snicert).map((b) => b.certkeyname);
    expect(sni.sort()).to.deep.equal(["certsync-api", "certsync-www"]);
  });

  it("the issued private keys are secret outputs and never reach the sync's outputs or the logs", async () => {
    const issued = stage.engine.stateOf("cert-www")!;
    expect(issued.secretOutputs).to.include("privateKeyPem");
    const keyLine = (issued.outputs.privateKeyPem as string).split("\n")[1];
    expect(JSON.stringify(stage.engine.stateOf("from-outputs")?.outputs)).not.to.include(keyLine);
    expect(stage.host.logs).not.to.include(keyLine);
    expect(stage.host.logs).not.to.include(PASSWORD);
  });

  it("a second up changes nothing", async () => {
    stage.emulator.clearRequests();
    const result = await upInWaves(stage, config);
    expect(opsOf(result)).to.deep.equal(["same internal-ca", "same cert-www", "same cert-api", "same from-outputs"]);
    expect(writesIn(stage.emulator)).to.deep.equal([]);
  });

  it("destroy removes the sync's objects from the appliance", async () => {
    const result = await stage.engine.destroy();
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(applianceContents(stage)).to.deep.equal({ certkeys: [], bindings: [], files: [] });
    expect(stage.engine.state).to.deep.equal([]);
  });
});
