// Apply: carries out a plan's phases over one NITRO session. Each operation kind inside a
// phase goes out as one bulk request (chunked by the client); kinds and chunks run
// concurrently within the session's pool. Answers that mean "already as wanted" (a file or
// certkey this sync would have created, a binding already there, an object already gone)
// are adopted after a check, so a run that follows an interrupted one converges instead of
// duplicating objects or failing.
import { isNotFoundAnswer, type ItemResult, type NitroError, type NitroSession } from "../nitro";
import type { Operation, OperationKind, Plan, RecordedState } from "../model";
import { fileNameOf } from "../naming";
import { adoptExistingCertkey, adoptExistingFile, isBound, keepCaInUse } from "./adopt";
import type { ApplyContext, ApplyLogger, OperationOf } from "./context";
import { ApplyError, type OperationFailure } from "./errors";

export { ApplyError, type OperationFailure } from "./errors";
export type { ApplyLogger } from "./context";

export interface ApplyOutcome {
  /** The recorded state after the plan, adjusted for what the appliance answered. */
  recorded: RecordedState;
  /** Operations sent to the appliance (save included). */
  operationsApplied: number;
  notes: string[];
}

export async function applyPlan(session: NitroSession, plan: Plan, previous: RecordedState, logger: ApplyLogger): Promise<ApplyOutcome> {
  const context: ApplyContext = {
    session,
    logger,
    caRenames: new Map(),
    previous,
    filesStillInUse: new Set(),
    notes: [...plan.notes],
    unusedCaFiles: [],
  };
  let applied = 0;
  let saved = false;
  for (const [index, phase] of plan.phases.entries()) {
    if (saved && phase.some((op) => op.kind === "deleteFile")) await checkSavedBeforeFileRemoval(context, plan);
    const operations = phase
      .map((op) => withCaRenames(op, context.caRenames))
      .filter((op) => !(op.kind === "deleteFile" && context.filesStillInUse.has(op.fileName)));
    if (operations.some((op) => op.kind === "saveConfig") && context.unusedCaFiles.length > 0) {
      applied += await runFileCleanup(context);
    }
    const failures = await runPhase(context, operations);
    if (failures.length > 0) throw new ApplyError(failures, index, saved);
    applied += operations.length;
    if (operations.some((op) => op.kind === "saveConfig")) saved = true;
  }
  return { recorded: adjustRecorded(plan.next, context), operationsApplied: applied, notes: context.notes };
}

/**
 * Between the save and the file removals: a reboot during the save reverts the appliance to its
 * previous configuration, whose certkeys need the files about to go. Every certkey this run
 * added or updated must still hold its new file; and no certkey may use a file about to go.
 */
async function checkSavedBeforeFileRemoval(context: ApplyContext, plan: Plan): Promise<void> {
  const certkeys = new Map((await context.session.getCertkeys()).map((c) => [c.certkey, c]));
  const fileOf = (path: string | undefined): string | undefined => (path === undefined ? undefined : fileNameOf(path));
  const lost: string[] = [];
  for (const op of plan.phases.flat()) {
    if ((op.kind === "addCertkey" || op.kind === "updateCertkey") && !context.caRenames.has(op.certkeyName)) {
      if (fileOf(certkeys.get(op.certkeyName)?.cert) !== op.certFile) lost.push(op.certkeyName);
    }
    if (op.kind === "deleteCertkey" && certkeys.has(op.certkeyName)) {
      // A CA certkey the appliance kept because others link to it (keepCaInUse) is expected there.
      const ca = Object.hasOwn(context.previous.caCertkeys, op.certkeyName) ? context.previous.caCertkeys[op.certkeyName] : undefined;
      if (!(ca && context.filesStillInUse.has(ca.certFile))) lost.push(op.certkeyName);
    }
  }
  if (lost.length > 0) {
    throw new Error(
      `After the configuration save, the appliance no longer holds what this run applied (certkey ${lost.join(", ")}): ` +
        `it was probably restarted during the save. No file was removed. Run again: the next run applies the changes anew.`,
    );
  }
  for (const certkey of certkeys.values()) {
    for (const file of [fileOf(certkey.cert), fileOf(certkey.key)]) {
      if (file === undefined || context.filesStillInUse.has(file)) continue;
      if (!plan.phases.flat().some((op) => op.kind === "deleteFile" && op.fileName === file)) continue;
      context.filesStillInUse.add(file);
      context.notes.push(`/nsconfig/ssl/${file} is still used by certkey ${certkey.certkey}; left in place`);
    }
  }
}

async function runPhase(context: ApplyContext, operations: Operation[]): Promise<OperationFailure[]> {
  const byKind = new Map<OperationKind, Operation[]>();
  for (const op of operations) byKind.set(op.kind, [...(byKind.get(op.kind) ?? []), op]);
  const results = await Promise.all([...byKind.values()].map((ops) => runKind(context, ops)));
  return results.flat();
}

