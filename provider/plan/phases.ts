// Phase order: everything a later phase needs exists before it runs, a vserver gets its new
// certificate before it loses the old one, and nothing is deleted while still in use.
import type { Operation } from "../model";
import { save } from "./reasons";

export const PHASE_ORDER = [
  "uploadFiles",
  "addCaCertkeys",
  "unlinkCaCertkeys",
  "linkCaCertkeys",
  "unlinkLeaves",
  "addOrUpdateLeaves",
  "linkLeaves",
  // NetScaler refuses two SNI certificates with one common name on a vserver (3629): such an
  // old binding has to go just before its successor is bound.
  "unbindSameNameSni",
  "bind",
  "unbind",
  "deleteLeaves",
  "deleteCaCertkeys",
  // After the save (see build()).
  "deleteFiles",
] as const;

export type PhaseName = (typeof PHASE_ORDER)[number];

/** Collects operations by phase; `deleteCaCertkeys` has one sub-phase per depth (children first). */
export class PhaseBuilder {
  private readonly buckets = new Map<string, Operation[]>();
  private maxCaDepth = -1;

  add(phase: PhaseName, op: Operation, caDepth = 0): void {
    const key = phase === "deleteCaCertkeys" ? `${phase}:${caDepth}` : phase;
    if (phase === "deleteCaCertkeys") this.maxCaDepth = Math.max(this.maxCaDepth, caDepth);
    const bucket = this.buckets.get(key);
    if (bucket) bucket.push(op);
    else this.buckets.set(key, [op]);
  }

  /** Non-empty phases in order, each sorted by object name, with the save (when anything changes) before the file removals. */
  build(): Operation[][] {
    const keys: string[] = [];
    for (const phase of PHASE_ORDER) {
      if (phase !== "deleteCaCertkeys") keys.push(phase);
      else for (let depth = 0; depth <= this.maxCaDepth; depth++) keys.push(`${phase}:${depth}`);
    }
    const phases = keys.map((k) => this.buckets.get(k) ?? []).filter((ops) => ops.length > 0);
    for (const ops of phases) ops.sort(compareOperations);
    const count = phases.reduce((n, ops) => n + ops.length, 0);
    if (count === 0) return phases;
    // Files are not configuration: a reboot before the save brings back saved certkeys, which
    // only load if their files are still there. So files go after the save.
    const fileRemovals = phases.filter((ops) => ops[0].kind === "deleteFile");
    return [...phases.filter((ops) => ops[0].kind !== "deleteFile"), [{ kind: "saveConfig", reason: save(count) }], ...fileRemovals];
  }
}

function sortKey(op: Operation): [string, string, string] {
  switch (op.kind) {
    case "uploadFile":
    case "deleteFile":
      return [op.fileName, "", op.kind];
    case "bind":
    case "unbind":
      return [op.certkeyName, op.vserver, String(op.sni)];
    case "saveConfig":
      return ["", "", op.kind];
    default:
      return [op.certkeyName, "", op.kind];
  }
}

function compareOperations(a: Operation, b: Operation): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  }
  return 0;
}
