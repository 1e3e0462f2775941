// Saving, rebooting and the inspection endpoints (NITRO.md "Saving the configuration"; issue points 6 and 10).
import { expect } from "chai";
import { makePki, type TestPki } from "../support/certs";
import { TestClient, emulatorWithClient, objects, stop } from "../support/emulator-client";
import { addCertkey } from "../support/emulator-fixtures";
import { isConfigurationSaved, unsavedChanges, type Emulator, type EmulatorSnapshot, type RequestLogEntry } from "../../emulator";

describe("emulator: save, reboot and inspection", () => {
  let pki: TestPki;
  let setup: { emulator: Emulator; client: TestClient };
  let client: TestClient;
  before(() => {
    pki = makePki("Cfg");
  });
  beforeEach(async () => {
    setup = await emulatorWithClient({ vservers: ["vs1"], partitions: ["p1"] });
    client = setup.client;
  });
  afterEach(() => stop(setup));

  it("starts with its vservers saved and nothing unsaved", () => {
    const snapshot = setup.emulator.state();
    expect(snapshot.saved.default.vservers).to.deep.equal({ vs1: { snienable: false } });
    expect(isConfigurationSaved(snapshot)).to.equal(true);
  });

  it("a reboot loses unsaved changes, keeps saved ones and every file, and drops sessions", async () => {
    await addCertkey(client, "kept", pki.leaf("kept.example.com"));
    await client.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: "vs1", certkeyname: "kept" } });
    expect(unsavedChanges(setup.emulator.state())).to.deep.equal(["default: certkey kept is not saved", "default: binding vs1 <- kept is not saved"]);
    const save = await client.post("nsconfig?action=save", { nsconfig: {} });
    expect([save.status, save.errorcode]).to.deep.equal([200, 0]);
    expect(isConfigurationSaved(setup.emulator.state())).to.equal(true);
    await addCertkey(client, "lost", pki.leaf("lost.example.com"));
    await client.delete("sslvserver_sslcertkey_binding/vs1?args=certkeyname:kept");
    expect(unsavedChanges(setup.emulator.state())).to.have.length(2);

    setup.emulator.reboot();
    const after = setup.emulator.state();
    expect(Object.keys(after.running.default.certkeys)).to.deep.equal(["kept"]);
    expect(after.running.default.bindings).to.deep.equal([{ vservername: "vs1", certkeyname: "kept", snicert: false, ca: false }]);
    expect(Object.keys(after.files.default).sort()).to.deep.equal(["/nsconfig/ssl/kept.cer", "/nsconfig/ssl/kept.key", "/nsconfig/ssl/lost.cer", "/nsconfig/ssl/lost.key"]);
    expect(after.activeSessions).to.equal(0);
    const stale = await client.get("sslcertkey");
    expect([stale.status, stale.errorcode]).to.deep.equal([401, 444]);
    await client.login();
    expect(objects(await client.get("sslcertkey"), "sslcertkey").map((c) => c.certkey)).to.deep.equal(["kept"]);
  });

  it("a save answers 293 while another save is still running; the slow save then completes", async () => {
    setup.emulator.faults.setSaveDuration(300);
    await addCertkey(client, "s", pki.leaf("s.example.com"));
    const first = client.post("nsconfig?action=save", { nsconfig: {} });
    await new Promise((r) => setTimeout(r, 50));
    const second = await client.post("nsconfig?action=save", { nsconfig: {} });
    expect([second.status, second.errorcode]).to.deep.equal([599, 293]);
    expect(isConfigurationSaved(setup.emulator.state())).to.equal(false);
    const done = await first;
    expect([done.status, done.errorcode]).to.deep.equal([200, 0]);
    expect(isConfigurationSaved(setup.emulator.state())).to.equal(true);
    expect((await client.post("nsconfig?action=save", { nsconfig: {} })).status).to.equal(200);
  });

  it("saves the session's partition only, or every partition with {all:true}", async () => {
    await addCertkey(client, "d", pki.leaf("d.example.com"));
    const other = new TestClient(setup.emulator);
    await other.login();
    await other.post("nspartition?action=Switch", { nspartition: { partitionname: "p1" } });
    await addCertkey(other, "q", pki.leaf("q.example.com"));
    await other.post("nsconfig?action=save", { nsconfig: {} });
    expect(unsavedChanges(setup.emulator.state(), "p1")).to.deep.equal([]);
    expect(unsavedChanges(setup.emulator.state(), "default")).to.deep.equal(["default: certkey d is not saved"]);
    await other.post("nsconfig?action=save", { nsconfig: { all: true } });
    expect(isConfigurationSaved(setup.emulator.state())).to.equal(true);
    other.close();
  });

  it("serves /__emulator/ state, requests, reboot and faults over HTTP, unauthenticated and unlogged", async () => {
    await addCertkey(client, "i", pki.leaf("i.example.com"));
    const plain = new TestClient(setup.emulator);
    const state = await plain.get("/__emulator/state");
    expect(state.status).to.equal(200);
    const snapshot = state.body as unknown as EmulatorSnapshot;
    expect(Object.keys(snapshot.running.default.certkeys)).to.deep.equal(["i"]);
    expect(snapshot.files.default["/nsconfig/ssl/i.cer"].size).to.be.greaterThan(100);
    const log = (await plain.get("/__emulator/requests")).body as unknown as RequestLogEntry[];
    expect(log.map((e) => `${e.method} ${e.path} ${e.status}`)).to.deep.equal([
      "POST /nitro/v1/config/login 201",
      "POST /nitro/v1/config/systemfile 201",
      "POST /nitro/v1/config/systemfile 201",
      "POST /nitro/v1/config/sslcertkey 201",
    ]);
    expect(log.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
    expect(log.every((e) => e.durationMs >= 0 && e.startedAtMs > 0 && e.errorcode === 0)).to.equal(true);
    const faults = await plain.post("/__emulator/faults", { latencyMs: 5, failNext: { method: "GET", pathIncludes: "/sslcertkey", count: 1, status: 503, errorcode: 9999 } });
    expect(faults.status).to.equal(200);
    expect(faults.body).to.deep.include({ latencyMs: 5 });
    const failed = await client.get("sslcertkey");
    expect([failed.status, failed.errorcode]).to.deep.equal([503, 9999]);
    expect((await plain.post("/__emulator/reboot", {})).status).to.equal(200);
    expect(setup.emulator.state().running.default.certkeys).to.deep.equal({});
    const bad = await plain.post("/__emulator/faults", { failNext: { count: 1 } });
    expect(bad.status).to.equal(400);
    expect((await plain.request("DELETE", "/__emulator/requests")).status).to.equal(200);
    expect(setup.emulator.requests()).to.deep.equal([]);
    expect((await plain.get("/__emulator/nothing")).status).to.equal(404);
    plain.close();
  });
});
