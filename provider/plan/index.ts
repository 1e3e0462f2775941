// The sync plan: a pure function from (desired, recorded, observed?, now) to ordered phases
// of operations, each with its reason, and the recorded state they lead to.
// No I/O, no clock, no randomness: the same input always gives the same plan.
import type { DesiredState, Plan, PlanInput, RecordedState } from "../model";
import { ApplianceView } from "./appliance";
import { planBindings } from "./bindings";
import { planCas } from "./cas";
import { decideCertificates, type DecisionContext } from "./decisions";
import { PlanError } from "./errors";
import { ownedFiles, planFileDeletions } from "./files";
import { planLeaves } from "./leaves";
import { buildNext } from "./next";
import { PhaseBuilder } from "./phases";
import * as why from "./reasons";

export { PlanError } from "./errors";
export { changesRecord, describePlan, hasChanges, summarizeOperation } from "./describe";
export { PHASE_ORDER } from "./phases";

function run(ctx: DecisionContext, caUnusedReason: string): Plan {
  const { desired, recorded, appliance } = ctx;
  const options = desired.options;
  const decisions = decideCertificates(ctx);
  const { targets, removals, notes, problems } = decisions;
  const builder = new PhaseBuilder();
  const owned = ownedFiles(recorded);
  const recordedLeaves = new Set<string>();
  for (const r of Object.values(recorded.certificates)) for (const c of r.certkeys) recordedLeaves.add(c.certkeyName);

  const outcomes = planLeaves(targets, { options, appliance, builder, problems, ownedFiles: owned, recordedLeaves });
  const ours = new Set([...recordedLeaves, ...targets.map((t) => t.record.certkeyName)]);
  const bindings = planBindings(targets, removals, { options, appliance, builder, problems, outcomes, ours });
  for (const r of removals) {
    if (r.present) builder.add("deleteLeaves", { kind: "deleteCertkey", certkeyName: r.record.certkeyName, reason: r.story });
  }
  const cas = planCas(targets, { recorded, appliance, builder, problems, notes, unusedReason: caUnusedReason });
  const next = buildNext(targets, bindings, cas.next);
  const nextLeaves = Object.values(next.certificates).flatMap((r) => r.certkeys);
  planFileDeletions(nextLeaves, Object.values(next.caCertkeys), targets, removals, {
    recorded,
    appliance,
    builder,
    owned,
    deletedCas: cas.deleted,
  });

  if (problems.length > 0) throw new PlanError(problems);
  return { phases: builder.build(), next, notes };
}

/** Plans a sync. Throws PlanError listing every problem when it cannot go ahead. */
export function plan(input: PlanInput): Plan {
  return run(
    {
      desired: input.desired,
      recorded: input.recorded,
      appliance: new ApplianceView(input.observed),
      now: input.now,
      deferRenewals: input.deferRenewals ?? false,
    },
    why.caUnused,
  );
}

const NOTHING_DESIRED: DesiredState = {
  options: { removeExpiredOrRevoked: true, preserveOnRenewal: true, vservers: [], sni: "auto", adoptExisting: false },
  certificates: {},
};

/** Removes everything the recorded state says this sync created: unbind, certkeys, our CA certkeys, files, save. */
export function planDestroy(recorded: RecordedState): Plan {
  const cause: why.RetireCause = { kind: "destroyed" };
  return run(
    {
      desired: NOTHING_DESIRED,
      recorded,
      appliance: new ApplianceView(undefined),
      now: new Date(0), // unused: every certificate leaves regardless of its dates
      deferRenewals: false,
      retireAll: cause,
    },
    why.removal(cause),
  );
}
