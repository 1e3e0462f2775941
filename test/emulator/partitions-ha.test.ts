// Admin partitions and HA roles (NITRO.md "Sessions" partitions and "Saving" HA; issue point 8).
import { expect } from "chai";
import { makePki, type TestPki } from "../support/certs";
import { TestClient, emulatorWithClient, objects, stop } from "../support/emulator-client";
import { addCertkey } from "../support/emulator-fixtures";
import type { Emulator } from "../../emulator";

describe("emulator: admin partitions", () => {
  let pki: TestPki;
  let setup: { emulator: Emulator; client: TestClient };
  let client: TestClient;
  before(() => {
    pki = makePki("Part");
  });
  beforeEach(async () => {
    setup = await emulatorWithClient({ http: true, partitions: ["p1"], vservers: ["vs-default", { name: "vs-p1", partition: "p1" }] });
    client = setup.client;
  });
  afterEach(() => stop(setup));

  it("switches the session's partition; files, certkeys and vservers are partition-scoped", async () => {
    const other = new TestClient(setup.emulator);
    await other.login();
    const sw = await other.post("nspartition?action=Switch", { nspartition: { partitionname: "p1" } });
    expect([sw.status, sw.errorcode]).to.deep.equal([200, 0]);
    await addCertkey(other, "same-name", pki.leaf("p1.example.com"));
    await addCertkey(client, "same-name", pki.leaf("default.example.com"));
    const snapshot = setup.emulator.state();
    expect(snapshot.running.p1.certkeys["same-name"].subject).to.equal("CN=p1.example.com");
    expect(snapshot.running.default.certkeys["same-name"].subject).to.equal("CN=default.example.com");
    expect(Object.keys(snapshot.files.p1)).to.deep.equal(["/nsconfig/ssl/same-name.cer", "/nsconfig/ssl/same-name.key"]);
    expect((await other.get("sslvserver/vs-p1")).status).to.equal(200);
    expect((await other.get("sslvserver/vs-default")).status).to.equal(404);
    expect((await client.get("sslvserver/vs-p1")).status).to.equal(404);
    expect(objects(await client.get("nspartition"), "nspartition").map((p) => p.partitionname)).to.deep.equal(["default", "p1"]);
    await other.post("nspartition?action=Switch", { nspartition: { partitionname: "default" } });
    expect((await other.get("sslvserver/vs-default")).status).to.equal(200);
    other.close();
  });

  it("an unknown partition answers 404 / 258; switching needs a session, not header credentials", async () => {
    const unknown = await client.post("nspartition?action=Switch", { nspartition: { partitionname: "nope" } });
    expect([unknown.status, unknown.errorcode]).to.deep.equal([404, 258]);
    const headers = await client.post("nspartition?action=Switch", { nspartition: { partitionname: "p1" } }, { headers: { "X-NITRO-USER": "nsroot", "X-NITRO-PASS": "nsroot" } });
    expect(headers.status).to.equal(400);
    const missing = await client.post("nspartition?action=Switch", { nspartition: {} });
    expect([missing.status, missing.errorcode]).to.deep.equal([400, 1095]);
  });
});

describe("emulator: HA roles", () => {
  it("a secondary refuses every write with 1028 but serves reads; a primary accepts writes", async () => {
    const secondary = await emulatorWithClient({ http: true, haRole: "secondary", vservers: ["vs1"] });
    const primary = await emulatorWithClient({ http: true, haRole: "primary" });
    try {
      const c = secondary.client;
      for (const reply of [
        await c.upload("a.cer", "A"),
        await c.post("sslcertkey", { sslcertkey: { certkey: "a", cert: "a.cer" } }),
        await c.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: "vs1", certkeyname: "a" } }),
        await c.delete("sslcertkey/a"),
        await c.post("nsconfig?action=save", { nsconfig: {} }),
      ]) {
        expect(reply.errorcode).to.equal(1028);
        expect(reply.status).to.be.greaterThanOrEqual(400);
      }
      expect((await c.get("sslcertkey")).status).to.equal(200);
      expect((await c.get("sslvserver/vs1")).status).to.equal(200);
      expect(secondary.emulator.state().haRole).to.equal("secondary");
      expect((await primary.client.upload("a.cer", "A")).status).to.equal(201);
    } finally {
      await stop(secondary);
      await stop(primary);
    }
  });
});
