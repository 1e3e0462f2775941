// Bulk requests (NITRO.md "Bulk operations"; issue point 7) and the bulk rm / unbind / link / update forms.
import { expect } from "chai";
import { makePki, pooledKey, type IssuedCertificate, type TestPki } from "../support/certs";
import { emulatorWithClient, stop, type Json, type TestClient } from "../support/emulator-client";
import type { Emulator } from "../../emulator";

const b64 = (text: string): string => Buffer.from(text).toString("base64");
const fileItem = (filename: string, content: string): Json => ({ filename, filelocation: "/nsconfig/ssl/", filecontent: b64(content), fileencoding: "BASE64" });
const onError = (mode: string): { headers: Record<string, string> } => ({ headers: { "X-NITRO-ONERROR": mode } });

describe("emulator: bulk requests", () => {
  let pki: TestPki;
  let leaves: IssuedCertificate[];
  let setup: { emulator: Emulator; client: TestClient };
  let client: TestClient;
  before(() => {
    pki = makePki("Bulk");
    leaves = [0, 1, 2].map((i) => pki.leaf(`site${i}.example.com`));
  });
  beforeEach(async () => {
    setup = await emulatorWithClient({ http: true, vservers: [{ name: "vs", sni: true }] });
    client = setup.client;
  });
  afterEach(() => stop(setup));
  const running = (): ReturnType<Emulator["state"]>["running"]["default"] => setup.emulator.state().running.default;
  const uploadAll = (): Promise<unknown> =>
    client.post("systemfile", { systemfile: leaves.flatMap((l, i) => [fileItem(`s${i}.cer`, l.certificatePem), fileItem(`s${i}.key`, l.key.privateKeyPem)]) });
  const certkeyItems = (): Json[] => leaves.map((_, i) => ({ certkey: `s${i}`, cert: `s${i}.cer`, key: `s${i}.key` }));

  it("an array where every item succeeds answers like a single request, and the log counts the items", async () => {
    await uploadAll();
    const add = await client.post("sslcertkey", { sslcertkey: certkeyItems() });
    expect([add.status, add.errorcode]).to.deep.equal([201, 0]);
    expect(Object.keys(running().certkeys)).to.deep.equal(["s0", "s1", "s2"]);
    expect(setup.emulator.requests().slice(-2).map((r) => r.bulkItems)).to.deep.equal([6, 3]);
  });

  it("exit: stops at the first failure, earlier items stay applied, 207 / 1243 with per-item results", async () => {
    await uploadAll();
    const items = certkeyItems();
    items[1] = { certkey: "s1", cert: "absent.cer", key: "s1.key" };
    const reply = await client.post("sslcertkey", { sslcertkey: items }, onError("exit"));
    expect([reply.status, reply.errorcode, reply.body.message, reply.body.severity]).to.deep.equal([207, 1243, "Bulk operation failed", "ERROR"]);
    const results = reply.body.response as Json[];
    expect(results.map((r) => r.errorcode)).to.deep.equal([0, 1647]);
    expect(results[1].severity).to.equal("ERROR");
    expect(Object.keys(running().certkeys)).to.deep.equal(["s0"]);
    expect(setup.emulator.requests().at(-1)).to.include({ status: 207, errorcode: 1243, bulkItems: 3 });
  });

  it("without X-NITRO-ONERROR a bulk request behaves as exit", async () => {
    await uploadAll();
    const items = certkeyItems();
    items[0] = { certkey: "s0", cert: "absent.cer" };
    const reply = await client.post("sslcertkey", { sslcertkey: items });
    expect((reply.body.response as Json[]).length).to.equal(1);
    expect(running().certkeys).to.deep.equal({});
  });

  it("continue: applies every item it can and reports each", async () => {
    await uploadAll();
    const items = certkeyItems();
    items[1] = { certkey: "s1", cert: "s1.cer", key: "s1.cer" };
    const reply = await client.post("sslcertkey", { sslcertkey: items }, onError("continue"));
    expect(reply.status).to.equal(207);
    expect((reply.body.response as Json[]).map((r) => r.errorcode)).to.deep.equal([0, 1537, 0]);
    expect(Object.keys(running().certkeys)).to.deep.equal(["s0", "s2"]);
  });

  it("rollback: nothing stays applied (files included); only valid for add and bind", async () => {
    const files = [fileItem("r0.cer", "A"), fileItem("r1.cer", "B"), fileItem("r0.cer", "dup")];
    const reply = await client.post("systemfile", { systemfile: files }, onError("rollback"));
    expect(reply.status).to.equal(207);
    expect((reply.body.response as Json[]).map((r) => r.errorcode)).to.deep.equal([0, 0, 1642]);
    expect(setup.emulator.state().files.default).to.deep.equal({});

    await uploadAll();
    await client.post("sslcertkey", { sslcertkey: certkeyItems() });
    const binds = [
      { vservername: "vs", certkeyname: "s0", snicert: true },
      { vservername: "vs", certkeyname: "ghost", snicert: true },
    ];
    const bindReply = await client.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: binds }, onError("rollback"));
    expect(bindReply.status).to.equal(207);
    expect(running().bindings).to.deep.equal([]);
    const updateRollback = await client.post("sslcertkey?action=update", { sslcertkey: [{ certkey: "s0", cert: "s0.cer" }] }, onError("rollback"));
    expect([updateRollback.status, updateRollback.errorcode]).to.deep.equal([400, 1097]);
    const badMode = await client.post("sslcertkey", { sslcertkey: [] }, onError("sometimes"));
    expect(badMode.errorcode).to.equal(1097);
  });

  it("bulk bind, unbind (?action=unbind), link, update and rm (?action=rm) take arrays", async () => {
    await uploadAll();
    await client.post("systemfile", { systemfile: [fileItem("int.cer", pki.intermediate.certificatePem)] });
    await client.post("sslcertkey", { sslcertkey: [...certkeyItems(), { certkey: "int", cert: "int.cer" }] });
    const bind = await client.put("sslvserver_sslcertkey_binding", {
      sslvserver_sslcertkey_binding: leaves.map((_, i) => ({ vservername: "vs", certkeyname: `s${i}`, snicert: true })),
    });
    expect(bind.status).to.equal(201);
    expect(running().bindings).to.have.length(3);
    const link = await client.post("sslcertkey?action=link", { sslcertkey: leaves.map((_, i) => ({ certkey: `s${i}`, linkcertkeyname: "int" })) });
    expect(link.status).to.equal(200);
    expect(Object.values(running().certkeys).filter((c) => c.linkcertkeyname === "int")).to.have.length(3);

    const renewed = pki.leaf("site0.example.com", { key: pooledKey(3) });
    await client.post("systemfile", { systemfile: [fileItem("s0-v2.cer", renewed.certificatePem), fileItem("s0-v2.key", renewed.key.privateKeyPem)] });
    const update = await client.post("sslcertkey?action=update", { sslcertkey: [{ certkey: "s0", cert: "s0-v2.cer", key: "s0-v2.key" }] });
    expect(update.status).to.equal(200);
    expect(running().certkeys.s0.serial).to.equal(renewed.serialHex);

    const unbind = await client.post("sslvserver_sslcertkey_binding?action=unbind", {
      sslvserver_sslcertkey_binding: leaves.map((_, i) => ({ vservername: "vs", certkeyname: `s${i}`, snicert: true })),
    });
    expect([unbind.status, unbind.errorcode]).to.deep.equal([200, 0]);
    expect(running().bindings).to.deep.equal([]);
    const unlink = await client.post("sslcertkey?action=unlink", { sslcertkey: leaves.map((_, i) => ({ certkey: `s${i}` })) });
    expect(unlink.status).to.equal(200);
    const rm = await client.post("sslcertkey?action=rm", { sslcertkey: [{ certkey: "s0", deletefromdevice: true }, { certkey: "s1" }, { certkey: "s2" }] });
    expect([rm.status, rm.errorcode]).to.deep.equal([200, 0]);
    expect(Object.keys(running().certkeys)).to.deep.equal(["int"]);
    expect(Object.keys(setup.emulator.state().files.default)).to.not.include("/nsconfig/ssl/s0-v2.cer");
    const rmFiles = await client.post("systemfile?action=rm", { systemfile: [{ filename: "s1.cer", filelocation: "/nsconfig/ssl/" }, { filename: "s1.key", filelocation: "/nsconfig/ssl" }] });
    expect(rmFiles.status).to.equal(200);
    const single = await client.post("systemfile?action=rm", { systemfile: { filename: "s2.cer", filelocation: "/nsconfig/ssl/" } });
    expect(single.status).to.equal(200);
    expect(Object.keys(setup.emulator.state().files.default).sort()).to.deep.equal(["/nsconfig/ssl/int.cer", "/nsconfig/ssl/s0.cer", "/nsconfig/ssl/s0.key", "/nsconfig/ssl/s2.key"]);
    const missing = await client.post("systemfile?action=rm", { systemfile: [{ filename: "gone.cer", filelocation: "/nsconfig/ssl/" }] }, onError("continue"));
    expect([missing.status, (missing.body.response as Json[])[0].errorcode]).to.deep.equal([207, 258]);
  });
});
