// The sync engine's shared vocabulary: what a sync wants (desired), what it put on the
// appliance last time (recorded, stored as the resource's outputs), what the appliance
// really has (observed), and the operations a plan is made of.
// Everything here is plain JSON-able data: the recorded state is persisted by Pulumi.

/** One parsed X.509 certificate, as the engine needs it (no key material). */
export interface CertificateFacts {
  /** PEM text of the certificate (public; safe to upload and to hash). */
  pem: string;
  /** Serial number, upper-case hex without separators, leading zeros stripped. */
  serial: string;
  /** SHA-256 of the DER encoding, lower-case hex, 64 characters. */
  fingerprint: string;
  /** Subject and issuer as RFC 4514-ish one-line strings, e.g. "CN=shop.example.com,O=Example". */
  subject: string;
  issuer: string;
  /** Common name of the subject, if any. */
  commonName?: string;
  /** DNS and IP subject alternative names. */
  subjectAltNames: string[];
  /** Validity, ISO-8601 UTC. */
  notBefore: string;
  notAfter: string;
  /** True when subject == issuer and the signature verifies with its own key. */
  selfSigned: boolean;
  /** True for CA certificates (basicConstraints cA). */
  isCa: boolean;
}

/** A certificate the sync should hold on the appliance, validated and ready to plan. */
export interface DesiredCertificate {
  /** The user's key in `certificates`. */
  id: string;
  /** The certkey name from the name schema (the name kept across renewals when preserving). */
  certkeyName: string;
  leaf: CertificateFacts;
  /**
   * The private key exactly as it will be uploaded (PEM). May be encrypted; then
   * `keyPassphrase` is set. Never recorded, logged or returned.
   */
  keyPem: string;
  keyPassphrase?: string;
  /** Intermediates, ordered from the leaf's issuer upwards (root excluded when self-signed). */
  chain: CertificateFacts[];
  /** The user marked it revoked: remove it (removal on) or leave it on the appliance untouched and report it retained (off). */
  revoked: boolean;
}

export interface SyncOptions {
  /** Remove revoked, expired and dropped certificates (default true). */
  removeExpiredOrRevoked: boolean;
  /** On renewal update the same certkey in place (default true) instead of adding a new one. */
  preserveOnRenewal: boolean;
  /** vservers to bind every certificate to; empty: upload only. */
  vservers: string[];
  /**
   * How to bind: "auto" binds as SNI when a vserver would carry more than one of this
   * sync's certificates, else as the vserver's default certificate.
   */
  sni: "auto" | "always" | "never";
  /** Take over objects that already exist under the names this sync would create. */
  adoptExisting: boolean;
}

export interface DesiredState {
  options: SyncOptions;
  /** Keyed by certificate id. */
  certificates: Record<string, DesiredCertificate>;
}

/** One certkey this sync created (or adopted) on the appliance. */
export interface RecordedCertkey {
  certkeyName: string;
  /** File names under /nsconfig/ssl/ (no folder). */
  certFile: string;
  keyFile: string;
  serial: string;
  fingerprint: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  /** The CA certkey it is linked to, if any. */
  caCertkeyName?: string;
  /** Where it is bound. */
  bindings: RecordedBinding[];
  /**
   * "current": serves the certificate id's current certificate.
   * "superseded": an older certkey kept beside a renewal (preserve off).
   * "retained": left on the appliance on purpose (removal off) after revocation, expiry or removal.
   */
  role: "current" | "superseded" | "retained";
  /** Why it is superseded or retained, for the user. */
  note?: string;
}

export interface RecordedBinding {
  vserver: string;
  sni: boolean;
}

/** A CA (intermediate) certkey, shared by every managed certificate it issued. */
export interface RecordedCaCertkey {
  certkeyName: string;
  certFile: string;
  fingerprint: string;
  subject: string;
  notAfter: string;
  /** The CA certkey this one is linked to, if its issuer is also in a chain. */
  caCertkeyName?: string;
  /** False when it already existed (another sync's, or pre-existing): never deleted by us. */
  createdBySync: boolean;
}

export interface RecordedCertificate {
  id: string;
  /** The current certkey first, then superseded/retained ones. */
  certkeys: RecordedCertkey[];
}

