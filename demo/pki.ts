// Demo certificates, made at run time (no key material is committed): a root CA, an
// intermediate it signed, and leaves signed by the intermediate. RSA keys from Node's
// generator, certificates signed with node-forge.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";

export interface Issued {
  certificatePem: string;
  privateKeyPem: string;
  serial: string;
}

const DAY_MS = 24 * 3600 * 1000;

export function issue(commonName: string, options: { isCa?: boolean; issuer?: Issued; days?: number } = {}): Issued {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const serialBytes = randomBytes(16);
  serialBytes[0] = (serialBytes[0] & 0x7f) | 0x10; // positive, no leading zero nibble
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = serialBytes.toString("hex");
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + (options.days ?? 90) * DAY_MS);
  const subject = [{ name: "commonName", value: commonName }, { name: "organizationName", value: "certsync demo" }];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer ? forge.pki.certificateFromPem(options.issuer.certificatePem).subject.attributes : subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: options.isCa ?? false, critical: true },
    options.isCa
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    ...(options.isCa ? [] : [{ name: "subjectAltName", altNames: [{ type: 2, value: commonName }] }]),
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(options.issuer?.privateKeyPem ?? privateKey), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: privateKey, serial: serialBytes.toString("hex").toUpperCase() };
}

export interface DemoPki {
  intermediate: Issued;
  /** Issues a leaf for <name>.demo.test and writes <name>.crt / <name>.key into the directory. */
  writeSite(name: string): Issued;
}

/** Creates the CAs and writes chain.pem into `dir`. */
export function createDemoPki(dir: string): DemoPki {
  const root = issue("certsync demo root CA", { isCa: true, days: 3650 });
  const intermediate = issue("certsync demo intermediate CA", { isCa: true, issuer: root, days: 1825 });
  writeFileSync(join(dir, "chain.pem"), intermediate.certificatePem);
  return {
    intermediate,
    writeSite: (name) => {
      const leaf = issue(`${name}.demo.test`, { issuer: intermediate });
      writeFileSync(join(dir, `${name}.crt`), leaf.certificatePem);
      writeFileSync(join(dir, `${name}.key`), leaf.privateKeyPem, { mode: 0o600 });
      return leaf;
    },
  };
}