async function runKind(context: ApplyContext, operations: Operation[]): Promise<OperationFailure[]> {
  const { session } = context;
  const kind = operations[0].kind;
  const pick = <K extends OperationKind>(k: K): OperationOf<K>[] => operations.filter((o): o is OperationOf<K> => o.kind === k);
  switch (kind) {
    case "saveConfig":
      await session.saveConfig();
      return [];
    case "uploadFile": {
      const ops = pick("uploadFile");
      const results = await session.uploadFiles(ops.map((o) => ({ fileName: o.fileName, content: o.contentPem })));
      return settle(ops, results, (op, error) => adoptExistingFile(context, op, error, ops));
    }
    case "addCertkey": {
      const ops = pick("addCertkey");
      const results = await session.addCertkeys(
        ops.map((o) => ({ certkey: o.certkeyName, cert: o.certFile, ...(o.keyFile ? { key: o.keyFile } : {}), ...(o.passphrase ? { passplain: o.passphrase } : {}) })),
      );
      return settle(ops, results, (op, error) => adoptExistingCertkey(context, op, error));
    }
    case "updateCertkey": {
      const ops = pick("updateCertkey");
      const results = await session.updateCertkeys(
        ops.map((o) => ({ certkey: o.certkeyName, cert: o.certFile, key: o.keyFile, ...(o.passphrase ? { passplain: o.passphrase } : {}) })),
      );
      return settle(ops, results, async () => false);
    }
    case "linkCertkey": {
      const ops = pick("linkCertkey");
      const results = await session.linkCertkeys(ops.map((o) => ({ certkey: o.certkeyName, linkcertkeyname: o.caCertkeyName })));
      return settle(ops, results, async (op) => (await session.getCertkey(op.certkeyName))?.linkcertkeyname === op.caCertkeyName);
    }
    case "unlinkCertkey": {
      const ops = pick("unlinkCertkey");
      const results = await session.unlinkCertkeys(ops.map((o) => o.certkeyName));
      return settle(ops, results, async (op, error) => error.errorcode === 1545 || !(await session.getCertkey(op.certkeyName))?.linkcertkeyname);
    }
    case "bind": {
      const ops = pick("bind");
      const results = await session.bind(ops.map((o) => ({ vservername: o.vserver, certkeyname: o.certkeyName, snicert: o.sni })));
      return settle(ops, results, async (op) => isBound(context, op.vserver, op.certkeyName, op.sni));
    }
    case "unbind": {
      const ops = pick("unbind");
      const results = await session.unbind(ops.map((o) => ({ vservername: o.vserver, certkeyname: o.certkeyName, snicert: o.sni })));
      return settle(ops, results, async (op, error) => isNotFoundAnswer(error) || !(await isBound(context, op.vserver, op.certkeyName, op.sni)));
    }
    case "deleteCertkey": {
      const ops = pick("deleteCertkey");
      const results = await session.deleteCertkeys(ops.map((o) => o.certkeyName));
      return settle(ops, results, async (op, error) => isNotFoundAnswer(error) || keepCaInUse(context, op, error));
    }
    case "deleteFile": {
      const ops = pick("deleteFile");
      const results = await session.deleteFiles(ops.map((o) => o.fileName));
      return settle(ops, results, async (_op, error) => isNotFoundAnswer(error));
    }
  }
}

/** Pairs operations with their results; a failure the `adopt` check accepts counts as done. */
async function settle<T extends Operation>(
  operations: T[],
  results: ItemResult[],
  adopt: (op: T, error: NitroError) => Promise<boolean>,
): Promise<OperationFailure[]> {
  const failures: OperationFailure[] = [];
  await Promise.all(
    results.map(async (result, i) => {
      if (result.ok) return;
      if (await adopt(operations[i], result.error)) return;
      failures.push({ operation: operations[i], error: result.error });
    }),
  );
  return failures;
}

function withCaRenames(op: Operation, renames: Map<string, string>): Operation {
  if (renames.size === 0) return op;
  if (op.kind === "linkCertkey" && renames.has(op.caCertkeyName)) return { ...op, caCertkeyName: renames.get(op.caCertkeyName)! };
  if (op.kind === "linkCertkey" && renames.has(op.certkeyName)) return { ...op, certkeyName: renames.get(op.certkeyName)! };
  return op;
}

async function runFileCleanup(context: ApplyContext): Promise<number> {
  const files = context.unusedCaFiles.splice(0);
  const results = await context.session.deleteFiles(files);
  const failed = results.filter((r) => !r.ok && !isNotFoundAnswer(r.error)).length;
  if (failed > 0) context.logger.warn(`${failed} unused CA file(s) could not be removed from /nsconfig/ssl/`);
  return files.length;
}

/** Folds what apply learned (CA certkeys found under other names) into the recorded state. */
function adjustRecorded(next: RecordedState, context: ApplyContext): RecordedState {
  if (context.caRenames.size === 0) return next;
  const recorded: RecordedState = structuredClone(next);
  for (const [planned, actual] of context.caRenames) {
    const ca = recorded.caCertkeys[planned];
    if (!ca) continue;
    delete recorded.caCertkeys[planned];
    // Not ours: never deleted by this sync. Its file is the other certkey's business.
    recorded.caCertkeys[actual] = { ...ca, certkeyName: actual, createdBySync: false };
  }
  for (const certificate of Object.values(recorded.certificates)) {
    for (const certkey of certificate.certkeys) {
      const renamed = certkey.caCertkeyName && context.caRenames.get(certkey.caCertkeyName);
      if (renamed) certkey.caCertkeyName = renamed;
    }
  }
  for (const ca of Object.values(recorded.caCertkeys)) {
    const renamed = ca.caCertkeyName && context.caRenames.get(ca.caCertkeyName);
    if (renamed) ca.caCertkeyName = renamed;
  }
  return recorded;
}
