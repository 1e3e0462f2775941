// Leaf certkeys that must match a desired certificate: their files, the certkey itself and
// its CA link, including drift repair and adoption of objects that already exist.
import type { PlanProblem, SyncOptions } from "../model";
import { normalizeSerial } from "../serial";
import type { ApplianceView } from "./appliance";
import type { PhaseBuilder } from "./phases";
import * as why from "./reasons";
import type { LeafTarget } from "./types";

export interface LeafContext {
  options: SyncOptions;
  appliance: ApplianceView;
  builder: PhaseBuilder;
  problems: PlanProblem[];
  /** Every file name a recorded certkey (leaf or CA we created) uses. */
  ownedFiles: Set<string>;
  /** Every leaf certkey name in `recorded`. */
  recordedLeaves: Set<string>;
}

/** What the leaf step learned, for the binding step: is the certkey there before bind runs, and why was it (re)made. */
export interface LeafOutcome {
  /** The certkey existed before this plan (so its bindings can be there too). */
  existedBefore: boolean;
  /** Reason of its add or update, when one is planned. */
  madeBecause?: string;
}

export function planLeaves(targets: LeafTarget[], ctx: LeafContext): Map<string, LeafOutcome> {
  const outcomes = new Map<string, LeafOutcome>();
  for (const t of targets) {
    if (t.content) outcomes.set(t.record.certkeyName, planLeaf(t, ctx));
    else outcomes.set(t.record.certkeyName, { existedBefore: true });
  }
  return outcomes;
}

/** Whether a file this leaf needs is already there; reports unrecorded files in the way. */
function fileThere(file: string, t: LeafTarget, ctx: LeafContext): boolean {
  if (ctx.ownedFiles.has(file)) return ctx.appliance.recordedFilePresent(file);
  if (!ctx.appliance.observedFileExists(file)) return false;
  if (ctx.options.adoptExisting) return true; // the name is derived from the content: the file is ours already
  ctx.problems.push({
    path: `certificates.${t.id}`,
    message:
      `file ${file} already exists in /nsconfig/ssl/ but this sync did not create it; ` +
      `delete it, or set adoptExisting to use it`,
  });
  return true;
}

function planLeaf(t: LeafTarget, ctx: LeafContext): LeafOutcome {
  const { appliance, builder } = ctx;
  const content = t.content;
  if (!content) return { existedBefore: true };
  const name = t.record.certkeyName;
  const recorded = ctx.recordedLeaves.has(name) && t.previous !== undefined;
  const seen = appliance.certkey(name);

  let existedBefore: boolean;
  let needsUpdate = false;
  let actualLink: string | undefined;
  let makeReason = t.story;
  if (recorded && t.previous) {
    existedBefore = seen !== null;
    actualLink = seen === null ? undefined : seen ? seen.linkedCaCertkeyName : t.previous.caCertkeyName;
    const drifted = appliance.serialDrift(name, t.previous.serial);
    if (t.previous.fingerprint !== t.record.fingerprint) needsUpdate = true;
    else if (drifted !== undefined) {
      needsUpdate = true;
      makeReason = why.driftSerial(name, drifted, t.previous.serial);
    }
    if (!existedBefore && t.change === "unchanged") makeReason = why.driftCertkeyMissing(name);
  } else if (seen) {
    // A certkey under our name that the record does not know.
    existedBefore = true;
    actualLink = seen.linkedCaCertkeyName;
    if (!ctx.options.adoptExisting) {
      ctx.problems.push({
        path: `certificates.${t.id}`,
        message:
          `certkey ${name} already exists on the appliance but this sync did not create it; ` +
          `delete or rename it, change the name schema, or set adoptExisting to take it over`,
      });
    }
    needsUpdate = seen.certFile !== t.record.certFile || seen.keyFile !== t.record.keyFile || normalizeSerial(seen.serial) !== normalizeSerial(t.record.serial);
    makeReason = why.adopting(name, t.story);
  } else {
    existedBefore = false;
  }

  const makes = !existedBefore || needsUpdate;
  const files: Array<[string, string, boolean]> = [
    [t.record.certFile, content.certPem, false],
    [t.record.keyFile, content.keyPem, true],
  ];
  for (const [fileName, contentPem, secret] of files) {
    if (fileThere(fileName, t, ctx)) continue;
    const reason = makes ? makeReason : why.driftFileMissing(fileName);
    builder.add("uploadFiles", { kind: "uploadFile", fileName, contentPem, secret, reason });
  }

  const passphrase = content.passphrase !== undefined ? { passphrase: content.passphrase } : {};
  const { certFile, keyFile } = t.record;
  if (!existedBefore) {
    builder.add("addOrUpdateLeaves", { kind: "addCertkey", certkeyName: name, certFile, keyFile, ...passphrase, reason: makeReason });
  } else if (needsUpdate) {
    builder.add("addOrUpdateLeaves", { kind: "updateCertkey", certkeyName: name, certFile, keyFile, ...passphrase, reason: makeReason });
  }

  const targetLink = t.record.caCertkeyName;
  if (targetLink !== actualLink) {
    const linkReason = !existedBefore
      ? makeReason
      : t.previous?.caCertkeyName === targetLink && t.change === "unchanged"
        ? why.driftLink(name, targetLink ?? "none")
        : why.issuerChanged(actualLink, targetLink, makeReason);
    if (existedBefore && actualLink !== undefined) {
      builder.add("unlinkLeaves", { kind: "unlinkCertkey", certkeyName: name, reason: linkReason });
    }
    if (targetLink !== undefined) {
      builder.add("linkLeaves", { kind: "linkCertkey", certkeyName: name, caCertkeyName: targetLink, reason: linkReason });
    }
  }
  return { existedBefore, ...(makes ? { madeBecause: makeReason } : {}) };
}
