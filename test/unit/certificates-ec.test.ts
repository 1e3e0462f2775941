// ECDSA certificates and keys go through the node:crypto fallback (forge reads RSA only).
// forge cannot sign with EC keys, so the test builds the certificate's ASN.1 itself and signs
// it with node:crypto.
import { expect } from "chai";
import { generateKeyPairSync, sign, X509Certificate, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { readCertificateMaterial } from "../../provider/certificates";
import { pooledKey } from "../support/certs";

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const { asn1 } = forge;

function ecdsaAlgorithm(): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(ECDSA_WITH_SHA256).getBytes()),
  ]);
}

interface EcIssued {
  pem: string;
  subject: forge.pki.CertificateField[];
  key: KeyObject;
  spkiDer: Buffer;
}

/** A certificate for `publicKey` signed by `issuer` (or self-signed), ECDSA P-256 / SHA-256. */
function ecCertificate(commonName: string, isCa: boolean, issuer?: EcIssued): EcIssued {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spkiDer = publicKey.export({ type: "spki", format: "der" });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pooledKey(0).publicKeyPem); // placeholder, replaced below
  cert.serialNumber = "4A5B6C";
  cert.validity.notBefore = new Date("2026-01-01T00:00:00Z");
  cert.validity.notAfter = new Date("2027-01-01T00:00:00Z");
  const subject = [{ name: "commonName", value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.subject : subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: isCa, critical: true },
    ...(isCa ? [] : [{ name: "subjectAltName", altNames: [{ type: 2, value: commonName }] }]),
  ]);
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  // getTBSCertificate exists in forge but not in its type definitions.
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  const fields = tbs.value as forge.asn1.Asn1[];
  fields[2] = ecdsaAlgorithm();
  fields[6] = asn1.fromDer(spkiDer.toString("binary"));
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), "binary");
  const signature = sign("sha256", tbsDer, issuer ? issuer.key : privateKey);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    ecdsaAlgorithm(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, "\x00" + signature.toString("binary")),
  ]);
  const der = Buffer.from(asn1.toDer(certificate).getBytes(), "binary");
  const pem = new X509Certificate(der).toString();
  return { pem, subject: cert.subject.attributes, key: privateKey, spkiDer };
}

describe("certificates: ECDSA through node:crypto", () => {
  let root: EcIssued;
  let intermediate: EcIssued;
  let leaf: EcIssued;
  before(() => {
    root = ecCertificate("EC Root", true);
    intermediate = ecCertificate("EC Intermediate", true, root);
    leaf = ecCertificate("ec.example.com", false, intermediate);
  });

  const keyForms: Array<[string, () => string, string | undefined]> = [
    ["PKCS#8", () => leaf.key.export({ type: "pkcs8", format: "pem" }).toString(), undefined],
    ["SEC1 EC PRIVATE KEY", () => leaf.key.export({ type: "sec1", format: "pem" }).toString(), undefined],
    ["encrypted PKCS#8", () => leaf.key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "ec-pass" }).toString(), "ec-pass"],
  ];
  for (const [description, keyPem, passphrase] of keyForms) {
    it(`reads the leaf, orders the chain and matches a ${description} key`, () => {
      const result = readCertificateMaterial({ certificate: leaf.pem, privateKey: keyPem(), privateKeyPassphrase: passphrase, chain: root.pem + intermediate.pem });
      expect(result.ok ? [] : result.problems).to.deep.equal([]);
      if (!result.ok) return;
      expect(result.material.leaf).to.include({ serial: "4A5B6C", subject: "CN=ec.example.com", issuer: "CN=EC Intermediate", commonName: "ec.example.com", selfSigned: false, isCa: false });
      expect(result.material.leaf.subjectAltNames).to.deep.equal(["ec.example.com"]);
      expect(result.material.leaf.notAfter).to.equal("2027-01-01T00:00:00Z");
      expect(result.material.chain.map((c) => c.subject)).to.deep.equal(["CN=EC Intermediate"]);
      expect(result.material.keyPassphrase).to.equal(passphrase);
    });
  }

  it("reports a wrong passphrase and a foreign key", () => {
    const encrypted = leaf.key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "ec-pass" }).toString();
    const wrong = readCertificateMaterial({ certificate: leaf.pem, privateKey: encrypted, privateKeyPassphrase: "nope" });
    expect(wrong.ok ? [] : wrong.problems.map((p) => p.field)).to.deep.equal(["privateKeyPassphrase"]);
    const foreign = readCertificateMaterial({ certificate: leaf.pem, privateKey: intermediate.key.export({ type: "pkcs8", format: "pem" }).toString() });
    expect(foreign.ok ? "" : foreign.problems[0].message).to.match(/does not match the certificate/);
  });

  it("checks the signatures of an EC chain", () => {
    const impostor = ecCertificate("EC Intermediate", true, root);
    const result = readCertificateMaterial({ certificate: leaf.pem, privateKey: leaf.key.export({ type: "pkcs8", format: "pem" }).toString(), chain: impostor.pem });
    expect(result.ok ? "" : result.problems[0].message).to.match(/"CN=EC Intermediate" has the name of the issuer of "CN=ec.example.com" but did not sign it/);
  });
});
