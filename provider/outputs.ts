// The resource's outputs: a readable summary per certificate id, derived from the recorded
// state (which is stored beside it, so every later call can plan, refresh and delete from
// outputs alone). Nothing here may carry key material or a password.
import type { RecordedCertkey, RecordedState } from "./model";

export interface DeployedCertificate {
  /** The certkey serving the certificate id now. */
  certkeyName: string;
  /** Every certkey of this id on the appliance, the current one first (renewals beside it, retained ones). */
  certkeyNames: string[];
  certFile: string;
  keyFile: string;
  serial: string;
  /** SHA-256 of the certificate (DER), hex. */
  fingerprint: string;
  subject: string;
  notAfter: string;
  caCertkeyName?: string;
  /** vservers the current certkey is bound to. */
  vservers: string[];
  /** "retained": left on the appliance on purpose (removal off); see `note`. */
  status: "current" | "retained";
  note?: string;
}

export function summarizeDeployed(recorded: RecordedState): Record<string, DeployedCertificate> {
  const deployed: Record<string, DeployedCertificate> = {};
  for (const [id, certificate] of Object.entries(recorded.certificates)) {
    const primary: RecordedCertkey | undefined =
      certificate.certkeys.find((c) => c.role === "current") ?? certificate.certkeys[0];
    if (!primary) continue;
    deployed[id] = {
      certkeyName: primary.certkeyName,
      certkeyNames: certificate.certkeys.map((c) => c.certkeyName),
      certFile: primary.certFile,
      keyFile: primary.keyFile,
      serial: primary.serial,
      fingerprint: primary.fingerprint,
      subject: primary.subject,
      notAfter: primary.notAfter,
      ...(primary.caCertkeyName ? { caCertkeyName: primary.caCertkeyName } : {}),
      vservers: [...new Set(primary.bindings.map((b) => b.vserver))].sort(),
      status: primary.role === "retained" ? "retained" : "current",
      ...(primary.note ? { note: primary.note } : {}),
    };
  }
  return deployed;
}
