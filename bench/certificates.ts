// Certificates for the benchmark, made once per run: a few RSA keys from Node's generator,
// one root and one intermediate CA, and leaves built with node-forge but signed with Node's
// crypto (forge's pure-JS RSA signing takes ~20 ms a certificate, too slow for 1000 of them).
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import forge from "node-forge";

export interface BenchCertificate {
  id: string;
  certificatePem: string;
  privateKeyPem: string;
  /** Intermediate CA PEM (the root is left out, as users do). */
  chainPem: string;
}

interface SigningKey {
  privateKeyPem: string;
  privateKey: KeyObject;
  forgePublicKey: forge.pki.PublicKey;
}

export interface BenchPki {
  /** A leaf for `id`, on the `id`-th shared key; a fresh serial on every call (renewal = call again). */
  issue(id: string, index: number): BenchCertificate;
  keyCount: number;
}

const DAY_MS = 24 * 3600 * 1000;
// forge has getTBSCertificate but its type definitions do not list it.
const forgePki = forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };

function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKeyPem: privateKey, privateKey: createPrivateKey(privateKey), forgePublicKey: forge.pki.publicKeyFromPem(publicKey) };
}

function serialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x10; // positive, no leading zero nibble
  return bytes.toString("hex").toUpperCase();
}

interface Issuer {
  subject: forge.pki.CertificateField[];
  key: SigningKey;
}

function buildCertificate(commonName: string, key: SigningKey, issuer: Issuer | undefined, isCa: boolean, now: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublicKey;
  cert.serialNumber = serialHex();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + (isCa ? 1825 : 90) * DAY_MS);
  const subject = [{ name: "commonName", value: commonName }, { name: "organizationName", value: "Certsync Bench" }];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.subject : subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: isCa, critical: true },
    isCa
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "subjectKeyIdentifier" },
    ...(isCa ? [] : [{ name: "subjectAltName", altNames: [{ type: 2, value: commonName }] }]),
  ]);
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  const tbs = forgePki.getTBSCertificate(cert);
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), "binary");
  const signingKey = issuer ? issuer.key : key;
  (cert as forge.pki.Certificate & { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  cert.signature = sign("sha256", tbsDer, signingKey.privateKey).toString("binary");
  return cert;
}

/** `keys` leaf keys shared round-robin across certificates, plus one key per CA. */
export function makeBenchPki(keys = 8): BenchPki {
  const now = Date.now();
  const rootKey = newSigningKey();
  const intermediateKey = newSigningKey();
  const leafKeys = Array.from({ length: keys }, newSigningKey);
  const root = buildCertificate("Certsync Bench Root CA", rootKey, undefined, true, now);
  const intermediate = buildCertificate("Certsync Bench Intermediate CA", intermediateKey, { subject: root.subject.attributes, key: rootKey }, true, now);
  const chainPem = forge.pki.certificateToPem(intermediate);
  const issuer: Issuer = { subject: intermediate.subject.attributes, key: intermediateKey };
  return {
    keyCount: keys,
    issue(id, index) {
      const key = leafKeys[index % leafKeys.length];
      const leaf = buildCertificate(`${id}.bench.example`, key, issuer, false, now);
      return { id, certificatePem: forge.pki.certificateToPem(leaf), privateKeyPem: key.privateKeyPem, chainPem };
    },
  };
}

/** Certificate ids for a run of size n: cert-0001, cert-0002, ... */
export function certificateIds(n: number): string[] {
  const width = Math.max(4, String(n).length);
  return Array.from({ length: n }, (_, i) => `cert-${String(i + 1).padStart(width, "0")}`);
}
