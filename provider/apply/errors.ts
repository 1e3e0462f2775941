// What a failed apply reports: the operations that failed, each described for people, with
// key material and passphrases removed (errors get logged whole).
import { REDACTED, type NitroError } from "../nitro";
import type { Operation } from "../model";

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
        failures.map((f) => `- ${describeOperation(f.operation)}: ${f.error.message}`).join("\n"),
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

export function describeOperation(op: Operation): string {
  switch (op.kind) {
    case "uploadFile":
      return `upload /nsconfig/ssl/${op.fileName}`;
    case "addCertkey":
      return `add certkey ${op.certkeyName}`;
    case "updateCertkey":
      return `update certkey ${op.certkeyName} to ${op.certFile}`;
    case "linkCertkey":
      return `link certkey ${op.certkeyName} to CA ${op.caCertkeyName}`;
    case "unlinkCertkey":
      return `unlink certkey ${op.certkeyName}`;
    case "bind":
      return `bind certkey ${op.certkeyName} to vserver ${op.vserver}${op.sni ? " as SNI" : ""}`;
    case "unbind":
      return `unbind certkey ${op.certkeyName} from vserver ${op.vserver}${op.sni ? " (SNI)" : ""}`;
    case "deleteCertkey":
      return `delete certkey ${op.certkeyName}`;
    case "deleteFile":
      return `delete /nsconfig/ssl/${op.fileName}`;
    case "saveConfig":
      return "save the running configuration";
  }
}
