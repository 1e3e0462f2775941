// The node:crypto fallback, in one place: node-forge reads RSA only, so certificates and keys
// with other algorithms (ECDSA, Ed25519) are read here with Node's X509Certificate and
// createPrivateKey. The facts must come out in exactly the format x509.ts produces for forge.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import type { CertificateFacts } from "../model";
import { normalizeSerial } from "../serial";

export interface NativeCertificate {
  facts: Omit<CertificateFacts, "pem" | "fingerprint" | "selfSigned">;
  publicKeyFingerprint: string;
  isSignedBy(issuerDer: Buffer): boolean;
}

function spkiFingerprint(key: KeyObject): string {
  return createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("hex");
}

/** Node prints names one attribute a line, RFC 2253-escaped; we join them with commas. */
function oneLineName(multiline: string): string {
  return multiline
    .split("\n")
    .filter((l) => l.length > 0)
    .join(",");
}

function commonNameOf(multiline: string): string | undefined {
  const line = multiline.split("\n").find((l) => l.startsWith("CN="));
  return line?.slice(3).replace(/\\(.)/g, "$1");
}

function altNames(x: X509Certificate): string[] {
  if (!x.subjectAltName) return [];
  const names: string[] = [];
  for (const part of x.subjectAltName.split(/,\s*/)) {
    if (part.startsWith("DNS:")) names.push(part.slice(4));
    if (part.startsWith("IP Address:")) names.push(part.slice("IP Address:".length));
  }
  return names;
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function readNativeCertificate(der: Buffer): NativeCertificate {
  const x = new X509Certificate(der);
  const serial = normalizeSerial(x.serialNumber);
  const commonName = commonNameOf(x.subject);
  return {
    facts: {
      serial,
      subject: oneLineName(x.subject),
      issuer: oneLineName(x.issuer),
      ...(commonName === undefined ? {} : { commonName }),
      subjectAltNames: altNames(x),
      notBefore: iso(x.validFromDate),
      notAfter: iso(x.validToDate),
      isCa: x.ca,
    },
    publicKeyFingerprint: spkiFingerprint(x.publicKey),
    isSignedBy(issuerDer) {
      try {
        return x.verify(new X509Certificate(issuerDer).publicKey);
      } catch {
        return false;
      }
    },
  };
}

export type NativeKeyResult =
  | { ok: true; publicKeyFingerprint: string }
  | { ok: false; reason: "passphrase" | "unreadable" };

/** Any private key OpenSSL reads (PKCS#1, PKCS#8, SEC1, encrypted or not). Error text is dropped: it could quote the key. */
export function readNativePrivateKey(pem: string, passphrase: string | undefined, encrypted: boolean): NativeKeyResult {
  try {
    const key = createPrivateKey({ key: pem, format: "pem", ...(passphrase === undefined ? {} : { passphrase }) });
    return { ok: true, publicKeyFingerprint: spkiFingerprint(createPublicKey(key)) };
  } catch {
    return { ok: false, reason: encrypted ? "passphrase" : "unreadable" };
  }
}
