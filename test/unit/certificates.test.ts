import { expect } from "chai";
import { createHash, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { readCertificateMaterial, readCertificates, validityProblem, type MaterialProblem } from "../../provider/certificates";
import { readNativeCertificate } from "../../provider/certificates/native";
import { derToPem, scanPem } from "../../provider/certificates/pem";
import { parseCertificateDer } from "../../provider/certificates/x509";
import { normalizeSerial } from "../../provider/serial";
import {
  encryptKey,
  issueCertificate,
  makePki,
  pkcs1Key,
  pooledKey,
  toDerBase64,
  toPfxBase64,
  type IssuedCertificate,
  type TestPki,
} from "../support/certs";

const NOT_BEFORE = new Date("2026-01-01T00:00:00Z");
const NOT_AFTER = new Date("2026-04-01T12:30:00Z");

function legacyEncrypted(leaf: IssuedCertificate, passphrase: string): string {
  const key = forge.pki.privateKeyFromPem(leaf.key.privateKeyPem);
  return forge.pki.encryptRsaPrivateKey(key, passphrase, { legacy: true, algorithm: "aes128" });
}

function problemsOf(result: ReturnType<typeof readCertificateMaterial>): MaterialProblem[] {
  return result.ok ? [] : result.problems;
}

describe("certificates", () => {
  let pki: TestPki;
  let leaf: IssuedCertificate;
  let other: TestPki;

  before(() => {
    pki = makePki("Test");
    other = makePki("Other", { root: 4, intermediate: 5 });
    leaf = pki.leaf("shop.example.com", {
      subjectAltNames: ["shop.example.com", "www.example.com", "10.1.2.3"],
      organization: "Example, Inc",
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      serialHex: "0ABC12",
      key: pooledKey(3),
    });
  });

  describe("facts", () => {
    it("are computed as model.ts documents them", () => {
      const result = readCertificateMaterial({ certificate: leaf.certificatePem, privateKey: leaf.key.privateKeyPem });
      expect(problemsOf(result)).to.deep.equal([]);
      if (!result.ok) return;
      const facts = result.material.leaf;
      const x = new X509Certificate(leaf.certificatePem);
      expect(facts.serial).to.equal("ABC12");
      expect(facts.fingerprint).to.equal(x.fingerprint256.replace(/:/g, "").toLowerCase()).and.to.match(/^[0-9a-f]{64}$/);
      expect(facts.subject).to.equal("CN=shop.example.com,O=Example\\, Inc");
      expect(facts.issuer).to.equal("CN=Test Intermediate CA");
      expect(facts.commonName).to.equal("shop.example.com");
      expect(facts.subjectAltNames).to.deep.equal(["shop.example.com", "www.example.com", "10.1.2.3"]);
      expect(facts.notBefore).to.equal("2026-01-01T00:00:00Z");
      expect(facts.notAfter).to.equal("2026-04-01T12:30:00Z");
      expect(facts.selfSigned).to.equal(false);
      expect(facts.isCa).to.equal(false);
      expect(facts.pem).to.match(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
    });

    it("mark roots self-signed and CAs as CAs", () => {
      const root = readCertificates(pki.root.certificatePem).certificates[0].facts;
      const intermediate = readCertificates(pki.intermediate.certificatePem).certificates[0].facts;
      expect([root.selfSigned, root.isCa]).to.deep.equal([true, true]);
      expect([intermediate.selfSigned, intermediate.isCa]).to.deep.equal([false, true]);
    });

    it("strip leading zeros from serials and upper-case them", () => {
      expect(normalizeSerial("00a1b2")).to.equal("A1B2");
      expect(normalizeSerial("0000")).to.equal("0");
    });

    it("are the same from base64 DER, from PEM with CRLF and comments, and via the node:crypto fallback", () => {
      const fromPem = readCertificates(leaf.certificatePem).certificates[0];
      const fromDer = readCertificates(toDerBase64(leaf)).certificates[0];
      const messy = readCertificates(`Bag Attributes\r\n  friendlyName: shop\r\n${leaf.certificatePem.replace(/\n/g, "\r\n")}`).certificates[0];
      expect(fromDer.facts).to.deep.equal(fromPem.facts);
      expect(messy.facts).to.deep.equal(fromPem.facts);
      const native = readNativeCertificate(fromPem.der);
      const { pem: _pem, fingerprint: _fp, selfSigned: _ss, ...forgeFacts } = fromPem.facts;
      expect(native.facts).to.deep.equal(forgeFacts);
      expect(native.publicKeyFingerprint).to.equal(fromPem.publicKeyFingerprint);
    });
  });

  describe("certificate text problems", () => {
    const cases: Array<[string, (pem: string) => string, RegExp]> = [
      ["plain text", () => "hello world", /^not a PEM certificate \(no "-----BEGIN CERTIFICATE-----" block found\); paste the PEM text or base64 DER$/],
      ["an empty string", () => "  ", /is empty; paste the PEM text or base64 DER/],
      ["no END line", (pem) => pem.split("\n").slice(0, 8).join("\n"), /^truncated PEM: the "-----BEGIN CERTIFICATE-----" block #1 \(line 1\) has no "-----END CERTIFICATE-----" line/],
      ["a body cut in the middle", (pem) => pem.replace(/\r?\n[A-Za-z0-9+/]{64}\r?\n[A-Za-z0-9+/]{64}\r?\n/, "\n"), /could not be decoded as an X.509 certificate .*damaged or truncated/],
      ["a body with a broken base64 line", (pem) => pem.replace(/\r?\n([A-Za-z0-9+/]{64})\r?\n/, "\n$1x\n"), /block #1 \(line 1\) is damaged: its body is not complete base64/],
      ["mismatched BEGIN/END labels", (pem) => pem.replace("END CERTIFICATE", "END X509 CRL"), /begins as "CERTIFICATE" but ends as "X509 CRL"/],
      ["base64 of something else", () => Buffer.from("not a certificate at all").toString("base64"), /^not a PEM certificate \(no "-----BEGIN CERTIFICATE-----" block found\)/],
      ["truncated base64 DER", () => Buffer.from(toDerBase64(leaf), "base64").subarray(0, 300).toString("base64"), /^the base64 DER could not be decoded as an X.509 certificate .*damaged or truncated/],
      ["only a public key block", () => pooledKey(0).publicKeyPem, /no "-----BEGIN CERTIFICATE-----" block found, only "PUBLIC KEY"/],
    ];
    for (const [description, mutate, expected] of cases) {
      it(`reports ${description}`, () => {
        const read = readCertificates(mutate(leaf.certificatePem));
        expect(read.problems).to.have.length(1);
        expect(read.problems[0]).to.match(expected);
      });
    }

    it("refuses a private key pasted into the certificate, without quoting it", () => {
      const result = readCertificateMaterial({ certificate: leaf.certificatePem + leaf.key.privateKeyPem, privateKey: leaf.key.privateKeyPem });
      const problems = problemsOf(result);
      expect(problems.map((p) => p.field)).to.deep.equal(["certificate"]);
      expect(problems[0].message).to.match(/contains a private key block: put the key in privateKey/);
      expect(problems[0].message).not.to.contain("MII");
    });
  });

  describe("private keys", () => {
    const passphrase = "correct horse";
    const good: Array<[string, (l: IssuedCertificate) => string, string | undefined, boolean]> = [
      ["PKCS#8", (l) => l.key.privateKeyPem, undefined, false],
      ["PKCS#1", (l) => pkcs1Key(l.key), undefined, false],
      ["encrypted PKCS#8", (l) => encryptKey(l.key, passphrase), passphrase, true],
      ["legacy encrypted PKCS#1", (l) => legacyEncrypted(l, passphrase), passphrase, true],
    ];
    for (const [description, keyOf, given, encrypted] of good) {
      it(`accepts ${description} and uploads it as given`, () => {
        const keyPem = keyOf(leaf);
        const result = readCertificateMaterial({ certificate: leaf.certificatePem, privateKey: keyPem, privateKeyPassphrase: given });
        expect(problemsOf(result)).to.deep.equal([]);
        if (!result.ok) return;
        expect(result.material.keyPem).to.equal(keyPem.replace(/\r\n/g, "\n").trim() + "\n");
        expect(result.material.keyPassphrase).to.equal(encrypted ? passphrase : undefined);
      });
    }

    const bad: Array<[string, () => { privateKey: string; privateKeyPassphrase?: string }, string, RegExp]> = [
      ["an encrypted PKCS#8 key without passphrase", () => ({ privateKey: encryptKey(leaf.key, passphrase) }), "privateKeyPassphrase", /is encrypted and no privateKeyPassphrase is set/],
      ["an encrypted PKCS#8 key with a wrong passphrase", () => ({ privateKey: encryptKey(leaf.key, passphrase), privateKeyPassphrase: "Correct horse" }), "privateKeyPassphrase", /does not decrypt the private key/],
      ["a legacy encrypted key without passphrase", () => ({ privateKey: legacyEncrypted(leaf, passphrase) }), "privateKeyPassphrase", /is encrypted and no privateKeyPassphrase/],
      ["a legacy encrypted key with a wrong passphrase", () => ({ privateKey: legacyEncrypted(leaf, passphrase), privateKeyPassphrase: "wrong" }), "privateKeyPassphrase", /does not decrypt/],
      ["another certificate's key", () => ({ privateKey: pooledKey(0).privateKeyPem }), "privateKey", /^the private key does not match the certificate \(certificate public key fingerprint [0-9a-f]{8}…, key's [0-9a-f]{8}…\); supply the key the certificate was issued for$/],
      ["a certificate instead of a key", () => ({ privateKey: leaf.certificatePem }), "privateKey", /contains a certificate, not a private key/],
      ["text that is no key", () => ({ privateKey: "secret-ish text" }), "privateKey", /not a PEM private key \(no "-----BEGIN ... PRIVATE KEY-----" block found\)/],
      ["a truncated key", () => ({ privateKey: leaf.key.privateKeyPem.split("\n").slice(0, 5).join("\n") }), "privateKey", /truncated PEM: the "-----BEGIN PRIVATE KEY-----"/],
      ["two keys", () => ({ privateKey: leaf.key.privateKeyPem + pooledKey(0).privateKeyPem }), "privateKey", /contains 2 private keys/],
      ["a damaged key body", () => ({ privateKey: leaf.key.privateKeyPem.replace(/\r?\n[A-Za-z0-9+/]{64}\r?\n[A-Za-z0-9+/]{64}\r?\n/, "\n") }), "privateKey", /block could not be read/],
    ];
    for (const [description, input, field, expected] of bad) {
      it(`reports ${description}`, () => {
        const given = input();
        const problems = problemsOf(readCertificateMaterial({ certificate: leaf.certificatePem, ...given }));
        expect(problems).to.have.length(1);
        expect(problems[0].field).to.equal(field);
        expect(problems[0].message).to.match(expected);
        expect(problems[0].message).not.to.contain(passphrase);
        expect(problems[0].message).not.to.contain("MII");
      });
    }
  });

  describe("chains", () => {
    let deep: { root: IssuedCertificate; upper: IssuedCertificate; lower: IssuedCertificate; leaf: IssuedCertificate };
    before(() => {
      const root = issueCertificate({ commonName: "Deep Root", isCa: true, key: pooledKey(1) });
      const upper = issueCertificate({ commonName: "Deep Upper CA", isCa: true, key: pooledKey(2), issuer: root });
      const lower = issueCertificate({ commonName: "Deep Lower CA", isCa: true, key: pooledKey(4), issuer: upper });
      deep = { root, upper, lower, leaf: issueCertificate({ commonName: "deep.example.com", issuer: lower, key: pooledKey(3) }) };
    });
    const subjects = (r: ReturnType<typeof readCertificateMaterial>) => (r.ok ? r.material.chain.map((c) => c.subject) : r.problems);
    const material = (chain: string, certificate = deep.leaf.certificatePem) =>
      readCertificateMaterial({ certificate, privateKey: deep.leaf.key.privateKeyPem, chain });

    it("orders a shuffled bundle from the leaf's issuer upwards, dropping the root and duplicates", () => {
      const bundle = [deep.root, deep.upper, deep.lower, deep.upper].map((c) => c.certificatePem).join("\n");
      expect(subjects(material(bundle))).to.deep.equal(["CN=Deep Lower CA", "CN=Deep Upper CA"]);
    });

    it("takes a full chain pasted into certificate, leaf first or not", () => {
      const full = [deep.upper, deep.leaf, deep.lower].map((c) => c.certificatePem).join("");
      const result = material("", full);
      expect(subjects(result)).to.deep.equal(["CN=Deep Lower CA", "CN=Deep Upper CA"]);
      expect(result.ok && result.material.leaf.subject).to.equal("CN=deep.example.com");
    });

    it("accepts no chain at all", () => {
      expect(subjects(readCertificateMaterial({ certificate: deep.leaf.certificatePem, privateKey: deep.leaf.key.privateKeyPem }))).to.deep.equal([]);
    });

    it("names an intermediate of another PKI", () => {
      const problems = problemsOf(material(deep.lower.certificatePem + other.intermediate.certificatePem));
      expect(problems).to.have.length(1);
      expect(problems[0].field).to.equal("chain");
      expect(problems[0].message).to.match(/^the chain certificate "CN=Other Intermediate CA" does not link to the leaf "CN=deep.example.com"/);
    });

    it("names the certificate after a gap, and the missing issuer", () => {
      const problems = problemsOf(material(deep.upper.certificatePem));
      expect(problems.map((p) => p.message)).to.have.length(1);
      expect(problems[0].message).to.match(/"CN=Deep Upper CA" does not link .* whose issuer "CN=Deep Lower CA" is not in the chain; add the missing intermediate/);
    });

    it("checks signatures, not only names", () => {
      const impostor = issueCertificate({ commonName: "Deep Lower CA", isCa: true, key: pooledKey(5), issuer: deep.upper });
      const problems = problemsOf(material(impostor.certificatePem + deep.upper.certificatePem));
      expect(problems.map((p) => p.message).join("\n")).to.match(/"CN=Deep Lower CA" has the name of the issuer of "CN=deep.example.com" but did not sign it/);
    });
  });

  describe("PFX", () => {
    it("yields the leaf, an unencrypted PKCS#8 key that matches, and the chain", () => {
      const result = readCertificateMaterial({ pfx: toPfxBase64(leaf, [pki.intermediate, pki.root], "pfx-pw"), pfxPassword: "pfx-pw" });
      expect(problemsOf(result)).to.deep.equal([]);
      if (!result.ok) return;
      expect(result.material.leaf.subject).to.equal("CN=shop.example.com,O=Example\\, Inc");
      expect(result.material.keyPem).to.match(/^-----BEGIN PRIVATE KEY-----/);
      expect(result.material.keyPassphrase).to.equal(undefined);
      expect(result.material.chain.map((c) => c.subject)).to.deep.equal(["CN=Test Intermediate CA"]);
    });

    const cases: Array<[string, () => Parameters<typeof readCertificateMaterial>[0], string, RegExp]> = [
      ["a wrong password", () => ({ pfx: toPfxBase64(leaf, [], "pfx-pw"), pfxPassword: "nope" }), "pfxPassword", /pfxPassword does not open the PFX bundle/],
      ["a missing password", () => ({ pfx: toPfxBase64(leaf, [], "pfx-pw") }), "pfxPassword", /password-protected; set pfxPassword/],
      ["text that is not base64", () => ({ pfx: "not base64!" }), "pfx", /is not base64/],
      ["base64 that is not PKCS#12", () => ({ pfx: toDerBase64(leaf) }), "pfx", /not a readable PKCS#12/],
      ["pfx together with certificate", () => ({ pfx: toPfxBase64(leaf, [], "p"), pfxPassword: "p", certificate: leaf.certificatePem }), "pfx", /either pfx or certificate/],
      ["pfxPassword without pfx", () => ({ certificate: leaf.certificatePem, privateKey: leaf.key.privateKeyPem, pfxPassword: "p" }), "pfxPassword", /pfx is not/],
    ];
    for (const [description, input, field, expected] of cases) {
      it(`reports ${description}`, () => {
        const problems = problemsOf(readCertificateMaterial(input()));
        expect(problems.map((p) => p.field)).to.include(field);
        expect(problems.find((p) => p.field === field)?.message).to.match(expected);
      });
    }
  });

  describe("validity", () => {
    it("reports not-yet-valid and expired certificates with their dates", () => {
      const facts = readCertificates(leaf.certificatePem).certificates[0].facts;
      expect(validityProblem(facts, new Date("2025-12-31T23:59:59Z"))).to.match(/is not valid before 2026-01-01T00:00:00Z; /);
      expect(validityProblem(facts, new Date("2026-02-01T00:00:00Z"))).to.equal(undefined);
      expect(validityProblem(facts, new Date("2026-04-01T12:30:01Z"))).to.match(/expired on 2026-04-01T12:30:00Z; supply its renewal/);
    });
  });

  describe("PEM helpers", () => {
    it("round-trip DER through PEM", () => {
      const der = Buffer.from(toDerBase64(leaf), "base64");
      const block = scanPem(derToPem(der)).blocks[0];
      expect(block.label).to.equal("CERTIFICATE");
      expect(createHash("sha256").update(block.der).digest("hex")).to.equal(parseCertificateDer(der).facts.fingerprint);
    });
  });
});
