// Fault injection: latency on every NITRO request, scripted failures and dropped connections
// for the next N matching requests, expiring every session, slow saves.
import type { Appliance } from "./appliance";
import type { DropRule, FaultControls, FaultRule } from "./types";
import { decodeRepeatedly } from "./wire";

export interface FaultState {
  latencyMs: number;
  saveDurationMs: number;
  failNext: FaultRule[];
  dropNext: DropRule[];
}

export class Faults implements FaultControls {
  latencyMs: number;
  private failRules: FaultRule[] = [];
  private dropRules: DropRule[] = [];

  constructor(
    private readonly appliance: Appliance,
    latencyMs: number,
  ) {
    this.latencyMs = latencyMs;
  }

  setLatency(ms: number): void {
    this.latencyMs = nonNegative(ms, "latency");
  }

  failNext(rule: FaultRule): void {
    if (!(rule.count > 0)) throw new Error("failNext: count must be at least 1");
    if (!Number.isInteger(rule.status) || rule.status < 100 || rule.status > 599) throw new Error("failNext: status must be an HTTP status (100-599)");
    this.failRules.push({ ...rule });
  }

  dropNext(rule: DropRule): void {
    if (!(rule.count > 0)) throw new Error("dropNext: count must be at least 1");
    if (rule.when !== "before" && rule.when !== "after") throw new Error('dropNext: when must be "before" or "after"');
    this.dropRules.push({ ...rule });
  }

  expireSessions(): void {
    this.appliance.sessions.expireAll();
  }

  setSaveDuration(ms: number): void {
    this.appliance.saveDurationMs = nonNegative(ms, "save duration");
  }

  /** Removes every latency, failure and drop rule and makes saves instant again. */
  clear(): void {
    this.latencyMs = 0;
    this.failRules = [];
    this.dropRules = [];
    this.appliance.saveDurationMs = 0;
  }

  /** The failure scripted for this request, if any (consumes one count). */
  takeFailure(method: string, path: string): FaultRule | undefined {
    return take(this.failRules, method, path);
  }

  takeDrop(method: string, path: string): DropRule | undefined {
    return take(this.dropRules, method, path);
  }

  describe(): FaultState {
    return { latencyMs: this.latencyMs, saveDurationMs: this.appliance.saveDurationMs, failNext: this.failRules.map((r) => ({ ...r })), dropNext: this.dropRules.map((r) => ({ ...r })) };
  }
}

function take<T extends { method?: string; pathIncludes: string; count: number }>(rules: T[], method: string, path: string): T | undefined {
  const decoded = decodeRepeatedly(path);
  const index = rules.findIndex(
    (r) => (r.method === undefined || r.method.toUpperCase() === method.toUpperCase()) && (path.includes(r.pathIncludes) || decoded.includes(r.pathIncludes)),
  );
  if (index < 0) return undefined;
  const rule = rules[index];
  rule.count--;
  if (rule.count <= 0) rules.splice(index, 1);
  return rule;
}

function nonNegative(ms: number, what: string): number {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`${what} must be a number of milliseconds >= 0`);
  return ms;
}
