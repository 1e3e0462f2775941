// Leftovers of an interrupted run: a sync that failed part-way (network drop, appliance
// error) records nothing, yet some of its objects may already be on the appliance. Those
// objects carry content-derived names (file names hold the certificate fingerprint), so an
// object with exactly the name and certificate file this sync would create is its own.
// We hide such objects from the plan: it then plans them as new, and apply adopts them when
// the appliance answers "already exists" (see apply.ts), instead of the plan refusing them as
// someone else's.
import { caCertificateFileName, certificateFileName, keyFileName, renewedCertkeyName } from "./naming";
import { recordedNames, type DesiredState, type ObservedState, type RecordedState } from "./model";

export function hideOwnLeftovers(desired: DesiredState, recorded: RecordedState, observed: ObservedState): ObservedState {
  // With adoptExisting the plan uses existing objects itself; hidden, it would re-upload a file
  // that exists, and apply refuses it whenever the bytes differ (e.g. another PEM line ending).
  if (desired.options.adoptExisting) return observed;
  const { certkeyNames: recordedCertkeys, fileNames: recordedFiles } = recordedNames(recorded);

  const hiddenCertkeys = new Set<string>();
  const certkeys = { ...observed.certkeys };
  const files = { ...observed.files };
  const hideFile = (name: string): void => {
    if (!recordedFiles.has(name) && files[name]) files[name] = false;
  };

  for (const certificate of Object.values(desired.certificates)) {
    const fingerprint = certificate.leaf.fingerprint;
    for (const name of [certificate.certkeyName, renewedCertkeyName(certificate.certkeyName, fingerprint)]) {
      const certFile = certificateFileName(name, fingerprint);
      hideFile(certFile);
      hideFile(keyFileName(name, fingerprint));
      const seen = certkeys[name];
      if (seen && !recordedCertkeys.has(name) && seen.certFile === certFile) {
        certkeys[name] = null;
        hiddenCertkeys.add(name);
      }
    }
    for (const ca of certificate.chain) hideFile(caCertificateFileName(ca.fingerprint));
  }

  if (hiddenCertkeys.size === 0) return { ...observed, files };
  const vservers: ObservedState["vservers"] = {};
  for (const [name, vserver] of Object.entries(observed.vservers)) {
    vservers[name] = { ...vserver, bindings: vserver.bindings.filter((b) => !hiddenCertkeys.has(b.certkeyName)) };
  }
  return { vservers, certkeys, files };
}
