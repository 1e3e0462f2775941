// The request log: one entry per NITRO request, in arrival order, for tests and the demo.
import type { Appliance } from "./appliance";
import { certificateStatus } from "./certificates";
import type { RequestLogEntry } from "./types";

const MAX_ENTRIES = 200_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly onEntry?: (entry: RequestLogEntry) => void) {}

  add(entry: Omit<RequestLogEntry, "seq">): void {
    const full: RequestLogEntry = { seq: this.nextSeq++, ...entry };
    if (this.entries.length >= MAX_ENTRIES) this.entries.shift();
    this.entries.push(full);
    this.onEntry?.(full);
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e, unservedVservers: [...e.unservedVservers] }));
  }

  clear(): void {
    this.entries = [];
  }
}

/** Vservers (in every partition) with at least one valid server certificate bound. */
export function servedVservers(appliance: Appliance): Set<string> {
  const now = appliance.now();
  const served = new Set<string>();
  for (const p of appliance.partitions.values()) {
    for (const b of p.running.bindings) {
      if (b.ca) continue;
      const certkey = p.running.certkeys.get(b.certkeyname);
      if (certkey && certificateStatus(certkey.facts, now) === "Valid") served.add(b.vservername);
    }
  }
  return served;
}
