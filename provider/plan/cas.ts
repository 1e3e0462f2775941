// CA (intermediate) certkeys: shared by every certificate they issued, named from their
// content. Added once, linked to their own issuer when that is in the chain too, deleted
// only when this sync created them and nothing of ours links to them any more.
import type { CertificateFacts, PlanProblem, RecordedCaCertkey, RecordedState } from "../model";
import { caCertificateFileName, caCertkeyName } from "../naming";
import type { ApplianceView } from "./appliance";
import type { PhaseBuilder } from "./phases";
import * as why from "./reasons";
import type { LeafTarget } from "./types";

interface CaSource {
  facts: CertificateFacts;
  /** The next certificate up the chain, when the chain has it. */
  parent?: string;
  issues: string[];
}

export interface CaContext {
  recorded: RecordedState;
  appliance: ApplianceView;
  builder: PhaseBuilder;
  problems: PlanProblem[];
  notes: string[];
  /** Reason for deleting CA certkeys nobody needs (planDestroy words it differently). */
  unusedReason: string;
}

export interface CaResult {
  next: Record<string, RecordedCaCertkey>;
  /** CA certkeys removed by this plan (their files may go too). */
  deleted: Map<string, string>;
}

function sourcesFromChains(targets: LeafTarget[]): Map<string, CaSource> {
  const sources = new Map<string, CaSource>();
  for (const t of targets) {
    const chain = t.content?.chain ?? [];
    chain.forEach((facts, i) => {
      const name = caCertkeyName(facts.fingerprint);
      const parent = chain[i + 1] ? caCertkeyName(chain[i + 1].fingerprint) : undefined;
      const known = sources.get(name);
      if (known) {
        if (i === 0) known.issues.push(t.id);
        if (known.parent === undefined && parent !== undefined) known.parent = parent;
      } else {
        sources.set(name, { facts, ...(parent !== undefined ? { parent } : {}), issues: i === 0 ? [t.id] : [] });
      }
    });
  }
  return sources;
}

export function planCas(targets: LeafTarget[], ctx: CaContext): CaResult {
  const { recorded, appliance, builder } = ctx;
  const sources = sourcesFromChains(targets);
  const next: Record<string, RecordedCaCertkey> = {};
  const queue = [...new Set(targets.map((t) => t.record.caCertkeyName).filter((n): n is string => n !== undefined))];

  for (let i = 0; i < queue.length; i++) {
    const name = queue[i];
    if (Object.hasOwn(next, name)) continue;
    const rec = Object.hasOwn(recorded.caCertkeys, name) ? recorded.caCertkeys[name] : undefined;
    const source = sources.get(name);
    const seen = appliance.certkey(name);
    const present = seen === undefined ? rec !== undefined : seen !== null;
    const facts = source?.facts;

    let createdBySync: boolean;
    let actualParent: string | undefined;
    let certFile: string;
    if (present) {
      createdBySync = rec?.createdBySync ?? false;
      actualParent = seen ? seen.linkedCaCertkeyName : rec?.caCertkeyName;
      certFile = rec?.certFile ?? (facts ? caCertificateFileName(facts.fingerprint) : `${name}.cer`);
    } else if (facts) {
      createdBySync = true;
      certFile = caCertificateFileName(facts.fingerprint);
      const reason = rec ? why.driftCertkeyMissing(name) : why.caIssues(facts, source?.issues ?? []);
      // CA files are named from their content and shared like the certkeys: an existing one is simply used.
      const fileKnownThere = rec?.createdBySync ? appliance.recordedFilePresent(certFile) : appliance.observedFileExists(certFile);
      if (!fileKnownThere) builder.add("uploadFiles", { kind: "uploadFile", fileName: certFile, contentPem: facts.pem, secret: false, reason });
      builder.add("addCaCertkeys", { kind: "addCertkey", certkeyName: name, certFile, reason });
    } else {
      // Only a kept (deferred, superseded, retained) certkey needs it, and its certificate is not at hand.
      ctx.notes.push(why.caMissingNoSource(name));
      if (rec) next[name] = rec;
      continue;
    }

    // Links are ours to change only on CA certkeys we created.
    const targetParent = createdBySync && source ? source.parent : actualParent;
    if (targetParent !== actualParent) {
      const reason = targetParent ? why.caIssuedBy(name, targetParent) : why.issuerChanged(actualParent, undefined, "");
      if (present && actualParent !== undefined) builder.add("unlinkCaCertkeys", { kind: "unlinkCertkey", certkeyName: name, reason });
      if (targetParent !== undefined) builder.add("linkCaCertkeys", { kind: "linkCertkey", certkeyName: name, caCertkeyName: targetParent, reason });
    }
    next[name] = {
      certkeyName: name,
      certFile,
      fingerprint: facts?.fingerprint ?? rec?.fingerprint ?? "",
      subject: facts?.subject ?? rec?.subject ?? "",
      notAfter: facts?.notAfter ?? rec?.notAfter ?? "",
      ...(targetParent !== undefined ? { caCertkeyName: targetParent } : {}),
      createdBySync,
    };
    // Follow the chain only through CA certkeys we know of; a parent someone else linked is theirs.
    if (targetParent !== undefined && (sources.has(targetParent) || Object.hasOwn(recorded.caCertkeys, targetParent))) {
      queue.push(targetParent);
    }
  }

  const deleted = deleteUnused(next, ctx);
  return { next: sortByName(next), deleted };
}

/** Recorded CA certkeys nothing needs: delete ours (children before parents), forget the others. */
function deleteUnused(next: Record<string, RecordedCaCertkey>, ctx: CaContext): Map<string, string> {
  const { recorded, appliance, builder } = ctx;
  const doomed = new Map<string, RecordedCaCertkey>();
  for (const [name, rec] of Object.entries(recorded.caCertkeys)) {
    if (Object.hasOwn(next, name) || !rec.createdBySync || !appliance.recordedCertkeyPresent(name)) continue;
    doomed.set(name, rec);
  }
  const parentOf = (name: string): string | undefined => {
    const seen = appliance.certkey(name);
    return seen ? seen.linkedCaCertkeyName : doomed.get(name)?.caCertkeyName;
  };
  const children = new Map<string, string[]>();
  for (const name of doomed.keys()) {
    const parent = parentOf(name);
    if (parent !== undefined && doomed.has(parent)) children.set(parent, [...(children.get(parent) ?? []), name]);
  }
  const depth = new Map<string, number>();
  const depthOf = (name: string, trail: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (trail.has(name)) return 0; // a link cycle cannot happen on a real appliance; do not loop on one
    trail.add(name);
    const below = (children.get(name) ?? []).map((c) => depthOf(c, trail));
    const d = below.length === 0 ? 0 : 1 + Math.max(...below);
    depth.set(name, d);
    return d;
  };
  const deleted = new Map<string, string>();
  for (const name of doomed.keys()) {
    builder.add("deleteCaCertkeys", { kind: "deleteCertkey", certkeyName: name, reason: ctx.unusedReason }, depthOf(name, new Set()));
    deleted.set(name, ctx.unusedReason);
  }
  return deleted;
}

function sortByName<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