/** What this sync put on the appliance: the resource's state. */
export interface RecordedState {
  /** Bumped only with a migration in provider/state.ts. */
  schemaVersion: 1;
  certificates: Record<string, RecordedCertificate>;
  caCertkeys: Record<string, RecordedCaCertkey>;
}

/** What the appliance showed when asked (refresh, or before applying). */
export interface ObservedVserver {
  name: string;
  exists: boolean;
  sniEnabled: boolean;
  /** Every certificate binding on it, ours and others'. */
  bindings: { certkeyName: string; sni: boolean; ca: boolean }[];
}

export interface ObservedCertkey {
  certkeyName: string;
  certFile: string;
  keyFile?: string;
  serial: string;
  linkedCaCertkeyName?: string;
}

export interface ObservedState {
  vservers: Record<string, ObservedVserver>;
  /** Only the certkeys that were looked up (the recorded and planned names), by name. */
  certkeys: Record<string, ObservedCertkey | null>;
  /** File names that were looked up under /nsconfig/ssl/: true when present. */
  files: Record<string, boolean>;
}

/** The steps a plan is made of. Every operation says why it is there. */
export type Operation =
  | { kind: "uploadFile"; fileName: string; contentPem: string; secret: boolean; reason: string }
  | { kind: "addCertkey"; certkeyName: string; certFile: string; keyFile?: string; passphrase?: string; reason: string }
  | { kind: "updateCertkey"; certkeyName: string; certFile: string; keyFile: string; passphrase?: string; reason: string }
  | { kind: "linkCertkey"; certkeyName: string; caCertkeyName: string; reason: string }
  | { kind: "unlinkCertkey"; certkeyName: string; reason: string }
  | { kind: "bind"; vserver: string; certkeyName: string; sni: boolean; reason: string }
  | { kind: "unbind"; vserver: string; certkeyName: string; sni: boolean; reason: string }
  | { kind: "deleteCertkey"; certkeyName: string; reason: string }
  | { kind: "deleteFile"; fileName: string; reason: string }
  | { kind: "saveConfig"; reason: string };

export type OperationKind = Operation["kind"];

/** Everything a plan needs. The clock is a parameter: plans never read the time themselves. */
export interface PlanInput {
  desired: DesiredState;
  recorded: RecordedState;
  /** What the appliance has. Absent in preview/diff: the recorded state is then taken as true. */
  observed?: ObservedState;
  now: Date;
  /** autoSync off and no new sync trigger: keep recorded versions of renewed certificates. */
  deferRenewals?: boolean;
}

/**
 * A plan: phases run in order; the operations inside one phase do not depend on each
 * other, so apply may send them as one bulk request or concurrently.
 */
export interface Plan {
  phases: Operation[][];
  /** The recorded state once every phase has been applied. */
  next: RecordedState;
  /** Things the user should know that need no operation (e.g. a retained expired certificate). */
  notes: string[];
}

/** A reason planning cannot go ahead; `path` names the input or object it concerns. */
export interface PlanProblem {
  path: string;
  message: string;
}

export function emptyRecordedState(): RecordedState {
  return { schemaVersion: 1, certificates: {}, caCertkeys: {} };
}

/** Every name the record mentions: its certkeys (CA ones included), their files, and the vservers they are bound to. */
export function recordedNames(recorded: RecordedState): { certkeyNames: Set<string>; fileNames: Set<string>; vservers: Set<string> } {
  const certkeyNames = new Set<string>();
  const fileNames = new Set<string>();
  const vservers = new Set<string>();
  for (const certificate of Object.values(recorded.certificates)) {
    for (const certkey of certificate.certkeys) {
      certkeyNames.add(certkey.certkeyName);
      fileNames.add(certkey.certFile).add(certkey.keyFile);
      for (const binding of certkey.bindings) vservers.add(binding.vserver);
    }
  }
  for (const ca of Object.values(recorded.caCertkeys)) {
    certkeyNames.add(ca.certkeyName);
    fileNames.add(ca.certFile);
  }
  return { certkeyNames, fileNames, vservers };
}
