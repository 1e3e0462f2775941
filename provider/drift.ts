// Drift: how the appliance differs from what this sync recorded. Pure; used by refresh
// (read) to report it and by diff to schedule the update that repairs it.
import type { ObservedState, RecordedState } from "./model";
import { normalizeSerial } from "./serial";

export function detectDrift(recorded: RecordedState, observed: ObservedState): string[] {
  const drift: string[] = [];
  for (const certificate of Object.values(recorded.certificates)) {
    for (const certkey of certificate.certkeys) {
      const seen = observed.certkeys[certkey.certkeyName];
      if (seen === null) {
        drift.push(`certkey ${certkey.certkeyName} (${certificate.id}) is missing on the appliance`);
        continue;
      }
      if (seen === undefined) continue; // not looked up
      if (normalizeSerial(seen.serial) !== normalizeSerial(certkey.serial)) {
        drift.push(`certkey ${certkey.certkeyName} (${certificate.id}) holds serial ${seen.serial}, recorded ${certkey.serial}`);
      }
      if (certkey.caCertkeyName && seen.linkedCaCertkeyName !== certkey.caCertkeyName) {
        drift.push(`certkey ${certkey.certkeyName} is not linked to ${certkey.caCertkeyName}`);
      }
      for (const file of [certkey.certFile, certkey.keyFile]) {
        if (observed.files[file] === false) drift.push(`file /nsconfig/ssl/${file} of certkey ${certkey.certkeyName} is missing`);
      }
      for (const binding of certkey.bindings) {
        const vserver = observed.vservers[binding.vserver];
        if (!vserver) continue;
        const bound = vserver.bindings.some((b) => b.certkeyName === certkey.certkeyName && b.sni === binding.sni);
        if (!bound) {
          drift.push(`certkey ${certkey.certkeyName} is not bound to vserver ${binding.vserver}${binding.sni ? " as SNI" : ""}`);
        }
      }
    }
  }
  for (const ca of Object.values(recorded.caCertkeys)) {
    if (observed.certkeys[ca.certkeyName] === null) drift.push(`CA certkey ${ca.certkeyName} is missing on the appliance`);
  }
  return drift;
}
