// Certificate material as the user supplies it (PEM, base64 DER or PFX), checked and turned
// into what the engine needs: leaf facts, the key to upload, and the ordered chain.
// The parts live in provider/certificates/; this file puts them together.
import { createHash } from "node:crypto";
import type { CertificateFacts } from "./model";
import { orderChain } from "./certificates/chain";
import { keyMismatchProblem, parsePrivateKey } from "./certificates/keys";
import { readPfx } from "./certificates/pfx";
import { readCertificates } from "./certificates/read";
import type { ParsedCertificate } from "./certificates/x509";

export { orderChain } from "./certificates/chain";
export { keyMismatchProblem, parsePrivateKey, type ParsedPrivateKey } from "./certificates/keys";
export { derToPem, scanPem } from "./certificates/pem";
export { readPfx } from "./certificates/pfx";
export { readCertificates } from "./certificates/read";
export { parseCertificateDer, sha256Hex, type ParsedCertificate } from "./certificates/x509";

/** The per-certificate inputs that carry material (names as in inputs.ts). */
export interface CertificateMaterialInput {
  certificate?: string;
  privateKey?: string;
  privateKeyPassphrase?: string;
  chain?: string;
  pfx?: string;
  pfxPassword?: string;
}

export type MaterialField = keyof CertificateMaterialInput;

export interface MaterialProblem {
  field: MaterialField;
  message: string;
}

export interface CertificateMaterial {
  leaf: CertificateFacts;
  /** The key exactly as it will be uploaded (PEM, possibly encrypted). */
  keyPem: string;
  keyPassphrase?: string;
  /** Intermediates from the leaf's issuer upwards, roots and duplicates dropped. */
  chain: CertificateFacts[];
}

export type MaterialResult = { ok: true; material: CertificateMaterial } | { ok: false; problems: MaterialProblem[] };

/** The leaf is the first certificate that is not a CA (a pasted full chain starts with it anyway). */
function splitLeaf(certificates: ParsedCertificate[]): { leaf: ParsedCertificate; rest: ParsedCertificate[] } {
  const leaf = certificates.find((c) => !c.facts.isCa) ?? certificates[0];
  return { leaf, rest: certificates.filter((c) => c !== leaf) };
}

interface Sources {
  certificateText: string;
  keyText: string;
  passphrase?: string;
  chainTexts: string[];
}

function sourcesOf(input: CertificateMaterialInput, problems: MaterialProblem[]): Sources | undefined {
  if (input.pfx !== undefined) {
    if (input.certificate !== undefined) problems.push({ field: "pfx", message: "set either pfx or certificate and privateKey, not both" });
    if (input.privateKey !== undefined) problems.push({ field: "privateKey", message: "the private key comes from pfx; remove privateKey" });
    if (input.privateKeyPassphrase !== undefined) {
      problems.push({ field: "privateKeyPassphrase", message: "the PFX password is pfxPassword; remove privateKeyPassphrase" });
    }
    const pfx = readPfx(input.pfx, input.pfxPassword);
    if (!pfx.ok) {
      problems.push({ field: pfx.field, message: pfx.message });
      return undefined;
    }
    const [first, ...others] = pfx.contents.certificatesPem;
    return { certificateText: first, keyText: pfx.contents.keyPem, chainTexts: [...others, ...(input.chain ? [input.chain] : [])] };
  }
  if (input.pfxPassword !== undefined) problems.push({ field: "pfxPassword", message: "pfxPassword is set but pfx is not; remove it, or supply the PFX bundle in pfx" });
  if (input.certificate === undefined) problems.push({ field: "certificate", message: "is required: supply the certificate (PEM or base64 DER), or a PFX bundle in pfx" });
  if (input.privateKey === undefined) problems.push({ field: "privateKey", message: "is required: supply the certificate's private key as PEM, or a PFX bundle in pfx" });
  if (input.certificate === undefined || input.privateKey === undefined) return undefined;
  return { certificateText: input.certificate, keyText: input.privateKey, passphrase: input.privateKeyPassphrase, chainTexts: input.chain ? [input.chain] : [] };
}

/**
 * Results by input, so that diff reuses what check read for the same inputs (the plugin host
 * calls both on one provider instance). Keyed by a hash: the map holds no key text as a key.
 * Bounded: cleared when full.
 */
const materialByInput = new Map<string, MaterialResult>();
const MATERIAL_CACHE_LIMIT = 20_000;

function inputKey(input: CertificateMaterialInput): string {
  const fields = [input.certificate, input.privateKey, input.privateKeyPassphrase, input.chain, input.pfx, input.pfxPassword];
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}

/** Reads and cross-checks one certificate's material; every problem found is returned. */
export function readCertificateMaterial(input: CertificateMaterialInput): MaterialResult {
  const key = inputKey(input);
  const cached = materialByInput.get(key);
  if (cached) return cached;
  const result = readMaterialUncached(input);
  if (materialByInput.size >= MATERIAL_CACHE_LIMIT) materialByInput.clear();
  materialByInput.set(key, result);
  return result;
}

function readMaterialUncached(input: CertificateMaterialInput): MaterialResult {
  const problems: MaterialProblem[] = [];
  const sources = sourcesOf(input, problems);
  if (!sources) return { ok: false, problems };
  const fromPfx = input.pfx !== undefined;
  const leafRead = readCertificates(sources.certificateText);
  for (const message of leafRead.problems) problems.push({ field: fromPfx ? "pfx" : "certificate", message });
  const key = parsePrivateKey(sources.keyText, sources.passphrase);
  if (!key.ok) problems.push({ field: fromPfx ? "pfx" : key.field, message: key.message });
  const bundle: ParsedCertificate[] = [];
  for (const text of sources.chainTexts) {
    const read = readCertificates(text);
    for (const message of read.problems) problems.push({ field: "chain", message });
    bundle.push(...read.certificates);
  }
  if (leafRead.certificates.length === 0) return { ok: false, problems };
  const { leaf, rest } = splitLeaf(leafRead.certificates);
  if (key.ok) {
    const mismatch = keyMismatchProblem(leaf.publicKeyFingerprint, key.key);
    if (mismatch) problems.push({ field: fromPfx ? "pfx" : "privateKey", message: mismatch });
  }
  const ordered = orderChain(leaf, [...rest, ...bundle]);
  for (const message of ordered.problems) problems.push({ field: "chain", message });
  if (problems.length > 0 || !key.ok) return { ok: false, problems };
  return {
    ok: true,
    material: {
      leaf: leaf.facts,
      keyPem: key.key.pem,
      ...(key.key.encrypted && sources.passphrase !== undefined ? { keyPassphrase: sources.passphrase } : {}),
      chain: ordered.chain.map((c) => c.facts),
    },
  };
}

/** Why the certificate cannot be used at `now`: not yet valid, or expired. */
export function validityProblem(facts: CertificateFacts, now: Date): string | undefined {
  if (now.getTime() < Date.parse(facts.notBefore)) {
    return `the certificate "${facts.subject}" is not valid before ${facts.notBefore}; deploy it once it is valid, or supply the current certificate`;
  }
  if (now.getTime() > Date.parse(facts.notAfter)) {
    return `the certificate "${facts.subject}" expired on ${facts.notAfter}; supply its renewal (or mark it revoked to remove it)`;
  }
  return undefined;
}
