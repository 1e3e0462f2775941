// Plan fixtures as plain data: certificate facts, desired/recorded/observed states. Plans never
// parse certificates, so no real certificate or key is needed here (the PEM fields are labels).
import { createHash } from "node:crypto";
import type {
  CertificateFacts,
  DesiredCertificate,
  DesiredState,
  ObservedState,
  Operation,
  Plan,
  PlanInput,
  RecordedCaCertkey,
  RecordedCertkey,
  RecordedState,
  SyncOptions,
} from "../../provider/model";
import { caCertificateFileName, caCertkeyName, certificateFileName, keyFileName } from "../../provider/naming";

/** The clock every plan test uses unless a row says otherwise. */
export const NOW = new Date("2026-06-01T00:00:00Z");

export const fingerprintOf = (label: string): string => createHash("sha256").update(label).digest("hex");

export interface LeafSpec {
  serial?: string;
  notBefore?: string;
  notAfter?: string;
  issuer?: CertificateFacts;
  /** Distinguishes two certificates with the same serial (fingerprint input). */
  variant?: string;
}

export function leafFacts(commonName: string, spec: LeafSpec = {}): CertificateFacts {
  const serial = spec.serial ?? "0A";
  return {
    pem: `-----BEGIN CERTIFICATE-----\n${commonName}/${serial}/${spec.variant ?? ""}\n-----END CERTIFICATE-----\n`,
    serial,
    fingerprint: fingerprintOf(`${commonName}|${serial}|${spec.variant ?? ""}`),
    subject: `CN=${commonName},O=Example`,
    issuer: spec.issuer?.subject ?? "CN=Example Issuing CA,O=Example",
    commonName,
    subjectAltNames: [commonName],
    notBefore: spec.notBefore ?? "2026-01-01T00:00:00.000Z",
    notAfter: spec.notAfter ?? "2027-03-01T00:00:00.000Z",
    selfSigned: false,
    isCa: false,
  };
}

export function caFacts(label: string, parent?: CertificateFacts): CertificateFacts {
  return {
    pem: `-----BEGIN CERTIFICATE-----\nCA ${label}\n-----END CERTIFICATE-----\n`,
    serial: "01",
    fingerprint: fingerprintOf(`ca|${label}`),
    subject: `CN=${label},O=Example`,
    issuer: parent?.subject ?? "CN=Example Root,O=Example",
    commonName: label,
    subjectAltNames: [],
    notBefore: "2025-01-01T00:00:00.000Z",
    notAfter: "2030-01-01T00:00:00.000Z",
    selfSigned: false,
    isCa: true,
  };
}

export interface CertSpec extends LeafSpec {
  chain?: CertificateFacts[];
  revoked?: boolean;
  passphrase?: string;
  certkeyName?: string;
}

/** A desired certificate `id` for `<id>.example.com`; certkey `certsync-<id>` unless told. */
export function desiredCert(id: string, spec: CertSpec = {}): DesiredCertificate {
  const chain = spec.chain ?? [];
  const leaf = leafFacts(`${id}.example.com`, { ...spec, ...(chain[0] ? { issuer: chain[0] } : {}) });
  return {
    id,
    certkeyName: spec.certkeyName ?? `certsync-${id}`,
    leaf,
    keyPem: `KEY FOR ${id}/${leaf.serial} (placeholder, not key material)`,
    ...(spec.passphrase !== undefined ? { keyPassphrase: spec.passphrase } : {}),
    chain,
    revoked: spec.revoked ?? false,
  };
}

export function syncOptions(overrides: Partial<SyncOptions> = {}): SyncOptions {
  return { removeExpiredOrRevoked: true, preserveOnRenewal: true, vservers: [], sni: "auto", adoptExisting: false, ...overrides };
}

export function desiredState(certs: DesiredCertificate[], overrides: Partial<SyncOptions> = {}): DesiredState {
  return { options: syncOptions(overrides), certificates: Object.fromEntries(certs.map((c) => [c.id, c])) };
}

/** The file names a certkey gets for a certificate. */
export function filesOf(certkeyName: string, leaf: CertificateFacts): { cer: string; key: string } {
  return { cer: certificateFileName(certkeyName, leaf.fingerprint), key: keyFileName(certkeyName, leaf.fingerprint) };
}

/** The record of a certificate deployed as the current certkey, optionally bound. */
export function recordedCertkey(d: DesiredCertificate, overrides: Partial<RecordedCertkey> = {}): RecordedCertkey {
  const name = overrides.certkeyName ?? d.certkeyName;
  const files = filesOf(name, d.leaf);
  return {
    certkeyName: name,
    certFile: files.cer,
    keyFile: files.key,
    serial: d.leaf.serial,
    fingerprint: d.leaf.fingerprint,
    subject: d.leaf.subject,
    notBefore: d.leaf.notBefore,
    notAfter: d.leaf.notAfter,
    ...(d.chain[0] ? { caCertkeyName: caCertkeyName(d.chain[0].fingerprint) } : {}),
    bindings: [],
    role: "current",
    ...overrides,
  };
}

export function recordedCa(facts: CertificateFacts, overrides: Partial<RecordedCaCertkey> = {}): RecordedCaCertkey {
  return {
    certkeyName: caCertkeyName(facts.fingerprint),
    certFile: caCertificateFileName(facts.fingerprint),
    fingerprint: facts.fingerprint,
    subject: facts.subject,
    notAfter: facts.notAfter,
    createdBySync: true,
    ...overrides,
  };
}

