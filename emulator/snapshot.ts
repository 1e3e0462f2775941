// Plain-JSON copies of the emulator's state for tests and the demo, and helpers that compare
// the running configuration with the saved one.
import type { PartitionConfig, PartitionState } from "./state";
import type { EmulatorSnapshot, FileSnapshot, PartitionConfigSnapshot } from "./types";

export function configSnapshot(config: PartitionConfig): PartitionConfigSnapshot {
  const certkeys: PartitionConfigSnapshot["certkeys"] = {};
  for (const [name, e] of config.certkeys) {
    certkeys[name] = {
      certkey: e.certkey,
      cert: e.cert,
      ...(e.key !== undefined ? { key: e.key } : {}),
      ...(e.linkcertkeyname !== undefined ? { linkcertkeyname: e.linkcertkeyname } : {}),
      inform: e.inform,
      ...(e.expirymonitor !== undefined ? { expirymonitor: e.expirymonitor } : {}),
      ...(e.notificationperiod !== undefined ? { notificationperiod: e.notificationperiod } : {}),
      serial: e.facts.serial,
      fingerprint: e.facts.fingerprint,
      subject: e.facts.subject,
      notAfter: e.facts.notAfter.toISOString(),
    };
  }
  const vservers: PartitionConfigSnapshot["vservers"] = {};
  for (const [name, v] of config.vservers) vservers[name] = { snienable: v.snienable };
  return { certkeys, bindings: config.bindings.map((b) => ({ ...b })), vservers };
}

export function filesSnapshot(partition: PartitionState): Record<string, FileSnapshot> {
  const files: Record<string, FileSnapshot> = {};
  for (const [path, f] of partition.files) {
    files[path] = { contentBase64: f.content.toString("base64"), size: f.content.length, modifiedAt: f.modifiedAt.toISOString() };
  }
  return files;
}

/**
 * What differs between the running and the saved configuration, one line per difference
 * (empty when everything is saved). Pass a partition to look at that one only.
 */
export function unsavedChanges(snapshot: EmulatorSnapshot, partition?: string): string[] {
  const names = partition ? [partition] : Object.keys(snapshot.running);
  const lines: string[] = [];
  for (const p of names) {
    const running = snapshot.running[p];
    const saved = snapshot.saved[p];
    if (!running || !saved) continue;
    lines.push(...recordDifferences(`${p}: certkey`, running.certkeys, saved.certkeys));
    lines.push(...recordDifferences(`${p}: vserver`, running.vservers, saved.vservers));
    const key = (b: { vservername: string; certkeyname: string; snicert: boolean; ca: boolean }): string =>
      `${b.vservername} <- ${b.certkeyname}${b.snicert ? " (SNI)" : ""}${b.ca ? " (CA)" : ""}`;
    const runningBindings = new Set(running.bindings.map(key));
    const savedBindings = new Set(saved.bindings.map(key));
    for (const b of runningBindings) if (!savedBindings.has(b)) lines.push(`${p}: binding ${b} is not saved`);
    for (const b of savedBindings) if (!runningBindings.has(b)) lines.push(`${p}: binding ${b} removal is not saved`);
  }
  return lines;
}

/** True when every partition's running configuration equals its saved one. */
export function isConfigurationSaved(snapshot: EmulatorSnapshot): boolean {
  return unsavedChanges(snapshot).length === 0;
}

function recordDifferences(label: string, running: Record<string, object>, saved: Record<string, object>): string[] {
  const lines: string[] = [];
  for (const name of Object.keys(running)) {
    if (!(name in saved)) lines.push(`${label} ${name} is not saved`);
    else if (JSON.stringify(running[name]) !== JSON.stringify(saved[name])) lines.push(`${label} ${name} differs from the saved one`);
  }
  for (const name of Object.keys(saved)) if (!(name in running)) lines.push(`${label} ${name} removal is not saved`);
  return lines;
}
