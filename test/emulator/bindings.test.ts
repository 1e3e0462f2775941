// SSL vservers and certificate bindings (NITRO.md "sslvserver and its certificate bindings"; issue point 5).
import { expect } from "chai";
import { makePki, pooledKey, type TestPki } from "../support/certs";
import { emulatorWithClient, objects, stop, type TestClient } from "../support/emulator-client";
import { addCertkey } from "../support/emulator-fixtures";
import type { Emulator } from "../../emulator";

const DAY = 24 * 3600 * 1000;
const bind = (vservername: string, certkeyname: string, snicert?: boolean): object => ({
  sslvserver_sslcertkey_binding: { vservername, certkeyname, ...(snicert !== undefined ? { snicert } : {}) },
});

describe("emulator: sslvserver and certificate bindings", () => {
  let pki: TestPki;
  let setup: { emulator: Emulator; client: TestClient };
  let client: TestClient;
  before(() => {
    pki = makePki("Bind");
  });
  beforeEach(async () => {
    setup = await emulatorWithClient({ http: true, vservers: ["plain", { name: "sni", sni: true }] });
    client = setup.client;
    await addCertkey(client, "a", pki.leaf("a.example.com"));
    await addCertkey(client, "b", pki.leaf("b.example.com"));
    await addCertkey(client, "a-too", pki.leaf("a.example.com", { key: pooledKey(3) }));
    setup.emulator.clearRequests();
  });
  afterEach(() => stop(setup));
  const state = (): ReturnType<Emulator["state"]>["running"]["default"] => setup.emulator.state().running.default;

  it("GET /sslvserver/<name> shows snienable; an unknown vserver answers 404 / 258; all are listed", async () => {
    expect(objects(await client.get("sslvserver/sni"), "sslvserver")).to.deep.equal([{ vservername: "sni", snienable: "ENABLED" }]);
    expect(objects(await client.get("sslvserver/plain"), "sslvserver")[0].snienable).to.equal("DISABLED");
    const missing = await client.get("sslvserver/ghost");
    expect([missing.status, missing.errorcode]).to.deep.equal([404, 258]);
    expect(objects(await client.get("sslvserver"), "sslvserver").map((v) => v.vservername)).to.deep.equal(["plain", "sni"]);
  });

  it("binds with PUT or POST (201); the same binding again answers 409", async () => {
    const put = await client.put("sslvserver_sslcertkey_binding", bind("plain", "a"));
    expect([put.status, put.errorcode]).to.deep.equal([201, 0]);
    const post = await client.post("sslvserver_sslcertkey_binding", bind("sni", "b", true));
    expect([post.status, post.errorcode]).to.deep.equal([201, 0]);
    const again = await client.put("sslvserver_sslcertkey_binding", bind("plain", "a"));
    expect(again.status).to.equal(409);
    expect(state().bindings).to.deep.equal([
      { vservername: "plain", certkeyname: "a", snicert: false, ca: false },
      { vservername: "sni", certkeyname: "b", snicert: true, ca: false },
    ]);
  });

  it("an SNI binding needs snienable (3627); two SNI certificates with one common name answer 3629", async () => {
    const noSni = await client.put("sslvserver_sslcertkey_binding", bind("plain", "a", true));
    expect([noSni.status, noSni.errorcode]).to.deep.equal([599, 3627]);
    expect((await client.put("sslvserver_sslcertkey_binding", bind("sni", "a", true))).status).to.equal(201);
    expect((await client.put("sslvserver_sslcertkey_binding", bind("sni", "b", true))).status).to.equal(201);
    const sameCn = await client.put("sslvserver_sslcertkey_binding", bind("sni", "a-too", true));
    expect([sameCn.status, sameCn.errorcode]).to.deep.equal([599, 3629]);
    expect(state().bindings.map((b) => b.certkeyname)).to.deep.equal(["a", "b"]);
  });

  it("SNI can be switched on with PUT /sslvserver", async () => {
    const set = await client.put("sslvserver", { sslvserver: { vservername: "plain", snienable: "ENABLED" } });
    expect([set.status, set.errorcode]).to.deep.equal([200, 0]);
    expect((await client.put("sslvserver_sslcertkey_binding", bind("plain", "a", true))).status).to.equal(201);
  });

  it("a second default certificate replaces the first (warning 1546 when warnings are asked for)", async () => {
    await client.put("sslvserver_sslcertkey_binding", bind("plain", "a"));
    const quiet = await client.put("sslvserver_sslcertkey_binding", bind("plain", "b"));
    expect([quiet.status, quiet.errorcode]).to.deep.equal([201, 0]);
    expect(state().bindings).to.deep.equal([{ vservername: "plain", certkeyname: "b", snicert: false, ca: false }]);
    const warned = await client.put("sslvserver_sslcertkey_binding?warning=yes", bind("plain", "a"));
    expect(warned.status).to.equal(201);
    expect(warned.body).to.include({ errorcode: 1546, severity: "WARNING" });
    expect(String(warned.body.message)).to.include("Current certificate replaces the previous binding");
    expect(state().bindings.map((b) => b.certkeyname)).to.deep.equal(["a"]);
    expect(setup.emulator.requests().every((r) => r.unservedVservers.length === 0)).to.equal(true);
  });

  it("unbinds with DELETE and args (200); an absent binding answers 404; SNI bindings need snicert:true", async () => {
    await client.put("sslvserver_sslcertkey_binding", bind("sni", "a", true));
    await client.put("sslvserver_sslcertkey_binding", bind("plain", "b"));
    const wrongKind = await client.delete("sslvserver_sslcertkey_binding/sni?args=certkeyname:a");
    expect(wrongKind.status).to.equal(404);
    const sni = await client.delete("sslvserver_sslcertkey_binding/sni?args=certkeyname:a,snicert:true");
    expect([sni.status, sni.errorcode]).to.deep.equal([200, 0]);
    const plain = await client.delete("sslvserver_sslcertkey_binding/plain?args=certkeyname:b");
    expect([plain.status, plain.errorcode]).to.deep.equal([200, 0]);
    const absent = await client.delete("sslvserver_sslcertkey_binding/plain?args=certkeyname:b");
    expect([absent.status, absent.errorcode]).to.deep.equal([404, 258]);
    expect(state().bindings).to.deep.equal([]);
  });

  it("lists one vserver's bindings, all with ?bulkbindings=yes; none: 200 without the type key", async () => {
    const empty = await client.get("sslvserver_sslcertkey_binding/plain");
    expect(empty.status).to.equal(200);
    expect(empty.body).to.not.have.property("sslvserver_sslcertkey_binding");
    await client.put("sslvserver_sslcertkey_binding", bind("plain", "a"));
    await client.put("sslvserver_sslcertkey_binding", bind("sni", "b", true));
    expect(objects(await client.get("sslvserver_sslcertkey_binding/plain"), "sslvserver_sslcertkey_binding")).to.deep.equal([
      { vservername: "plain", certkeyname: "a", snicert: false, ca: false },
    ]);
    const all = objects(await client.get("sslvserver_sslcertkey_binding?bulkbindings=yes"), "sslvserver_sslcertkey_binding");
    expect(all.map((b) => `${b.vservername}:${b.certkeyname}`)).to.deep.equal(["plain:a", "sni:b"]);
  });

  it("answers 461 No such Vserver on every binding call for an unknown vserver; 1540 for an unknown certkey", async () => {
    for (const reply of [
      await client.get("sslvserver_sslcertkey_binding/ghost"),
      await client.put("sslvserver_sslcertkey_binding", bind("ghost", "a")),
      await client.delete("sslvserver_sslcertkey_binding/ghost?args=certkeyname:a"),
    ]) {
      expect([reply.status, reply.errorcode, reply.body.message]).to.deep.equal([404, 461, "No such Vserver [ghost]"]);
    }
    const noCertkey = await client.put("sslvserver_sslcertkey_binding", bind("plain", "ghost"));
    expect(noCertkey.errorcode).to.equal(1540);
  });

  it("records in the request log which vservers a request left without a valid certificate", async () => {
    await client.put("sslvserver_sslcertkey_binding", bind("plain", "a"));
    await client.put("sslvserver_sslcertkey_binding", bind("sni", "b", true));
    await client.delete("sslvserver_sslcertkey_binding/plain?args=certkeyname:a");
    const log = setup.emulator.requests();
    expect(log.map((r) => r.unservedVservers)).to.deep.equal([[], [], ["plain"]]);
    expect(log.map((r) => [r.method, r.status, r.errorcode])).to.deep.equal([
      ["PUT", 201, 0],
      ["PUT", 201, 0],
      ["DELETE", 200, 0],
    ]);
    expect(log[2].path).to.equal("/nitro/v1/config/sslvserver_sslcertkey_binding/plain?args=certkeyname:a");
  });

  it("an update to an expired certificate leaves the vserver unserved in the log", async () => {
    await client.put("sslvserver_sslcertkey_binding", bind("plain", "b"));
    const expired = pki.leaf("b.example.com", { notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
    await client.upload("b-old.cer", expired.certificatePem);
    const update = await client.post("sslcertkey?action=update", { sslcertkey: { certkey: "b", cert: "b-old.cer", key: "b.key" } });
    expect(update.status).to.equal(200);
    expect(setup.emulator.requests().at(-1)?.unservedVservers).to.deep.equal(["plain"]);
  });
});
