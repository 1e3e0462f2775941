// What a failed apply reports: the operations that failed, each described for people, with
// key material and passphrases removed (errors get logged whole).
import { REDACTED, type NitroError } from "../nitro";
import type { Operation } from "../model";
import { summarizeOperation } from "../plan";

export interface OperationFailure {
  operation: Operation;
  error: NitroError;
}

/** One or more operations failed; everything in earlier phases was applied. */
export class ApplyError extends Error {
  /** The failed operations, without key material or passphrases (errors get logged whole). */
  readonly failures: OperationFailure[];

  constructor(
    failures: OperationFailure[],
    readonly phasesCompleted: number,
    /** The save had already run (only file removals come after it). */
    readonly saved = false,
  ) {
    super(
      `${failures.length} NetScaler operation(s) failed; ${phasesCompleted} earlier phase(s) were applied and the ` +
        `configuration was ${saved ? "saved" : "not saved"}. Fix the cause below and run again: the next run adopts what was applied.\n` +
        failures.map((f) => `- ${summarizeOperation(f.operation)}: ${f.error.message}`).join("\n"),
    );
    this.name = "ApplyError";
    this.failures = failures.map((f) => ({ ...f, operation: withoutSecrets(f.operation) }));
  }
}

function withoutSecrets(op: Operation): Operation {
  if (op.kind === "uploadFile" && op.secret) return { ...op, contentPem: REDACTED };
  if ((op.kind === "addCertkey" || op.kind === "updateCertkey") && op.passphrase !== undefined) return { ...op, passphrase: REDACTED };
  return op;
}
