// Every reason a plan gives, in one place, so the wording stays consistent and testable.
import type { CertificateFacts } from "../model";

/** The date part of an ISO-8601 timestamp. */
export const day = (iso: string): string => iso.slice(0, 10);

function label(leaf: CertificateFacts): string {
  return leaf.commonName !== undefined ? `CN=${leaf.commonName}` : leaf.subject;
}

export const newCertificate = (id: string, leaf: CertificateFacts): string =>
  `new certificate ${id} (${label(leaf)}, expires ${day(leaf.notAfter)})`;

export const renewedInPlace = (oldSerial: string, newSerial: string, certkey: string): string =>
  `renewed: serial ${oldSerial}→${newSerial}, preserving certkey ${certkey}`;

export const renewedBeside = (oldSerial: string, newSerial: string, certkey: string, old: string): string =>
  `renewed: serial ${oldSerial}→${newSerial}, new certkey ${certkey} beside ${old}`;

export const reactivated = (id: string, certkey: string, role: string): string =>
  `${id} is back in use: certkey ${certkey} was ${role}`;

/** Why a certificate id leaves the sync or the appliance. */
export type RetireCause =
  | { kind: "revoked" }
  | { kind: "expired"; notAfter: string }
  | { kind: "dropped" }
  | { kind: "destroyed" };

export function removal(cause: RetireCause): string {
  switch (cause.kind) {
    case "revoked":
      return "revoked; removal is on";
    case "expired":
      return `expired on ${day(cause.notAfter)}; removal is on`;
    case "dropped":
      return "dropped from the sync; removal is on";
    case "destroyed":
      return "the sync is being destroyed";
  }
}

function retainedWhy(id: string, cause: RetireCause): string {
  switch (cause.kind) {
    case "revoked":
      return `${id} is revoked`;
    case "expired":
      return `${id} expired on ${day(cause.notAfter)}`;
    case "dropped":
    case "destroyed":
      return `${id} was dropped from the sync`;
  }
}

/** The note kept on a retained certkey. */
export const retainedNote = (id: string, cause: RetireCause): string =>
  `${retainedWhy(id, cause)}; removeExpiredOrRevoked is off`;

/** The line in plan.notes for a retained certificate. */
export const retainedPlanNote = (id: string, cause: RetireCause): string => `retained: ${retainedNote(id, cause)}`;

export const notCreated = (id: string, cause: RetireCause): string =>
  `${retainedWhy(id, cause)}: nothing was created for it`;

export const supersededBy = (certkey: string, serial: string): string => `superseded by ${certkey} (serial ${serial})`;

export const deferredRenewal = (id: string): string => `renewal of ${id} waits for a sync trigger (autoSync is off)`;

export const keepsOldName = (id: string, kept: string, schemaName: string): string =>
  `${id} keeps its certkey ${kept}: NetScaler cannot rename certkeys, so the name ${schemaName} from the name schema is not used for it`;

export const goneFromAppliance = (id: string, certkey: string, role: string): string =>
  `${role} certkey ${certkey} of ${id} is gone from the appliance; dropped from the record`;

export const adopting = (certkey: string, story: string): string =>
  `adopting existing certkey ${certkey} (adoptExisting is on): ${story}`;

export const driftCertkeyMissing = (certkey: string): string => `drift: certkey ${certkey} missing on the appliance`;

export const driftSerial = (certkey: string, observed: string, recorded: string): string =>
  `drift: certkey ${certkey} has serial ${observed} on the appliance instead of ${recorded} (changed out of band)`;

export const driftFileMissing = (file: string): string => `drift: file ${file} missing on the appliance`;

export const driftBindingMissing = (certkey: string, vserver: string): string =>
  `drift: binding of ${certkey} to ${vserver} missing on the appliance`;

export const driftLink = (certkey: string, ca: string): string => `drift: link of ${certkey} to CA certkey ${ca} missing on the appliance`;

export const issuerChanged = (from: string | undefined, to: string | undefined, story: string): string =>
  `issuing CA certkey changes from ${from ?? "none"} to ${to ?? "none"}${story ? `: ${story}` : ""}`;

export const caIssues = (ca: CertificateFacts, ids: string[]): string => {
  const shown = ids.slice(0, 3).join(", ") + (ids.length > 3 ? ` and ${ids.length - 3} more` : "");
  return `intermediate ${label(ca)} (expires ${day(ca.notAfter)}) issues ${shown}`;
};

export const caIssuedBy = (child: string, parent: string): string => `CA certkey ${child} is issued by CA certkey ${parent}`;

export const caUnused = "no certificate of this sync is issued by it any more";

export const caMissingNoSource = (ca: string): string =>
  `CA certkey ${ca} is missing on the appliance and no desired chain contains its certificate; it cannot be re-added`;

export const sameNameSni = (reason: string, commonName: string): string =>
  `${reason}; unbound just before its successor is bound, because NetScaler refuses two SNI certificates for ${commonName} on one vserver (3629) — use preserveOnRenewal for a renewal without that moment`;

export const vserverAdded = (vserver: string): string => `vserver ${vserver} added to the sync`;
export const vserverRemoved = (vserver: string): string => `vserver ${vserver} removed from the sync`;

export const rebound = (vserver: string, sni: boolean, why: string): string =>
  `${vserver} ${sni ? "now needs SNI" : "now takes a default certificate"}: ${why}`;

export const replacedFile = (file: string, story: string): string => `replaced by ${file}${story ? `: ${story}` : ""}`;

export const fileUnused = "no certkey of this sync uses it any more";

export const save = (changes: number): string =>
  `save the running configuration so the ${changes} change${changes === 1 ? "" : "s"} survive a reboot`;
