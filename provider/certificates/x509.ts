// One X.509 certificate read from DER: the facts the engine keeps (model.ts CertificateFacts),
// its public key fingerprint (to match keys), and a signature check against a would-be issuer.
// node-forge reads RSA certificates; anything forge cannot read goes to native.ts.
import { createHash } from "node:crypto";
import forge from "node-forge";
import type { CertificateFacts } from "../model";
import { normalizeSerial } from "../serial";
import { derToPem } from "./pem";
import { readNativeCertificate } from "./native";

export interface ParsedCertificate {
  facts: CertificateFacts;
  der: Buffer;
  /** SHA-256 of the SubjectPublicKeyInfo DER, lower-case hex: equal for a certificate and its key. */
  publicKeyFingerprint: string;
  /** True when `issuer`'s public key verifies this certificate's signature (names not compared). */
  isSignedBy(issuer: ParsedCertificate): boolean;
  /** Present when forge could read it (RSA). */
  forgeCertificate?: forge.pki.Certificate;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256")
    .update(typeof data === "string" ? Buffer.from(data, "binary") : data)
    .digest("hex");
}

/** ISO-8601 UTC to the second (certificate times carry no milliseconds). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** RFC 4514 escaping of one attribute value. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ");
}

// Names forge gives no short name for, by OID.
const EXTRA_SHORT_NAMES: Record<string, string> = {
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "2.5.4.5": "serialNumber",
  "2.5.4.9": "street",
};

function forgeDn(attributes: forge.pki.CertificateField[]): string {
  return attributes
    .map((a) => {
      const key = a.shortName ?? EXTRA_SHORT_NAMES[a.type ?? ""] ?? a.name ?? a.type ?? "?";
      return `${key}=${escapeDnValue(String(a.value))}`;
    })
    .join(",");
}

interface AltName {
  type: number;
  value?: string;
  ip?: string;
}

function forgeAltNames(cert: forge.pki.Certificate): string[] {
  const ext = cert.getExtension("subjectAltName") as { altNames?: AltName[] } | undefined;
  const names: string[] = [];
  for (const alt of ext?.altNames ?? []) {
    if (alt.type === 2 && alt.value) names.push(alt.value);
    if (alt.type === 7 && alt.ip) names.push(alt.ip);
  }
  return names;
}

function readForgeCertificate(der: Buffer): ParsedCertificate {
  const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(der.toString("binary")));
  const subject = forgeDn(cert.subject.attributes);
  const issuer = forgeDn(cert.issuer.attributes);
  const basic = cert.getExtension("basicConstraints") as { cA?: boolean } | undefined;
  const commonName = cert.subject.getField("CN") as forge.pki.CertificateField | null;
  const spki = forge.asn1.toDer(forge.pki.publicKeyToAsn1(cert.publicKey)).getBytes();
  const parsed: ParsedCertificate = {
    der,
    forgeCertificate: cert,
    publicKeyFingerprint: sha256Hex(spki),
    facts: {
      pem: derToPem(der),
      serial: normalizeSerial(cert.serialNumber),
      fingerprint: sha256Hex(der),
      subject,
      issuer,
      commonName: commonName ? String(commonName.value) : undefined,
      subjectAltNames: forgeAltNames(cert),
      notBefore: isoSeconds(cert.validity.notBefore),
      notAfter: isoSeconds(cert.validity.notAfter),
      selfSigned: false,
      isCa: basic?.cA === true,
    },
    isSignedBy(other) {
      if (other.forgeCertificate) return forgeVerifies(other.forgeCertificate, cert);
      return readNativeCertificate(der).isSignedBy(other.der);
    },
  };
  if (parsed.facts.commonName === undefined) delete parsed.facts.commonName;
  parsed.facts.selfSigned = subject === issuer && parsed.isSignedBy(parsed);
  return parsed;
}

function forgeVerifies(issuer: forge.pki.Certificate, child: forge.pki.Certificate): boolean {
  try {
    // forge also insists the names match; callers compare names themselves first.
    return issuer.verify(child);
  } catch {
    return false;
  }
}

function readWithNode(der: Buffer): ParsedCertificate {
  const native = readNativeCertificate(der);
  const parsed: ParsedCertificate = {
    der,
    publicKeyFingerprint: native.publicKeyFingerprint,
    facts: { ...native.facts, pem: derToPem(der), fingerprint: sha256Hex(der), selfSigned: false },
    isSignedBy: (other) => native.isSignedBy(other.der),
  };
  parsed.facts.selfSigned = parsed.facts.subject === parsed.facts.issuer && parsed.isSignedBy(parsed);
  return parsed;
}

function parseUncached(der: Buffer): ParsedCertificate {
  try {
    return readForgeCertificate(der);
  } catch (forgeError) {
    try {
      return readWithNode(der);
    } catch {
      throw forgeError instanceof Error ? forgeError : new Error(String(forgeError));
    }
  }
}

/**
 * Parsed CA certificates by DER fingerprint. One intermediate usually issues every leaf of a
 * sync: parsing it and checking signatures dominate a preview, so each CA certificate is parsed
 * once per process and each signature it is asked about verified once. (Leaves are not kept:
 * they are many and each is read once per call.) Certificates are public: nothing secret is
 * kept. Bounded: cleared when full.
 */
const parsedByFingerprint = new Map<string, ParsedCertificate>();
const PARSED_CACHE_LIMIT = 2_000;

/** Verdicts are kept by issuer fingerprint: a leaf asked twice about one issuer verifies once. */
function withSignatureMemo(parsed: ParsedCertificate): ParsedCertificate {
  const verdicts = new Map<string, boolean>();
  Object.freeze(parsed.facts.subjectAltNames);
  Object.freeze(parsed.facts);
  return {
    ...parsed,
    isSignedBy(issuer) {
      let verdict = verdicts.get(issuer.facts.fingerprint);
      if (verdict === undefined) {
        verdict = parsed.isSignedBy(issuer);
        verdicts.set(issuer.facts.fingerprint, verdict);
      }
      return verdict;
    },
  };
}

/** Reads a DER certificate; throws an Error whose message says why (no secrets involved: certificates are public). */
export function parseCertificateDer(der: Buffer): ParsedCertificate {
  const key = sha256Hex(der);
  const cached = parsedByFingerprint.get(key);
  if (cached) return cached;
  const parsed = withSignatureMemo(parseUncached(der));
  if (!parsed.facts.isCa) return parsed;
  if (parsedByFingerprint.size >= PARSED_CACHE_LIMIT) parsedByFingerprint.clear();
  parsedByFingerprint.set(key, parsed);
  return parsed;
}
