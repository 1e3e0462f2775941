// Reads certificate and key files the way the appliance does, with Node's own crypto
// (deliberately not node-forge: the provider reads with node-forge, and two independent
// readings catch more mistakes than one shared parser). Parsed facts are cached per file
// content, so a certificate is parsed once however often it is listed.
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from "node:crypto";

export interface ParsedCertificate {
  x509: X509Certificate;
  /** SHA-256 of the DER encoding, lower-case hex. */
  fingerprint: string;
  /** Upper-case hex as the certificate encodes it. */
  serial: string;
  /** One-line "C=..,O=..,CN=.." forms. */
  subject: string;
  issuer: string;
  commonName?: string;
  subjectAltNames: string[];
  notBefore: Date;
  notAfter: Date;
  /** OpenSSL text form, e.g. "Mar 14 07:29:39 2025 GMT", which the appliance returns too. */
  notBeforeText: string;
  notAfterText: string;
  isCa: boolean;
  selfIssued: boolean;
  signatureAlgorithm: string;
  publicKeySize: number;
  /** SPKI DER of the public key, base64: compared with a private key's to detect mismatches. */
  publicKeySpki: string;
}

export type KeyReading = { ok: true; publicKeySpki: string } | { ok: false; reason: "passphrase" | "invalid" };

const certificateCache = new Map<string, ParsedCertificate | null>();
const keyCache = new Map<string, KeyReading>();
const CACHE_LIMIT = 20000;

const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

/** The first certificate in a PEM or DER file, or null when it is not a certificate. */
export function parseCertificateFile(content: Buffer): ParsedCertificate | null {
  const cacheKey = sha256(content);
  const cached = certificateCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const parsed = parseUncached(content);
  if (certificateCache.size >= CACHE_LIMIT) certificateCache.clear();
  certificateCache.set(cacheKey, parsed);
  return parsed;
}

function parseUncached(content: Buffer): ParsedCertificate | null {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(content);
  } catch {
    return null;
  }
  const subjectParts = distinguishedNameParts(x509.subject);
  const issuerParts = distinguishedNameParts(x509.issuer);
  const keyDetails = x509.publicKey.asymmetricKeyDetails;
  const commonName = subjectParts.filter((p) => p.startsWith("CN=")).map((p) => p.slice(3)).pop();
  return {
    x509,
    fingerprint: x509.fingerprint256.replace(/:/g, "").toLowerCase(),
    serial: x509.serialNumber.toUpperCase(),
    subject: subjectParts.join(","),
    issuer: issuerParts.join(","),
    commonName,
    subjectAltNames: alternativeNames(x509.subjectAltName),
    notBefore: x509.validFromDate,
    notAfter: x509.validToDate,
    notBeforeText: x509.validFrom,
    notAfterText: x509.validTo,
    isCa: x509.ca,
    selfIssued: x509.subject === x509.issuer,
    signatureAlgorithm: x509.signatureAlgorithm ?? "unknown",
    publicKeySize: keyDetails?.modulusLength ?? curveBits(keyDetails?.namedCurve),
    publicKeySpki: x509.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
  };
}

function distinguishedNameParts(name: string): string[] {
  return name.split("\n").filter((p) => p.length > 0);
}

function alternativeNames(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(", ")
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ""))
    .filter((n) => n.length > 0);
}

function curveBits(curve: string | undefined): number {
  const bits = /(\d{3})/.exec(curve ?? "");
  return bits ? Number(bits[1]) : 0;
}

/** Reads a private key file, decrypting it with the passphrase when it is encrypted. */
export function readPrivateKey(content: Buffer, passphrase: string | undefined): KeyReading {
  const cacheKey = `${sha256(content)}|${passphrase === undefined ? "" : sha256(`p:${passphrase}`)}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const reading = readKeyUncached(content, passphrase);
  if (keyCache.size >= CACHE_LIMIT) keyCache.clear();
  keyCache.set(cacheKey, reading);
  return reading;
}

function readKeyUncached(content: Buffer, passphrase: string | undefined): KeyReading {
  const text = content.toString("utf8");
  const encrypted = /ENCRYPTED/.test(text);
  if (encrypted && !passphrase) return { ok: false, reason: "passphrase" };
  try {
    const key = createPrivateKey({ key: content, format: "pem", passphrase: passphrase ?? "" });
    const spki = createPublicKey(key).export({ type: "spki", format: "der" }).toString("base64");
    return { ok: true, publicKeySpki: spki };
  } catch {
    return { ok: false, reason: encrypted ? "passphrase" : "invalid" };
  }
}

/** True when `ca` issued `leaf` (names chain and the signature verifies). */
export function isIssuedBy(leaf: ParsedCertificate, ca: ParsedCertificate): boolean {
  return leaf.x509.checkIssued(ca.x509) && leaf.x509.verify(ca.x509.publicKey);
}

export type CertificateStatus = "Valid" | "Not yet valid" | "Expired";

export function certificateStatus(cert: ParsedCertificate, now: Date): CertificateStatus {
  if (now.getTime() < cert.notBefore.getTime()) return "Not yet valid";
  if (now.getTime() > cert.notAfter.getTime()) return "Expired";
  return "Valid";
}

const DAY_MS = 24 * 3600 * 1000;

export function daysToExpiration(cert: ParsedCertificate, now: Date): number {
  return Math.max(0, Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY_MS));
}

/** The names the appliance compares in its domain check: the CN, else the sorted SANs. */
export function domainOf(cert: ParsedCertificate): string {
  return cert.commonName?.toLowerCase() ?? [...cert.subjectAltNames].map((n) => n.toLowerCase()).sort().join(",");
}
