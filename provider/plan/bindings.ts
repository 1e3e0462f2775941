// vserver bindings: which certkeys go where, as SNI or as the default certificate, and the
// bind/unbind operations (bind always in an earlier phase than unbind, so a vserver never
// goes without a certificate in between).
import type { PlanProblem, RecordedBinding, SyncOptions } from "../model";
import type { ApplianceView } from "./appliance";
import type { LeafOutcome } from "./leaves";
import type { PhaseBuilder } from "./phases";
import * as why from "./reasons";
import type { LeafRemoval, LeafTarget } from "./types";

export interface BindingContext {
  options: SyncOptions;
  appliance: ApplianceView;
  builder: PhaseBuilder;
  problems: PlanProblem[];
  outcomes: Map<string, LeafOutcome>;
  /** Every leaf certkey name this sync recorded or will hold: anything else on a vserver is someone else's. */
  ours: Set<string>;
}

interface SniDecision {
  sni: boolean;
  why: string;
}

const byVserver = (a: RecordedBinding, b: RecordedBinding): number =>
  a.vserver < b.vserver ? -1 : a.vserver > b.vserver ? 1 : Number(a.sni) - Number(b.sni);

/** Returns the bindings each target records in `next`, by certkey name. */
export function planBindings(targets: LeafTarget[], removals: LeafRemoval[], ctx: BindingContext): Map<string, RecordedBinding[]> {
  const { options, appliance, builder } = ctx;
  const vservers = [...new Set(options.vservers)];

  // What is bound now, per target and vserver of interest.
  const actual = new Map<LeafTarget, Map<string, boolean[]>>();
  for (const t of targets) {
    const present = ctx.outcomes.get(t.record.certkeyName)?.existedBefore ?? false;
    const recordedBindings = t.previous?.bindings;
    const names = new Set([...(recordedBindings ?? []).map((b) => b.vserver), ...(t.bindings === "options" ? vservers : [])]);
    const modes = new Map<string, boolean[]>();
    for (const v of names) modes.set(v, appliance.bindingModes(t.record.certkeyName, v, recordedBindings, present));
    actual.set(t, modes);
  }

  const sniOf = decideSni(targets, actual, vservers, ctx);
  const sniNamesBound = newSniNames(targets, actual, vservers, sniOf);
  const staying = certificatesStaying(targets, actual, ctx);
  const next = new Map<string, RecordedBinding[]>();
  for (const t of targets) {
    const now = actual.get(t) ?? new Map<string, boolean[]>();
    const want = new Map<string, boolean[]>();
    if (t.bindings === "options") for (const v of vservers) want.set(v, [sniOf.get(v)?.sni ?? false]);
    if (t.bindings === "keep") for (const [v, modes] of now) if (modes.length > 0) want.set(v, modes);
    diffBindings(t, now, want, sniOf, ctx, builder, { sniNamesBound, staying });
    const recordedBindings: RecordedBinding[] = [];
    for (const [vserver, modes] of want) for (const sni of modes) recordedBindings.push({ vserver, sni });
    next.set(t.record.certkeyName, recordedBindings.sort(byVserver));
  }

  for (const r of removals) {
    if (!r.present) continue;
    for (const v of new Set(r.record.bindings.map((b) => b.vserver))) {
      for (const sni of appliance.bindingModes(r.record.certkeyName, v, r.record.bindings, true)) {
        builder.add("unbind", { kind: "unbind", vserver: v, certkeyName: r.record.certkeyName, sni, reason: r.story });
      }
    }
  }
  return next;
}

function diffBindings(
  t: LeafTarget,
  now: Map<string, boolean[]>,
  want: Map<string, boolean[]>,
  sniOf: Map<string, SniDecision>,
  ctx: BindingContext,
  builder: PhaseBuilder,
  sameName: { sniNamesBound: Set<string>; staying: Map<string, number> },
): void {
  const certkeyName = t.record.certkeyName;
  const made = ctx.outcomes.get(certkeyName)?.madeBecause;
  for (const [vserver, modes] of want) {
    const had = now.get(vserver) ?? [];
    for (const sni of modes) {
      if (had.includes(sni)) continue;
      let reason: string;
      if (made !== undefined && !(ctx.outcomes.get(certkeyName)?.existedBefore ?? false)) reason = made;
      else if (had.length > 0) reason = why.rebound(vserver, sni, sniOf.get(vserver)?.why ?? "");
      else if (t.previous?.bindings.some((b) => b.vserver === vserver && b.sni === sni)) reason = why.driftBindingMissing(certkeyName, vserver);
      else if (t.story) reason = t.story;
      else reason = why.vserverAdded(vserver);
      builder.add("bind", { kind: "bind", vserver, certkeyName, sni, reason });
    }
  }
  for (const [vserver, modes] of now) {
    const keep = want.get(vserver) ?? [];
    for (const sni of modes) {
      if (keep.includes(sni)) continue;
      let reason: string;
      if (t.bindings === "none") reason = t.record.note ?? "superseded";
      else if (keep.length > 0) reason = why.rebound(vserver, !sni, sniOf.get(vserver)?.why ?? "");
      else reason = why.vserverRemoved(vserver);
      const commonName = commonNameOf(t.record.subject);
      if (sni && commonName !== undefined && sameName.sniNamesBound.has(sniKey(vserver, commonName))) {
        if ((sameName.staying.get(vserver) ?? 0) === 0) {
          ctx.problems.push({
            path: "preserveOnRenewal",
            message:
              `renewing ${t.id} beside ${certkeyName} would leave vserver ${vserver} without any certificate for a moment: ` +
              `NetScaler refuses two SNI certificates for ${commonName} on one vserver (3629) and no other certificate is bound there; ` +
              `set preserveOnRenewal: true (the certkey is updated in place, without a gap)`,
          });
        }
        builder.add("unbindSameNameSni", { kind: "unbind", vserver, certkeyName, sni, reason: why.sameNameSni(reason, commonName) });
      } else {
        builder.add("unbind", { kind: "unbind", vserver, certkeyName, sni, reason });
      }
    }
  }
}

