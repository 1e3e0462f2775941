// sslcertkey (NITRO.md "sslcertkey"; issue point 4): certificates read from the real files.
import { expect } from "chai";
import { encryptKey, issueCertificate, makePki, pkcs1Key, pooledKey, type TestPki } from "../support/certs";
import { emulatorWithClient, objects, stop, type TestClient } from "../support/emulator-client";
import { addCertkey } from "../support/emulator-fixtures";
import type { Emulator } from "../../emulator";

const DAY = 24 * 3600 * 1000;

describe("emulator: sslcertkey", () => {
  let pki: TestPki;
  let setup: { emulator: Emulator; client: TestClient };
  let client: TestClient;
  let clock: Date;
  before(() => {
    pki = makePki("Emu");
  });
  beforeEach(async () => {
    clock = new Date();
    setup = await emulatorWithClient({ http: true, vservers: ["vs1"], now: () => clock });
    client = setup.client;
  });
  afterEach(() => stop(setup));

  it("adds a certkey (201) and reports fields computed from the real certificate", async () => {
    const leaf = pki.leaf("shop.example.com", { organization: "Example", notBefore: new Date(Date.now() - 2 * DAY), notAfter: new Date(Date.now() + 30.5 * DAY) });
    const add = await addCertkey(client, "shop", leaf, { extra: { expirymonitor: "ENABLED", notificationperiod: 30 } });
    expect([add.status, add.errorcode]).to.deep.equal([201, 0]);
    const [ck] = objects(await client.get("sslcertkey/shop"), "sslcertkey");
    expect(ck).to.include({
      certkey: "shop",
      cert: "shop.cer",
      key: "shop.key",
      inform: "PEM",
      serial: leaf.serialHex,
      subject: "CN=shop.example.com,O=Example",
      issuer: "CN=Emu Intermediate CA",
      daystoexpiration: 30,
      status: "Valid",
      expirymonitor: "ENABLED",
      notificationperiod: 30,
      signaturealg: "sha256WithRSAEncryption",
      publickeysize: 2048,
    });
    expect(ck.clientcertnotafter).to.match(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT$/);
    expect(new Date(String(ck.clientcertnotafter)).getTime()).to.be.closeTo(Date.now() + 30.5 * DAY, 2000);
    expect(ck.certificatetype).to.deep.equal(["SRVR_CERT"]);
    expect(JSON.stringify(ck)).to.not.match(/PRIVATE KEY|passplain/);
    expect(setup.emulator.state().running.default.certkeys.shop).to.include({ serial: leaf.serialHex, cert: "shop.cer", key: "shop.key" });
  });

  it("computes status and daystoexpiration with the emulator's clock", async () => {
    const leaf = pki.leaf("clock.example.com", { notBefore: new Date(Date.now() + 10 * DAY), notAfter: new Date(Date.now() + 40 * DAY) });
    await addCertkey(client, "clock", leaf);
    const status = async (): Promise<unknown[]> => {
      const [ck] = objects(await client.get("sslcertkey/clock"), "sslcertkey");
      return [ck.status, ck.daystoexpiration];
    };
    expect(await status()).to.deep.equal(["Not yet valid", 39]);
    clock = new Date(Date.now() + 20 * DAY);
    expect(await status()).to.deep.equal(["Valid", 19]);
    clock = new Date(Date.now() + 41 * DAY);
    expect(await status()).to.deep.equal(["Expired", 0]);
  });

  it("adds a CA certificate without a key; GET with no name lists every certkey", async () => {
    expect((await addCertkey(client, "emu-int", pki.intermediate, { withoutKey: true })).status).to.equal(201);
    expect((await addCertkey(client, "emu-root", pki.root, { withoutKey: true })).status).to.equal(201);
    const all = objects(await client.get("sslcertkey"), "sslcertkey");
    expect(all.map((c) => [c.certkey, (c.certificatetype as string[])[0], c.key])).to.deep.equal([
      ["emu-int", "INTM_CERT", undefined],
      ["emu-root", "ROOT_CERT", undefined],
    ]);
    const count = await client.get("sslcertkey?count=yes");
    expect(objects(count, "sslcertkey")).to.deep.equal([{ __count: 2 }]);
    const filtered = objects(await client.get("sslcertkey?filter=certkey:emu-root&attrs=certkey,status"), "sslcertkey");
    expect(filtered).to.deep.equal([{ certkey: "emu-root", status: "Valid" }]);
  });

  it("GET with no certkeys at all answers 200 without the type key", async () => {
    const reply = await client.get("sslcertkey");
    expect(reply.status).to.equal(200);
    expect(reply.body).to.deep.equal({ errorcode: 0, message: "Done", severity: "NONE" });
  });

  it("refuses an existing name and existing content under another name with 409 / 273", async () => {
    const leaf = pki.leaf("dup.example.com");
    await addCertkey(client, "dup", leaf);
    const sameName = await client.post("sslcertkey", { sslcertkey: { certkey: "dup", cert: "dup.cer", key: "dup.key" } });
    expect([sameName.status, sameName.errorcode]).to.deep.equal([409, 273]);
    expect(sameName.body.message).to.equal("Resource already exists [dup]");
    await client.upload("copy.cer", leaf.certificatePem);
    const sameContent = await client.post("sslcertkey", { sslcertkey: { certkey: "dup2", cert: "copy.cer", key: "dup.key" } });
    expect([sameContent.status, sameContent.errorcode]).to.deep.equal([409, 273]);
    expect(sameContent.body.message).to.equal("Resource already exists [certkeyName Contents, dup]");
  });

  it("answers 1538 when the key does not match, 1647 when a file is missing, 1537 for a key that is no key", async () => {
    const leaf = pki.leaf("mismatch.example.com");
    const mismatch = await addCertkey(client, "mm", leaf, { keyPem: pooledKey(3).privateKeyPem });
    expect([mismatch.status, mismatch.errorcode]).to.deep.equal([599, 1538]);
    const missingCert = await client.post("sslcertkey", { sslcertkey: { certkey: "nofile", cert: "absent.cer", key: "mm.key" } });
    expect([missingCert.status, missingCert.errorcode]).to.deep.equal([599, 1647]);
    expect(missingCert.body.message).to.include("[absent.cer]");
    const missingKey = await client.post("sslcertkey", { sslcertkey: { certkey: "nokey", cert: "mm.cer", key: "absent.key" } });
    expect(missingKey.errorcode).to.equal(1647);
    await client.upload("junk.key", "not a key");
    const junk = await client.post("sslcertkey", { sslcertkey: { certkey: "junk", cert: "mm.cer", key: "junk.key" } });
    expect([junk.status, junk.errorcode]).to.deep.equal([599, 1537]);
    expect(setup.emulator.state().running.default.certkeys).to.deep.equal({});
  });

  it("accepts absolute paths and PKCS#1 keys; decrypts encrypted keys with passplain (missing or wrong: 1537)", async () => {
    const leaf = issueCertificate({ commonName: "enc.example.com", key: pooledKey(4), issuer: pki.intermediate });
    const encrypted = encryptKey(leaf.key, "pa55");
    const noPass = await addCertkey(client, "enc", leaf, { keyPem: encrypted });
    expect([noPass.status, noPass.errorcode]).to.deep.equal([599, 1537]);
    const wrong = await client.post("sslcertkey", { sslcertkey: { certkey: "enc", cert: "enc.cer", key: "enc.key", passplain: "nope" } });
    expect(wrong.errorcode).to.equal(1537);
    expect(JSON.stringify(wrong.body)).to.not.include("nope");
    const right = await client.post("sslcertkey", { sslcertkey: { certkey: "enc", cert: "/nsconfig/ssl/enc.cer", key: "/nsconfig/ssl/enc.key", passplain: "pa55" } });
    expect([right.status, right.errorcode]).to.deep.equal([201, 0]);
    const pkcs1 = pki.leaf("p1.example.com", { key: pooledKey(5) });
    expect((await addCertkey(client, "p1", pkcs1, { keyPem: pkcs1Key(pkcs1.key) })).status).to.equal(201);
    const [ck] = objects(await client.get("sslcertkey/enc"), "sslcertkey");
    expect(ck).to.not.have.property("passplain");
  });

  it("enforces the certkey name rules and required arguments", async () => {
    await client.upload("n.cer", pki.leaf("n.example.com").certificatePem);
    for (const bad of ["-dash-first", "has/slash", "x".repeat(64), "semi;colon"]) {
      const reply = await client.post("sslcertkey", { sslcertkey: { certkey: bad, cert: "n.cer" } });
      expect([reply.status, reply.errorcode], bad).to.deep.equal([400, 1097]);
    }
    const ok = await client.post("sslcertkey", { sslcertkey: { certkey: "_ok name#1.a:b@c=d-e", cert: "n.cer" } });
    expect(ok.status).to.equal(201);
    const noCert = await client.post("sslcertkey", { sslcertkey: { certkey: "nocert" } });
    expect([noCert.status, noCert.errorcode, noCert.body.message]).to.deep.equal([400, 1095, "Required argument missing [cert]"]);
  });

  it("update changes certificate and key in place, keeping name, link and bindings", async () => {
    await addCertkey(client, "emu-int", pki.intermediate, { withoutKey: true });
    const v1 = pki.leaf("web.example.com", { key: pooledKey(3) });
    await addCertkey(client, "web", v1);
    await client.post("sslcertkey?action=link", { sslcertkey: { certkey: "web", linkcertkeyname: "emu-int" } });
    await client.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: "vs1", certkeyname: "web" } });
    const v2 = pki.leaf("web.example.com", { key: pooledKey(4) });
    await client.upload("web-v2.cer", v2.certificatePem);
    await client.upload("web-v2.key", v2.key.privateKeyPem);
    const update = await client.post("sslcertkey?action=update", { sslcertkey: { certkey: "web", cert: "web-v2.cer", key: "web-v2.key" } });
    expect([update.status, update.errorcode]).to.deep.equal([200, 0]);
    const [ck] = objects(await client.get("sslcertkey/web"), "sslcertkey");
    expect(ck).to.include({ serial: v2.serialHex, cert: "web-v2.cer", key: "web-v2.key", linkcertkeyname: "emu-int" });
    expect(setup.emulator.state().running.default.bindings).to.deep.equal([{ vservername: "vs1", certkeyname: "web", snicert: false, ca: false }]);
    expect(setup.emulator.requests().at(-1)?.unservedVservers).to.deep.equal([]);
  });

  it("update of a certificate for another domain answers 3585 unless nodomaincheck; at /sslcertkey/<name> too", async () => {
    await addCertkey(client, "web", pki.leaf("web.example.com", { key: pooledKey(3) }));
    const other = pki.leaf("other.example.com", { key: pooledKey(4) });
    await client.upload("other.cer", other.certificatePem);
    await client.upload("other.key", other.key.privateKeyPem);
    const refused = await client.post("sslcertkey?action=update", { sslcertkey: { certkey: "web", cert: "other.cer", key: "other.key" } });
    expect([refused.status, refused.errorcode]).to.deep.equal([599, 3585]);
    const accepted = await client.post("sslcertkey/web?action=update", { sslcertkey: { certkey: "web", cert: "other.cer", key: "other.key", nodomaincheck: true } });
    expect([accepted.status, accepted.errorcode]).to.deep.equal([200, 0]);
    expect(setup.emulator.state().running.default.certkeys.web.subject).to.equal("CN=other.example.com");
  });

  it("update answers 1540 for a missing certkey and 1538 for a mismatched key", async () => {
    const leaf = pki.leaf("u.example.com", { key: pooledKey(3) });
    await addCertkey(client, "u", leaf);
    const missing = await client.post("sslcertkey?action=update", { sslcertkey: { certkey: "ghost", cert: "u.cer", key: "u.key" } });
    expect([missing.status, missing.errorcode, missing.body.message]).to.deep.equal([599, 1540, "Certificate does not exist [ghost]"]);
    const renewed = pki.leaf("u.example.com", { key: pooledKey(4) });
    await client.upload("u2.cer", renewed.certificatePem);
    const mismatch = await client.post("sslcertkey?action=update", { sslcertkey: { certkey: "u", cert: "u2.cer", key: "u.key" } });
    expect(mismatch.errorcode).to.equal(1538);
    expect(setup.emulator.state().running.default.certkeys.u.serial).to.equal(leaf.serialHex);
  });

  it("plain PUT changes only expirymonitor / notificationperiod; cert there answers 278", async () => {
    await addCertkey(client, "m", pki.leaf("m.example.com"));
    const put = await client.put("sslcertkey", { sslcertkey: { certkey: "m", expirymonitor: "ENABLED", notificationperiod: 45 } });
    expect([put.status, put.errorcode]).to.deep.equal([200, 0]);
    expect(objects(await client.get("sslcertkey/m"), "sslcertkey")[0]).to.include({ expirymonitor: "ENABLED", notificationperiod: 45 });
    const withCert = await client.put("sslcertkey", { sslcertkey: { certkey: "m", cert: "m.cer" } });
    expect([withCert.status, withCert.errorcode]).to.deep.equal([400, 278]);
    expect(withCert.body.message).to.match(/^Invalid argument \[cert\]/);
    const badPeriod = await client.put("sslcertkey", { sslcertkey: { certkey: "m", notificationperiod: 5 } });
    expect(badPeriod.errorcode).to.equal(1097);
    const missing = await client.put("sslcertkey", { sslcertkey: { certkey: "ghost", expirymonitor: "DISABLED" } });
    expect(missing.errorcode).to.equal(1540);
  });

  it("links to the issuing CA, refuses self links (1543) and non-issuers, unlinks (1545 when none)", async () => {
    await addCertkey(client, "emu-int", pki.intermediate, { withoutKey: true });
    await addCertkey(client, "emu-root", pki.root, { withoutKey: true });
    await addCertkey(client, "leaf", pki.leaf("l.example.com"));
    const self = await client.post("sslcertkey?action=link", { sslcertkey: { certkey: "leaf", linkcertkeyname: "leaf" } });
    expect([self.status, self.errorcode]).to.deep.equal([599, 1543]);
    const wrongCa = await client.post("sslcertkey?action=link", { sslcertkey: { certkey: "leaf", linkcertkeyname: "emu-root" } });
    expect(wrongCa.status).to.equal(599);
    expect(wrongCa.errorcode).to.not.equal(0);
    const missingCa = await client.post("sslcertkey?action=link", { sslcertkey: { certkey: "leaf", linkcertkeyname: "ghost" } });
    expect(missingCa.errorcode).to.equal(1540);
    const link = await client.post("sslcertkey?action=link", { sslcertkey: { certkey: "leaf", linkcertkeyname: "emu-int" } });
    expect([link.status, link.errorcode]).to.deep.equal([200, 0]);
    expect((await client.post("sslcertkey?action=link", { sslcertkey: { certkey: "emu-int", linkcertkeyname: "emu-root" } })).status).to.equal(200);
    const second = await client.post("sslcertkey?action=link", { sslcertkey: { certkey: "leaf", linkcertkeyname: "emu-int" } });
    expect(second.errorcode).to.not.equal(0);
    expect(setup.emulator.state().running.default.certkeys.leaf.linkcertkeyname).to.equal("emu-int");
    const unlink = await client.post("sslcertkey?action=unlink", { sslcertkey: { certkey: "leaf" } });
    expect([unlink.status, unlink.errorcode]).to.deep.equal([200, 0]);
    expect(objects(await client.get("sslcertkey/leaf"), "sslcertkey")[0]).to.not.have.property("linkcertkeyname");
    const none = await client.post("sslcertkey?action=unlink", { sslcertkey: { certkey: "leaf" } });
    expect([none.status, none.errorcode]).to.deep.equal([599, 1545]);
  });

  it("delete: 1541 while bound or linked to, 1540 when missing, deletefromdevice removes its files", async () => {
    await addCertkey(client, "emu-int", pki.intermediate, { withoutKey: true });
    await addCertkey(client, "d", pki.leaf("d.example.com"));
    await client.post("sslcertkey?action=link", { sslcertkey: { certkey: "d", linkcertkeyname: "emu-int" } });
    await client.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: "vs1", certkeyname: "d" } });
    const bound = await client.delete("sslcertkey/d");
    expect([bound.status, bound.errorcode]).to.deep.equal([599, 1541]);
    const linkedTo = await client.delete("sslcertkey/emu-int");
    expect(linkedTo.errorcode).to.equal(1541);
    await client.delete("sslvserver_sslcertkey_binding/vs1?args=certkeyname:d");
    const del = await client.delete("sslcertkey/d?args=deletefromdevice:true");
    expect([del.status, del.errorcode]).to.deep.equal([200, 0]);
    const files = Object.keys(setup.emulator.state().files.default);
    expect(files).to.deep.equal(["/nsconfig/ssl/emu-int.cer"]);
    expect((await client.delete("sslcertkey/emu-int")).status).to.equal(200);
    expect(Object.keys(setup.emulator.state().files.default)).to.deep.equal(["/nsconfig/ssl/emu-int.cer"]);
    const missing = await client.delete("sslcertkey/d");
    expect([missing.status, missing.errorcode]).to.deep.equal([599, 1540]);
    const get = await client.get("sslcertkey/d");
    expect(get.errorcode).to.equal(1540);
  });

  it("decodes certkey names in the path whether encoded once, twice or not at all", async () => {
    await addCertkey(client, "a b#c", pki.leaf("ab.example.com"), { certFile: "ab.cer", keyFile: "ab.key" });
    for (const path of ["a%20b%23c", "a%2520b%2523c"]) {
      expect(objects(await client.get(`sslcertkey/${path}`), "sslcertkey")[0]?.certkey, path).to.equal("a b#c");
    }
    await addCertkey(client, "plain-name", pki.leaf("plain.example.com"));
    expect((await client.get("sslcertkey/plain-name")).status).to.equal(200);
    expect((await client.delete("sslcertkey/a%2520b%2523c")).status).to.equal(200);
  });
});