export function recordedState(certificates: Record<string, RecordedCertkey[]>, cas: RecordedCaCertkey[] = []): RecordedState {
  return {
    schemaVersion: 1,
    certificates: Object.fromEntries(Object.entries(certificates).map(([id, certkeys]) => [id, { id, certkeys }])),
    caCertkeys: Object.fromEntries(cas.map((ca) => [ca.certkeyName, ca])),
  };
}

/**
 * What an appliance that matches `recorded` exactly would show: every recorded certkey, file
 * and binding present, plus the given vservers (SNI enabled, existing) even when nothing is bound.
 */
export function observedFrom(recorded: RecordedState, vservers: string[] = []): ObservedState {
  const observed: ObservedState = { vservers: {}, certkeys: {}, files: {} };
  const vserver = (name: string) =>
    (observed.vservers[name] ??= { name, exists: true, sniEnabled: true, bindings: [] });
  for (const name of vservers) vserver(name);
  for (const r of Object.values(recorded.certificates)) {
    for (const c of r.certkeys) {
      observed.certkeys[c.certkeyName] = {
        certkeyName: c.certkeyName,
        certFile: c.certFile,
        keyFile: c.keyFile,
        serial: c.serial,
        ...(c.caCertkeyName !== undefined ? { linkedCaCertkeyName: c.caCertkeyName } : {}),
      };
      observed.files[c.certFile] = true;
      observed.files[c.keyFile] = true;
      for (const b of c.bindings) vserver(b.vserver).bindings.push({ certkeyName: c.certkeyName, sni: b.sni, ca: false });
    }
  }
  for (const ca of Object.values(recorded.caCertkeys)) {
    observed.certkeys[ca.certkeyName] = {
      certkeyName: ca.certkeyName,
      certFile: ca.certFile,
      serial: "01",
      ...(ca.caCertkeyName !== undefined ? { linkedCaCertkeyName: ca.caCertkeyName } : {}),
    };
    observed.files[ca.certFile] = true;
  }
  return observed;
}

/** A short, stable text for one operation: "uploadFile x.cer", "bind vs1 certsync-shop sni". */
export function opSummary(op: Operation): string {
  switch (op.kind) {
    case "uploadFile":
    case "deleteFile":
      return `${op.kind} ${op.fileName}`;
    case "addCertkey":
    case "updateCertkey":
      return `${op.kind} ${op.certkeyName}`;
    case "linkCertkey":
      return `${op.kind} ${op.certkeyName} ${op.caCertkeyName}`;
    case "unlinkCertkey":
    case "deleteCertkey":
      return `${op.kind} ${op.certkeyName}`;
    case "bind":
    case "unbind":
      return `${op.kind} ${op.vserver} ${op.certkeyName} ${op.sni ? "sni" : "default"}`;
    case "saveConfig":
      return op.kind;
  }
}

/** The plan's phases as summaries. */
export const phaseSummaries = (plan: Plan): string[][] => plan.phases.map((phase) => phase.map(opSummary));

/** A small seeded generator (mulberry32): property tests must be reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One row of a plan table: the input, the expected phases (the final save is implied), and facts about `next`. */
export interface PlanRow {
  name: string;
  input: () => PlanInput;
  /**
   * Expected phases without the ["saveConfig"], which every non-empty plan has once: after every
   * configuration change and before the file removals (files go only once the save is done).
   */
  phases: string[][];
  next?: (next: RecordedState, plan: Plan) => void;
  notes?: RegExp[];
}

/** Checks the shape every plan must have, then the row's expectations. */
export function checkPlanRow(plan: Plan, row: Pick<PlanRow, "phases" | "next" | "notes">): void {
  const removesFiles = (phase: string[]): boolean => phase.every((op) => op.startsWith("deleteFile "));
  const firstFileRemoval = row.phases.findIndex(removesFiles);
  const split = firstFileRemoval === -1 ? row.phases.length : firstFileRemoval;
  const expected = row.phases.length > 0 ? [...row.phases.slice(0, split), ["saveConfig"], ...row.phases.slice(split)] : [];
  const actual = phaseSummaries(plan);
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`phases differ\nexpected: ${JSON.stringify(expected, null, 1)}\nactual:   ${JSON.stringify(actual, null, 1)}`);
  }
  const saves = plan.phases.flat().filter((op) => op.kind === "saveConfig").length;
  if (saves !== (plan.phases.length > 0 ? 1 : 0)) throw new Error(`expected exactly one save, got ${saves}`);
  for (const op of plan.phases.flat()) if (op.reason.length === 0) throw new Error(`operation without a reason: ${opSummary(op)}`);
  if (JSON.stringify(JSON.parse(JSON.stringify(plan.next))) !== JSON.stringify(plan.next) || hasUndefined(plan.next)) {
    throw new Error("next is not JSON-clean (an optional field is set to undefined)");
  }
  for (const note of row.notes ?? []) {
    if (!plan.notes.some((n) => note.test(n))) throw new Error(`no note matches ${note}; notes: ${JSON.stringify(plan.notes)}`);
  }
  row.next?.(plan.next, plan);
}

function hasUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(hasUndefined);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasUndefined);
  return false;
}
