// Builders for test certificates and keys, made at test time (no key material is committed).
// RSA keys come from Node's native generator (fast) and are pooled per process; certificates
// are signed with node-forge, which is what the provider reads them with as well.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

export interface KeyPair {
  privateKeyPem: string; // PKCS#8 PEM
  publicKeyPem: string;
}

export interface IssuedCertificate {
  certificatePem: string;
  key: KeyPair;
  serialHex: string;
  subjectCn: string;
}

const keyPool: KeyPair[] = [];

/** A fresh RSA key (2048 bits unless told). */
export function newKey(bits = 2048): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: bits,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** The n-th key of a per-process pool: tests that need many distinct keys reuse a few. */
export function pooledKey(n: number): KeyPair {
  while (keyPool.length <= n) keyPool.push(newKey());
  return keyPool[n];
}

export interface CertificateSpec {
  commonName: string;
  subjectAltNames?: string[];
  organization?: string;
  /** Defaults: one day ago. */
  notBefore?: Date;
  /** Defaults: 90 days after notBefore. */
  notAfter?: Date;
  /** Hex; defaults to 16 random bytes with the top bit cleared. */
  serialHex?: string;
  key?: KeyPair;
  /** Sign with this CA; omitted: self-signed. */
  issuer?: IssuedCertificate;
  isCa?: boolean;
}

const DAY_MS = 24 * 3600 * 1000;

export function issueCertificate(spec: CertificateSpec): IssuedCertificate {
  const key = spec.key ?? pooledKey(0);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(key.publicKeyPem);
  const serialHex = spec.serialHex ?? randomSerialHex();
  cert.serialNumber = serialHex;
  const notBefore = spec.notBefore ?? new Date(Date.now() - DAY_MS);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = spec.notAfter ?? new Date(notBefore.getTime() + 90 * DAY_MS);
  const subject = [{ name: "commonName", value: spec.commonName }];
  if (spec.organization) subject.push({ name: "organizationName", value: spec.organization });
  cert.setSubject(subject);
  const issuerCert = spec.issuer ? forge.pki.certificateFromPem(spec.issuer.certificatePem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const extensions: object[] = [
    { name: "basicConstraints", cA: spec.isCa ?? false, critical: true },
    spec.isCa
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ];
  if (!spec.isCa) {
    const names = spec.subjectAltNames ?? [spec.commonName];
    extensions.push({
      name: "subjectAltName",
      altNames: names.map((n) => (/^[0-9.]+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    });
  }
  cert.setExtensions(extensions);
  const signingKeyPem = spec.issuer ? spec.issuer.key.privateKeyPem : key.privateKeyPem;
  cert.sign(forge.pki.privateKeyFromPem(signingKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), key, serialHex, subjectCn: spec.commonName };
}

function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f; // positive
  bytes[0] |= 0x10; // no leading zero nibble, so the hex form is stable
  return bytes.toString("hex").toUpperCase();
}

/** A root CA, an intermediate it signed, and helpers to issue leaves from the intermediate. */
export interface TestPki {
  root: IssuedCertificate;
  intermediate: IssuedCertificate;
  leaf(commonName: string, spec?: Partial<CertificateSpec>): IssuedCertificate;
}

export function makePki(name = "Test", keys = { root: 1, intermediate: 2 }): TestPki {
  const root = issueCertificate({ commonName: `${name} Root CA`, isCa: true, key: pooledKey(keys.root), notAfter: new Date(Date.now() + 3650 * DAY_MS) });
  const intermediate = issueCertificate({
    commonName: `${name} Intermediate CA`,
    isCa: true,
    key: pooledKey(keys.intermediate),
    issuer: root,
    notAfter: new Date(Date.now() + 1825 * DAY_MS),
  });
  return {
    root,
    intermediate,
    leaf: (commonName, spec = {}) => issueCertificate({ commonName, issuer: intermediate, ...spec }),
  };
}

/** Encrypts a PKCS#8 key with a passphrase (PEM "ENCRYPTED PRIVATE KEY"). */
export function encryptKey(key: KeyPair, passphrase: string): string {
  const forgeKey = forge.pki.privateKeyFromPem(key.privateKeyPem);
  return forge.pki.encryptRsaPrivateKey(forgeKey, passphrase, { algorithm: "aes256" });
}

/** The key as PKCS#1 ("RSA PRIVATE KEY"). */
export function pkcs1Key(key: KeyPair): string {
  return forge.pki.privateKeyToPem(forge.pki.privateKeyFromPem(key.privateKeyPem));
}

/** A PKCS#12 bundle (base64) of a leaf, its key and chain. */
export function toPfxBase64(leaf: IssuedCertificate, chain: IssuedCertificate[], password: string): string {
  const p12 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(leaf.key.privateKeyPem),
    [leaf, ...chain].map((c) => forge.pki.certificateFromPem(c.certificatePem)),
    password,
    { algorithm: "3des" },
  );
  return forge.util.encode64(forge.asn1.toDer(p12).getBytes());
}

/** DER bytes of a certificate, base64. */
export function toDerBase64(cert: IssuedCertificate): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(cert.certificatePem))).getBytes();
  return forge.util.encode64(der);
}
