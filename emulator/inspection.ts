// The inspection endpoints under /__emulator/, apart from NITRO: no auth, not in the request log.
//   GET  /__emulator/state      running and saved configuration, files per partition
//   GET  /__emulator/requests   the request log;  DELETE clears it
//   POST /__emulator/reboot     running configuration := last save; sessions dropped
//   GET|POST /__emulator/faults fault controls: {latencyMs, saveDurationMs, failNext, dropNext, expireSessions, clear}
import type { Faults } from "./faults";
import type { RequestLog } from "./requestlog";
import type { DropRule, EmulatorSnapshot, FaultRule } from "./types";

export interface InspectionTarget {
  state(): EmulatorSnapshot;
  log: RequestLog;
  faults: Faults;
  reboot(): void;
}

export interface InspectionReply {
  status: number;
  body: unknown;
}

export function serveInspection(target: InspectionTarget, method: string, pathname: string, bodyText: string): InspectionReply {
  const route = `${method.toUpperCase()} ${pathname.replace(/\/+$/, "")}`;
  try {
    switch (route) {
      case "GET /__emulator/state":
        return { status: 200, body: target.state() };
      case "GET /__emulator/requests":
        return { status: 200, body: target.log.list() };
      case "DELETE /__emulator/requests":
        target.log.clear();
        return { status: 200, body: { cleared: true } };
      case "POST /__emulator/reboot":
        target.reboot();
        return { status: 200, body: { rebooted: true } };
      case "GET /__emulator/faults":
        return { status: 200, body: target.faults.describe() };
      case "POST /__emulator/faults":
        applyFaultRequest(target.faults, bodyText);
        return { status: 200, body: target.faults.describe() };
      default:
        return { status: 404, body: { error: `unknown inspection endpoint ${route}; see emulator/inspection.ts` } };
    }
  } catch (error) {
    return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
  }
}

interface FaultRequest {
  clear?: boolean;
  latencyMs?: number;
  saveDurationMs?: number;
  expireSessions?: boolean;
  failNext?: FaultRule | FaultRule[];
  dropNext?: DropRule | DropRule[];
}

function applyFaultRequest(faults: Faults, bodyText: string): void {
  const request = (bodyText.trim() === "" ? {} : JSON.parse(bodyText)) as FaultRequest;
  if (typeof request !== "object" || request === null) throw new Error("body must be a JSON object");
  if (request.clear) faults.clear();
  if (request.latencyMs !== undefined) faults.setLatency(Number(request.latencyMs));
  if (request.saveDurationMs !== undefined) faults.setSaveDuration(Number(request.saveDurationMs));
  for (const rule of asList(request.failNext)) faults.failNext(checkRule(rule));
  for (const rule of asList(request.dropNext)) faults.dropNext(checkRule(rule));
  if (request.expireSessions) faults.expireSessions();
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function checkRule<T extends { pathIncludes: string; count: number }>(rule: T): T {
  if (typeof rule !== "object" || rule === null || typeof rule.pathIncludes !== "string") throw new Error("a rule needs pathIncludes (a string)");
  return { ...rule, count: rule.count ?? 1 };
}
