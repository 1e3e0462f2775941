// The NITRO client's public shapes: connection options, injectable dependencies, the
// objects it reads back, and the session the sync engine works through.
import type { AxiosAdapter } from "axios";
import type { NitroError } from "./errors";

export interface NitroConnectionOptions {
  /** https://host[:port] (http:// only with allowHttp). */
  url: string;
  username: string;
  password: string;
  /** Admin partition to switch the session to after login. */
  partition?: string;
  /** PEM bundle to trust instead of the public roots (appliances with their own CA). */
  caCertificate?: string;
  /** Skip TLS verification (labs only); logged as a warning. */
  insecureSkipTlsVerify?: boolean;
  /** Allow plain http:// (credentials travel in clear text). */
  allowHttp?: boolean;
  /** http://[user:pass@]host:port of a relay; overrides HTTPS_PROXY/HTTP_PROXY/NO_PROXY. */
  proxyUrl?: string;
  /** Per request, default 30000. */
  timeoutMs?: number;
  /** TCP + TLS (+ proxy tunnel) establishment, default 10000. */
  connectTimeoutMs?: number;
  /** Requests in flight at once on the one session: default 4, at most 8. */
  maxConcurrency?: number;
  /** Items per bulk request: default 200. */
  maxBulkItems?: number;
  /** Body bytes per bulk request: default 1_000_000. */
  maxBulkBytes?: number;
  /** Idle timeout asked for at login, default 900. */
  sessionTimeoutSeconds?: number;
}

export interface NitroLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
}

export interface NitroClientDeps {
  logger?: NitroLogger;
  /** Waits between retries; tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Replaces axios's HTTP adapter (tests). */
  adapter?: AxiosAdapter;
  /** Where proxy variables are read from; default process.env. */
  env?: Record<string, string | undefined>;
}

export type ItemResult = { ok: true } | { ok: false; error: NitroError };

export interface NitroCertkey {
  certkey: string;
  cert: string;
  key?: string;
  serial?: string;
  subject?: string;
  issuer?: string;
  status?: string;
  linkcertkeyname?: string;
  clientcertnotafter?: string;
  daystoexpiration?: number;
}

export interface NitroBinding {
  vservername: string;
  certkeyname: string;
  snicert: boolean;
  ca: boolean;
}

export interface NitroVserver {
  vservername: string;
  snienable: boolean;
}

export interface FileUpload {
  fileName: string;
  /** Text (PEM); base64-encoded by the client. */
  content: string;
}
export interface CertkeyAdd {
  certkey: string;
  cert: string;
  key?: string;
  passplain?: string;
}
export interface CertkeyUpdate {
  certkey: string;
  cert: string;
  key: string;
  passplain?: string;
}
export interface CertkeyLink {
  certkey: string;
  linkcertkeyname: string;
}
export interface BindingSpec {
  vservername: string;
  certkeyname: string;
  snicert: boolean;
}

export interface NitroSession {
  /** Requests sent so far, login and logout included (for benchmarks). */
  readonly requestCount: number;
  getVserver(name: string): Promise<NitroVserver | null>;
  getVserverBindings(name: string): Promise<NitroBinding[]>;
  getCertkey(name: string): Promise<NitroCertkey | null>;
  getCertkeys(): Promise<NitroCertkey[]>;
  /** A file in /nsconfig/ssl/. */
  getFile(fileName: string): Promise<{ fileName: string; contentBase64: string } | null>;
  /** Names in /nsconfig/ssl/. */
  listFiles(): Promise<string[]>;
  uploadFiles(files: FileUpload[]): Promise<ItemResult[]>;
  addCertkeys(items: CertkeyAdd[]): Promise<ItemResult[]>;
  /** ?action=update with nodomaincheck:true. */
  updateCertkeys(items: CertkeyUpdate[]): Promise<ItemResult[]>;
  linkCertkeys(items: CertkeyLink[]): Promise<ItemResult[]>;
  unlinkCertkeys(names: string[]): Promise<ItemResult[]>;
  bind(items: BindingSpec[]): Promise<ItemResult[]>;
  unbind(items: BindingSpec[]): Promise<ItemResult[]>;
  deleteCertkeys(names: string[]): Promise<ItemResult[]>;
  deleteFiles(fileNames: string[]): Promise<ItemResult[]>;
  saveConfig(): Promise<void>;
  logout(): Promise<void>;
}