const sniKey = (vserver: string, commonName: string): string => `${vserver}\u0000${commonName.toLowerCase()}`;

/** The CN of a one-line subject ("CN=shop.example.com,O=…", RFC 4514 escaping). */
export function commonNameOf(subject: string): string | undefined {
  const match = /(?:^|,)\s*CN=((?:\\.|[^,\\])*)/i.exec(subject);
  return match ? match[1].replace(/\\(.)/g, "$1") : undefined;
}

/** Per vserver, how many bindings stay in place throughout the plan: ours that are kept, and others'. */
function certificatesStaying(targets: LeafTarget[], actual: Map<LeafTarget, Map<string, boolean[]>>, ctx: BindingContext): Map<string, number> {
  const staying = new Map<string, number>();
  for (const t of targets) {
    if (t.bindings === "none") continue;
    for (const [v, modes] of actual.get(t) ?? []) if (modes.length > 0) staying.set(v, (staying.get(v) ?? 0) + 1);
  }
  for (const v of ctx.options.vservers) {
    const others = ctx.appliance.vserver(v)?.bindings.filter((b) => !b.ca && !ctx.ours.has(b.certkeyName)).length ?? 0;
    staying.set(v, (staying.get(v) ?? 0) + others);
  }
  return staying;
}

/** vserver + common name of every certkey this plan newly binds as SNI. */
function newSniNames(
  targets: LeafTarget[],
  actual: Map<LeafTarget, Map<string, boolean[]>>,
  vservers: string[],
  sniOf: Map<string, SniDecision>,
): Set<string> {
  const names = new Set<string>();
  for (const t of targets) {
    if (t.bindings !== "options") continue;
    const commonName = commonNameOf(t.record.subject);
    if (commonName === undefined) continue;
    for (const v of vservers) {
      const alreadySni = actual.get(t)?.get(v)?.includes(true) ?? false;
      if (sniOf.get(v)?.sni && !alreadySni) names.add(sniKey(v, commonName));
    }
  }
  return names;
}

/**
 * SNI per vserver. "auto": SNI when more than one certificate id of this sync is bound there,
 * or when the vserver already has a default certificate that is not ours (binding ours as
 * default would silently replace it).
 */
function decideSni(
  targets: LeafTarget[],
  actual: Map<LeafTarget, Map<string, boolean[]>>,
  vservers: string[],
  ctx: BindingContext,
): Map<string, SniDecision> {
  const { options, appliance, problems } = ctx;
  const decisions = new Map<string, SniDecision>();
  const bindingIds = new Set(targets.filter((t) => t.bindings === "options").map((t) => t.id));
  if (bindingIds.size === 0) return decisions;
  // Retained certkeys stay bound where they are: they count too.
  const keptIdsOn = new Map<string, Set<string>>();
  for (const t of targets) {
    if (t.bindings !== "keep") continue;
    for (const [v, modes] of actual.get(t) ?? []) {
      if (modes.length === 0) continue;
      const ids = keptIdsOn.get(v) ?? new Set<string>();
      ids.add(t.id);
      keptIdsOn.set(v, ids);
    }
  }

  vservers.forEach((vserver, index) => {
    const path = `options.vservers[${index}]`;
    const seen = appliance.vserver(vserver);
    if (seen && !seen.exists) {
      problems.push({
        path,
        message: `SSL vserver ${vserver} does not exist on the appliance (in the partition this sync connects to); create it first, or fix vserverName/vserverNames`,
      });
      return;
    }
    const ids = new Set(bindingIds);
    for (const id of keptIdsOn.get(vserver) ?? []) ids.add(id);
    const count = ids.size;
    const foreign = seen?.bindings.find((b) => !b.sni && !b.ca && !ctx.ours.has(b.certkeyName))?.certkeyName;
    const several = `${count} certificates of this sync are bound to it (${[...ids].sort().slice(0, 5).join(", ")}${count > 5 ? ", …" : ""})`;
    let decision: SniDecision;
    if (options.sni === "always") decision = { sni: true, why: 'options.sni is "always"' };
    else if (options.sni === "never") decision = { sni: false, why: 'options.sni is "never"' };
    else if (count > 1) decision = { sni: true, why: several };
    else if (foreign !== undefined) decision = { sni: true, why: `it has default certificate ${foreign}, which this sync does not manage` };
    else decision = { sni: false, why: "it carries one certificate of this sync" };
    decisions.set(vserver, decision);

    if (options.sni === "never" && (count > 1 || foreign !== undefined)) {
      const what = count > 1 ? several : `it already has default certificate ${foreign}, which this sync does not manage`;
      problems.push({
        path: "options.sni",
        message:
          `options.sni is "never" but ${what} on vserver ${vserver}: a vserver has one default certificate and another bound ` +
          `as default would silently replace it; use sni "auto" or "always", or bind one certificate per vserver`,
      });
    }
    if (decision.sni && seen && !seen.sniEnabled) {
      problems.push({
        path,
        message:
          `vserver ${vserver} needs SNI (${decision.why}) but SNI is disabled on it; enable it with ` +
          `"set ssl vserver ${vserver} -SNIEnable ENABLED", or bind one certificate per vserver`,
      });
    }
  });
  return decisions;
}
