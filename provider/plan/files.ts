// Files under /nsconfig/ssl/ that this sync uploaded and nothing in `next` uses any more.
import type { RecordedCaCertkey, RecordedCertkey, RecordedState } from "../model";
import type { ApplianceView } from "./appliance";
import type { PhaseBuilder } from "./phases";
import * as why from "./reasons";
import type { LeafRemoval, LeafTarget } from "./types";

/** Every file a recorded object of ours uses (CA files only when we created the CA certkey). */
export function ownedFiles(recorded: RecordedState): Set<string> {
  const files = new Set<string>();
  for (const r of Object.values(recorded.certificates)) {
    for (const c of r.certkeys) {
      files.add(c.certFile);
      files.add(c.keyFile);
    }
  }
  for (const ca of Object.values(recorded.caCertkeys)) if (ca.createdBySync) files.add(ca.certFile);
  return files;
}

export interface FileContext {
  recorded: RecordedState;
  appliance: ApplianceView;
  builder: PhaseBuilder;
  owned: Set<string>;
  /** Why deleted CA certkeys went, by name. */
  deletedCas: Map<string, string>;
}

export function planFileDeletions(
  nextLeaves: RecordedCertkey[],
  nextCas: RecordedCaCertkey[],
  targets: LeafTarget[],
  removals: LeafRemoval[],
  ctx: FileContext,
): void {
  const used = new Set<string>();
  for (const c of nextLeaves) {
    used.add(c.certFile);
    used.add(c.keyFile);
  }
  for (const ca of nextCas) used.add(ca.certFile);

  const reasons = new Map<string, string>();
  for (const r of removals) {
    reasons.set(r.record.certFile, r.story);
    reasons.set(r.record.keyFile, r.story);
  }
  for (const t of targets) {
    if (!t.previous) continue;
    reasons.set(t.previous.certFile, why.replacedFile(t.record.certFile, t.story));
    reasons.set(t.previous.keyFile, why.replacedFile(t.record.keyFile, t.story));
  }
  for (const [name, reason] of ctx.deletedCas) {
    const rec = ctx.recorded.caCertkeys[name];
    if (rec) reasons.set(rec.certFile, reason);
  }

  for (const fileName of ctx.owned) {
    if (used.has(fileName) || !ctx.appliance.recordedFilePresent(fileName)) continue;
    ctx.builder.add("deleteFiles", { kind: "deleteFile", fileName, reason: reasons.get(fileName) ?? why.fileUnused });
  }
}
