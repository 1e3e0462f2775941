// The appliance as a whole: its partitions, sessions, HA role, clock and save state.
import { NitroError } from "./errors";
import type { Principal } from "./sessions";
import { SessionStore } from "./sessions";
import { cloneConfig, newPartition, type PartitionState } from "./state";
import type { EmulatorOptions, EmulatorUser } from "./types";
import type { NitroQuery } from "./wire";

export const DEFAULT_USERS: EmulatorUser[] = [
  { username: "nsroot", password: "nsroot" },
  { username: "reader", password: "reader", readOnly: true },
];

export class Appliance {
  readonly partitions = new Map<string, PartitionState>();
  readonly sessions: SessionStore;
  readonly haRole: "standalone" | "primary" | "secondary";
  readonly now: () => Date;
  saveDurationMs: number;
  /** Set while a save runs: another save answers 293. */
  saving = false;
  /** Bumped by every reboot, so a save that was running when the appliance went down is lost. */
  bootCount = 0;

  constructor(options: EmulatorOptions) {
    this.sessions = new SessionStore(options.users ?? DEFAULT_USERS, options.sessionTimeoutSeconds ?? 1800, options.maxSessionsPerUser ?? 20);
    this.haRole = options.haRole ?? "standalone";
    this.now = options.now ?? (() => new Date());
    this.saveDurationMs = options.saveDurationMs ?? 0;
    for (const name of ["default", ...(options.partitions ?? [])]) this.partitions.set(name, newPartition(name));
    for (const v of options.vservers ?? []) {
      const spec = typeof v === "string" ? { name: v } : v;
      const partition = this.partitions.get(spec.partition ?? "default");
      if (!partition) throw new Error(`vserver ${spec.name}: partition ${spec.partition} is not in options.partitions`);
      partition.running.vservers.set(spec.name, { name: spec.name, snienable: spec.sni ?? false });
    }
    // The appliance starts with its configured vservers already saved.
    for (const p of this.partitions.values()) p.saved = cloneConfig(p.running);
  }

  partition(name: string): PartitionState {
    const p = this.partitions.get(name);
    if (!p) throw new NitroError(404, 258, `No such resource [partitionname, ${name}]`);
    return p;
  }

  /** Running configuration := last saved one, in every partition; sessions are dropped; files stay. */
  reboot(): void {
    for (const p of this.partitions.values()) p.running = cloneConfig(p.saved);
    this.sessions.expireAll();
    this.saving = false;
    this.bootCount++;
  }
}

/** Everything a handler needs to serve one request. */
export interface RequestContext {
  appliance: Appliance;
  principal: Principal;
  partition: PartitionState;
  method: string;
  type: string;
  name?: string;
  query: NitroQuery;
}
