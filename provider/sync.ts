// The sync engine's entry points: gather → plan → apply over one NITRO session.
// The clock and the session opener (the transport) are parameters.
import { applyPlan, type ApplyLogger } from "./apply";
import { detectDrift } from "./drift";
import { observationScope, observeAppliance } from "./gather";
import { hideOwnLeftovers } from "./leftovers";
import type { DesiredState, ObservedState, Plan, RecordedState } from "./model";
import { withNitroSession, type NitroClientDeps, type NitroConnectionOptions, type NitroSession } from "./nitro";
import { describePlan, plan, planDestroy } from "./plan";

export type SessionOpener = <T>(connection: NitroConnectionOptions, work: (session: NitroSession) => Promise<T>) => Promise<T>;

export interface EngineDeps {
  logger: ApplyLogger & { debug?(message: string): void };
  /** Defaults to a real NITRO session over HTTPS. */
  openSession?: SessionOpener;
  nitro?: NitroClientDeps;
}

export interface SyncResult {
  recorded: RecordedState;
  /** True when anything was written to the appliance (and the configuration saved). */
  wrote: boolean;
  operationsApplied: number;
  notes: string[];
}

function opener(deps: EngineDeps): SessionOpener {
  return deps.openSession ?? ((connection, work) => withNitroSession(connection, work, { logger: { debug: () => undefined, ...deps.logger }, ...deps.nitro }));
}

/** One summary line per plan, its notes, and (at debug) every operation with its reason. */
function logPlan(decided: Plan, logger: EngineDeps["logger"]): void {
  const operations = decided.phases.flat();
  if (operations.length === 0) logger.info("the appliance already matches: nothing to change");
  else {
    const counts = new Map<string, number>();
    for (const op of operations) counts.set(op.kind, (counts.get(op.kind) ?? 0) + 1);
    logger.info(`${operations.length} operation(s) in ${decided.phases.length} phase(s): ${[...counts].map(([kind, n]) => `${n} ${kind}`).join(", ")}`);
  }
  for (const note of decided.notes) logger.info(note);
  if (logger.debug) for (const line of describePlan(decided)) logger.debug(line);
}

/** Brings the appliance to the desired state, starting from what this sync recorded. */
export async function syncCertificates(
  connection: NitroConnectionOptions,
  request: { desired: DesiredState; recorded: RecordedState; now: Date; deferRenewals?: boolean },
  deps: EngineDeps,
): Promise<SyncResult> {
  return opener(deps)(connection, async (session) => {
    const observed = await observeAppliance(session, observationScope(request.desired, request.recorded));
    const decided = plan({
      desired: request.desired,
      recorded: request.recorded,
      observed: hideOwnLeftovers(request.desired, request.recorded, observed),
      now: request.now,
      deferRenewals: request.deferRenewals ?? false,
    });
    logPlan(decided, deps.logger);
    if (decided.phases.length === 0) {
      return { recorded: decided.next, wrote: false, operationsApplied: 0, notes: decided.notes };
    }
    const outcome = await applyPlan(session, decided, request.recorded, deps.logger);
    return { recorded: outcome.recorded, wrote: true, operationsApplied: outcome.operationsApplied, notes: outcome.notes };
  });
}

/** Removes everything this sync recorded, and nothing else. */
export async function removeCertificates(connection: NitroConnectionOptions, recorded: RecordedState, deps: EngineDeps): Promise<SyncResult> {
  const decided = planDestroy(recorded);
  logPlan(decided, deps.logger);
  if (decided.phases.length === 0) return { recorded: decided.next, wrote: false, operationsApplied: 0, notes: [] };
  return opener(deps)(connection, async (session) => {
    const outcome = await applyPlan(session, decided, recorded, deps.logger);
    return { recorded: outcome.recorded, wrote: true, operationsApplied: outcome.operationsApplied, notes: outcome.notes };
  });
}

/** What the appliance has of this sync's objects, and how it differs from the record. */
export async function inspectAppliance(
  connection: NitroConnectionOptions,
  recorded: RecordedState,
  desired: DesiredState | undefined,
  deps: EngineDeps,
): Promise<{ observed: ObservedState; drift: string[] }> {
  return opener(deps)(connection, async (session) => {
    const observed = await observeAppliance(session, observationScope(desired, recorded));
    return { observed, drift: detectDrift(recorded, observed) };
  });
}
