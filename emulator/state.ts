// The appliance's memory: per admin partition a running configuration, the last saved one,
// and the files on disk. Configuration is cloned on save, reboot and bulk rollback; parsed
// certificate facts are immutable and shared between copies.
import type { ParsedCertificate } from "./certificates";

export interface CertkeyEntry {
  certkey: string;
  /** File names as the client gave them (relative to /nsconfig/ssl/ or absolute). */
  cert: string;
  key?: string;
  inform: string;
  linkcertkeyname?: string;
  expirymonitor?: string;
  notificationperiod?: number;
  /** Kept so a saved configuration can reload an encrypted key, as the appliance's passcrypt does. Never returned. */
  passphrase?: string;
  facts: ParsedCertificate;
}

export interface BindingEntry {
  vservername: string;
  certkeyname: string;
  snicert: boolean;
  ca: boolean;
}

export interface VserverEntry {
  name: string;
  snienable: boolean;
}

export interface PartitionConfig {
  certkeys: Map<string, CertkeyEntry>;
  bindings: BindingEntry[];
  vservers: Map<string, VserverEntry>;
}

export interface StoredFile {
  content: Buffer;
  modifiedAt: Date;
}

export interface PartitionState {
  name: string;
  running: PartitionConfig;
  saved: PartitionConfig;
  /** Keyed by full path ("/nsconfig/ssl/a.cer"). Files are not configuration: they survive reboots. */
  files: Map<string, StoredFile>;
}

export function emptyConfig(): PartitionConfig {
  return { certkeys: new Map(), bindings: [], vservers: new Map() };
}

export function cloneConfig(config: PartitionConfig): PartitionConfig {
  return {
    certkeys: new Map([...config.certkeys].map(([name, entry]) => [name, { ...entry }])),
    bindings: config.bindings.map((b) => ({ ...b })),
    vservers: new Map([...config.vservers].map(([name, v]) => [name, { ...v }])),
  };
}

export function cloneFiles(files: Map<string, StoredFile>): Map<string, StoredFile> {
  return new Map([...files].map(([path, file]) => [path, { ...file }]));
}

export function newPartition(name: string): PartitionState {
  return { name, running: emptyConfig(), saved: emptyConfig(), files: new Map() };
}
