// Human lines for previews and logs. Never includes file contents or passphrases.
import { canonicalJson } from "../canonical-json";
import type { Operation, Plan, RecordedState } from "../model";

export function hasChanges(plan: Plan): boolean {
  return plan.phases.some((phase) => phase.length > 0);
}

export function summarizeOperation(op: Operation): string {
  switch (op.kind) {
    case "uploadFile":
      return `upload /nsconfig/ssl/${op.fileName}`;
    case "addCertkey":
      return op.keyFile === undefined ? `add CA certkey ${op.certkeyName}` : `add certkey ${op.certkeyName}`;
    case "updateCertkey":
      return `update certkey ${op.certkeyName} to ${op.certFile}`;
    case "linkCertkey":
      return `link ${op.certkeyName} to CA certkey ${op.caCertkeyName}`;
    case "unlinkCertkey":
      return `unlink ${op.certkeyName} from its CA certkey`;
    case "bind":
      return `bind ${op.certkeyName} to ${op.vserver} as ${op.sni ? "SNI" : "default certificate"}`;
    case "unbind":
      return `unbind ${op.certkeyName} (${op.sni ? "SNI" : "default certificate"}) from ${op.vserver}`;
    case "deleteCertkey":
      return `delete certkey ${op.certkeyName}`;
    case "deleteFile":
      return `delete /nsconfig/ssl/${op.fileName}`;
    case "saveConfig":
      return "save the configuration";
  }
}

/** One line per operation, in execution order: "bind certsync-shop to vs1 as SNI: new certificate shop (…)". */
export function describePlan(plan: Plan): string[] {
  return plan.phases.flat().map((op) => `${summarizeOperation(op)}: ${op.reason}`);
}

/**
 * True when `next` differs from the state the plan started from, even without operations
 * (e.g. a certificate becomes "retained", or a vanished superseded certkey leaves the record).
 * A diff must report a change then, or the new record is never stored.
 */
export function changesRecord(plan: Plan, recorded: RecordedState): boolean {
  return canonicalJson(plan.next) !== canonicalJson(recorded);
}
