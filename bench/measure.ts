// One measured step: the requests the emulator saw while it ran, their sequential round
// trips, and the wall time.
import type { Emulator } from "../emulator";
import { sequentialRoundTrips } from "./roundtrips";

export interface StepMeasurement {
  requests: number;
  roundTrips: number;
  wallMs: number;
  /** Requests the appliance answered with an error (the baseline's expected 409s included). */
  errors: number;
}

/** One request as the appliance saw it, relative to the first request of the step. */
export interface LoggedRequest {
  request: string;
  items?: number;
  startMs: number;
  durationMs: number;
}

export async function measureStep(emulator: Emulator, work: () => Promise<unknown>): Promise<StepMeasurement & { log: LoggedRequest[] }> {
  emulator.clearRequests();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const log = emulator.requests();
  return {
    requests: log.length,
    roundTrips: sequentialRoundTrips(log),
    wallMs: Math.round(wallMs * 10) / 10,
    errors: log.filter((r) => r.status >= 400 || r.errorcode !== 0).length,
    log: log.map((r) => ({
      request: `${r.method} ${r.path.replace("/nitro/v1/config/", "/")}`,
      ...(r.bulkItems !== undefined ? { items: r.bulkItems } : {}),
      startMs: Math.round(r.startedAtMs - (log[0]?.startedAtMs ?? 0)),
      durationMs: Math.round(r.durationMs),
    })),
  };
}
