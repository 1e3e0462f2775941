// Per certificate id: which certkeys stay, come or go, and why. Decides in a fixed order:
// retired (revoked / expired / dropped) → same content already recorded → new → renewal
// (deferred, in place, or beside the old certkey). No appliance calls: only the view.
import type { DesiredCertificate, DesiredState, PlanProblem, RecordedCertkey, RecordedState } from "../model";
import { caCertkeyName, certificateFileName, keyFileName, renewedCertkeyName } from "../naming";
import type { ApplianceView } from "./appliance";
import * as why from "./reasons";
import type { LeafChange, LeafRemoval, LeafTarget } from "./types";

export interface DecisionContext {
  desired: DesiredState;
  recorded: RecordedState;
  appliance: ApplianceView;
  now: Date;
  deferRenewals: boolean;
  /** Set by planDestroy: every recorded certificate leaves for this cause. */
  retireAll?: why.RetireCause;
}

export interface Decisions {
  targets: LeafTarget[];
  removals: LeafRemoval[];
  notes: string[];
  problems: PlanProblem[];
}

export const isExpired = (notAfter: string, now: Date): boolean => Date.parse(notAfter) <= now.getTime();

/** A record without its note (for certkeys that become current again). */
function asCurrent(c: RecordedCertkey): RecordedCertkey {
  const { note: _note, ...rest } = c;
  return { ...rest, role: "current" };
}

function fromDesired(d: DesiredCertificate, certkeyName: string, files?: RecordedCertkey): RecordedCertkey {
  const issuer = d.chain[0];
  return {
    certkeyName,
    certFile: files?.certFile ?? certificateFileName(certkeyName, d.leaf.fingerprint),
    keyFile: files?.keyFile ?? keyFileName(certkeyName, d.leaf.fingerprint),
    serial: d.leaf.serial,
    fingerprint: d.leaf.fingerprint,
    subject: d.leaf.subject,
    notBefore: d.leaf.notBefore,
    notAfter: d.leaf.notAfter,
    ...(issuer ? { caCertkeyName: caCertkeyName(issuer.fingerprint) } : {}),
    bindings: [],
    role: "current",
  };
}

class Decider {
  readonly out: Decisions = { targets: [], removals: [], notes: [], problems: [] };
  private readonly options;

  constructor(private readonly ctx: DecisionContext) {
    this.options = ctx.desired.options;
  }

  run(): Decisions {
    const { desired, recorded } = this.ctx;
    const ids = [...new Set([...Object.keys(desired.certificates), ...Object.keys(recorded.certificates)])].sort();
    for (const id of ids) {
      const d = Object.hasOwn(desired.certificates, id) ? desired.certificates[id] : undefined;
      const recs = Object.hasOwn(recorded.certificates, id) ? recorded.certificates[id].certkeys : [];
      const cause = this.retireCause(d);
      if (cause) this.retire(id, recs, cause);
      else if (d) this.keepActive(d, recs);
    }
    return this.out;
  }

  private retireCause(d: DesiredCertificate | undefined): why.RetireCause | undefined {
    if (this.ctx.retireAll) return this.ctx.retireAll;
    if (!d) return { kind: "dropped" };
    if (d.revoked) return { kind: "revoked" };
    if (isExpired(d.leaf.notAfter, this.ctx.now)) return { kind: "expired", notAfter: d.leaf.notAfter };
    return undefined;
  }

  private retire(id: string, recs: RecordedCertkey[], cause: why.RetireCause): void {
    if (recs.length === 0) {
      this.out.notes.push(why.notCreated(id, cause));
      return;
    }
    const remove = this.options.removeExpiredOrRevoked || cause.kind === "destroyed";
    let retained = false;
    for (const c of recs) {
      const present = this.ctx.appliance.recordedCertkeyPresent(c.certkeyName);
      if (remove) {
        this.out.removals.push({ id, record: c, story: why.removal(cause), present });
      } else if (!present) {
        this.forgetGone(id, c);
      } else {
        retained = true;
        const record: RecordedCertkey = { ...c, role: "retained", note: why.retainedNote(id, cause) };
        this.out.targets.push({ id, record, previous: c, change: "kept", story: "", bindings: "keep" });
      }
    }
    if (retained) this.out.notes.push(why.retainedPlanNote(id, cause));
  }

