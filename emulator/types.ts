// The emulator's public types: options, the request log, fault controls and the state snapshot.
// emulator/index.ts re-exports all of them; internal modules import from here to avoid cycles.

export interface EmulatorUser {
  username: string;
  password: string;
  /** A role that may only read: every write answers 403 / 2138. */
  readOnly?: boolean;
}

export interface VserverOption {
  name: string;
  sni?: boolean;
  /** Admin partition that holds it (default "default"). */
  partition?: string;
}

export interface EmulatorOptions {
  port?: number; // default 0
  host?: string; // default "127.0.0.1"
  http?: boolean; // plain HTTP instead of HTTPS
  users?: EmulatorUser[]; // default: nsroot/nsroot, plus reader/reader (readOnly)
  vservers?: Array<string | VserverOption>;
  partitions?: string[]; // admin partitions besides "default"
  haRole?: "standalone" | "primary" | "secondary";
  sessionTimeoutSeconds?: number; // default 1800 (login may ask for less)
  maxSessionsPerUser?: number; // default 20
  latencyMs?: number; // added to every NITRO request
  saveDurationMs?: number; // how long a save runs (293 meanwhile); default 0
  now?: () => Date; // the emulator's clock (certificate status, daystoexpiration); default real time
  tlsCertificateOut?: string; // write the server's self-signed cert PEM here
  /** Called after each NITRO request is logged (the CLI's --verbose uses it). */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string; // path = pathname + search, as received
  status: number; // 0 for a connection dropped before a response
  errorcode: number; // 0 on success, 1243 on bulk failure, -1 for a dropped connection
  startedAtMs: number; // performance.now()-based
  durationMs: number;
  bulkItems?: number; // array length for bulk requests
  unservedVservers: string[]; // vservers that had a valid certificate bound before this request and have none after it
  /** Set when a drop rule cut the connection: before or after the request was applied. */
  dropped?: "before" | "after";
}

export interface FaultRule {
  method?: string;
  pathIncludes: string;
  count: number;
  status: number;
  errorcode: number;
  message?: string;
}

export interface DropRule {
  method?: string;
  pathIncludes: string;
  count: number;
  when: "before" | "after"; // after: applied, then socket destroyed
}

export interface FaultControls {
  setLatency(ms: number): void;
  failNext(rule: FaultRule): void;
  dropNext(rule: DropRule): void;
  expireSessions(): void;
  setSaveDuration(ms: number): void;
  clear(): void;
}

/** One certkey as configured, plus the facts of its certificate (read when it was added or updated). */
export interface CertkeySnapshot {
  certkey: string;
  cert: string;
  key?: string;
  linkcertkeyname?: string;
  inform: string;
  expirymonitor?: string;
  notificationperiod?: number;
  /** Facts of the certificate file as read by the emulator (Node crypto). */
  serial: string;
  /** SHA-256 of the DER certificate, lower-case hex. */
  fingerprint: string;
  subject: string;
  notAfter: string; // ISO-8601
}

export interface BindingSnapshot {
  vservername: string;
  certkeyname: string;
  snicert: boolean;
  ca: boolean;
}

export interface PartitionConfigSnapshot {
  certkeys: Record<string, CertkeySnapshot>;
  /** In the order they were bound. */
  bindings: BindingSnapshot[];
  vservers: Record<string, { snienable: boolean }>;
}

export interface FileSnapshot {
  contentBase64: string;
  size: number;
  modifiedAt: string; // ISO-8601
}

export interface EmulatorSnapshot {
  running: Record<string, PartitionConfigSnapshot>;
  saved: Record<string, PartitionConfigSnapshot>;
  /** Per partition, keyed by full path, e.g. "/nsconfig/ssl/web.cer". */
  files: Record<string, Record<string, FileSnapshot>>;
  haRole: "standalone" | "primary" | "secondary";
  activeSessions: number;
}

export interface Emulator {
  url: string; // e.g. https://127.0.0.1:43123
  caCertificatePem?: string; // the server's self-signed certificate (HTTPS mode)
  faults: FaultControls;
  state(): EmulatorSnapshot; // deep copy
  requests(): RequestLogEntry[];
  clearRequests(): void;
  reboot(): void; // running config := last saved config; sessions dropped
  close(): Promise<void>;
}