  private keepActive(d: DesiredCertificate, recs: RecordedCertkey[]): void {
    const id = d.id;
    const fingerprint = d.leaf.fingerprint;
    const current = recs.find((c) => c.role === "current");
    const same = recs.find((c) => c.fingerprint === fingerprint);
    let displaced: RecordedCertkey | undefined;
    let consumed: RecordedCertkey | undefined;

    if (same) {
      // The content is already recorded: keep that certkey (NetScaler refuses one content under two names).
      consumed = same;
      const change: LeafChange = same.role === "current" ? "unchanged" : "reactivated";
      const story = change === "unchanged" ? "" : why.reactivated(id, same.certkeyName, same.role);
      this.pushCurrent(d, fromDesired(d, same.certkeyName, same), same, change, story);
      if (current && current !== same) displaced = current;
      const schemaNames = [d.certkeyName, renewedCertkeyName(d.certkeyName, fingerprint)];
      if (!schemaNames.includes(same.certkeyName)) this.out.notes.push(why.keepsOldName(id, same.certkeyName, d.certkeyName));
    } else {
      const base = current ?? recs.find((c) => c.certkeyName === d.certkeyName);
      if (!base) {
        this.pushCurrent(d, fromDesired(d, d.certkeyName), undefined, "new", why.newCertificate(id, d.leaf));
      } else if (this.ctx.deferRenewals && base === current && this.intact(base)) {
        consumed = base;
        this.out.notes.push(why.deferredRenewal(id));
        this.out.targets.push({ id, record: asCurrent(base), previous: base, change: "kept", story: "", bindings: "options" });
      } else if (this.options.preserveOnRenewal) {
        consumed = base;
        const story = why.renewedInPlace(base.serial, d.leaf.serial, base.certkeyName);
        this.pushCurrent(d, fromDesired(d, base.certkeyName), base, "renewed", story);
      } else {
        displaced = base;
        const name = renewedCertkeyName(d.certkeyName, fingerprint);
        const story = why.renewedBeside(base.serial, d.leaf.serial, name, base.certkeyName);
        this.pushCurrent(d, fromDesired(d, name), undefined, "renewed", story);
      }
    }

    const currentRecord = this.out.targets[this.out.targets.length - 1].record;
    for (const c of recs) {
      if (c === consumed) continue;
      const superseded = c === displaced || c.role === "current";
      this.keepOther(id, c, superseded ? why.supersededBy(currentRecord.certkeyName, currentRecord.serial) : undefined);
    }
  }

  private pushCurrent(
    d: DesiredCertificate,
    record: RecordedCertkey,
    previous: RecordedCertkey | undefined,
    change: LeafChange,
    story: string,
  ): void {
    const content = {
      certPem: d.leaf.pem,
      keyPem: d.keyPem,
      ...(d.keyPassphrase !== undefined ? { passphrase: d.keyPassphrase } : {}),
      chain: d.chain,
    };
    this.out.targets.push({
      id: d.id,
      record,
      ...(previous ? { previous } : {}),
      content,
      change,
      story,
      bindings: "options",
    });
  }

  /** A certkey of an active id that is no longer its current one: superseded, or retained from before. */
  private keepOther(id: string, c: RecordedCertkey, supersededNote: string | undefined): void {
    const present = this.ctx.appliance.recordedCertkeyPresent(c.certkeyName);
    if (this.options.removeExpiredOrRevoked && isExpired(c.notAfter, this.ctx.now)) {
      this.out.removals.push({ id, record: c, story: why.removal({ kind: "expired", notAfter: c.notAfter }), present });
      return;
    }
    if (!present) {
      this.forgetGone(id, c);
      return;
    }
    const superseded = supersededNote !== undefined || c.role === "superseded";
    const record: RecordedCertkey = superseded
      ? { ...c, role: "superseded", note: supersededNote ?? c.note ?? "superseded" }
      : { ...c };
    this.out.targets.push({ id, record, previous: c, change: "kept", story: "", bindings: superseded ? "none" : "keep" });
  }

  /** A kept certkey someone removed from the appliance: drop it from the record; its leftover files go. */
  private forgetGone(id: string, c: RecordedCertkey): void {
    const story = why.goneFromAppliance(id, c.certkeyName, c.role);
    this.out.notes.push(story);
    this.out.removals.push({ id, record: c, story, present: false });
  }

  /** Deferral only holds while the recorded certkey is really there as recorded. */
  private intact(c: RecordedCertkey): boolean {
    const view = this.ctx.appliance;
    return (
      view.recordedCertkeyPresent(c.certkeyName) &&
      view.serialDrift(c.certkeyName, c.serial) === undefined &&
      view.recordedFilePresent(c.certFile) &&
      view.recordedFilePresent(c.keyFile)
    );
  }
}

export function decideCertificates(ctx: DecisionContext): Decisions {
  const out = new Decider(ctx).run();
  out.problems.push(...nameProblems(out, ctx.recorded));
  return out;
}

/** Two certkeys under one name, or one content under two names, would fail on the appliance. */
function nameProblems(out: Decisions, recorded: RecordedState): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const ownerOfName = new Map<string, string>();
  const ownerOfContent = new Map<string, string>();
  for (const [id, r] of Object.entries(recorded.certificates)) {
    for (const c of r.certkeys) {
      ownerOfName.set(c.certkeyName, id);
      ownerOfContent.set(c.fingerprint, id);
    }
  }
  const seenName = new Map<string, string>();
  const seenContent = new Map<string, string>();
  for (const t of out.targets) {
    const name = t.record.certkeyName;
    const path = `certificates.${t.id}`;
    const other = seenName.get(name);
    if (other !== undefined && other !== t.id) {
      problems.push({ path, message: `certificates ${other} and ${t.id} would both use certkey ${name}; give each its own name` });
    }
    seenName.set(name, t.id);
    if (!t.content) continue;
    const recordedFor = ownerOfName.get(name);
    if (recordedFor !== undefined && recordedFor !== t.id) {
      problems.push({
        path,
        message: `certkey ${name} is already recorded for certificate ${recordedFor}; change the name schema or remove ${recordedFor} in an earlier update`,
      });
    }
    const twin = seenContent.get(t.record.fingerprint) ?? ownerOfContent.get(t.record.fingerprint);
    if (twin !== undefined && twin !== t.id) {
      problems.push({
        path,
        message:
          `certificate ${t.id} has the same content as ${twin} (fingerprint ${t.record.fingerprint.slice(0, 16)}…); ` +
          `NetScaler refuses one certificate under two certkey names: keep it under one id, or remove ${twin} (with removeExpiredOrRevoked on) in an earlier update`,
      });
    }
    seenContent.set(t.record.fingerprint, t.id);
  }
  return problems;
}
