// Gather: what the appliance really has, in a fixed handful of requests whatever the number
// of certificates (all certkeys in one GET, the ssl folder listing in one GET, and two GETs
// per vserver), all sent concurrently through the session's pool.
import type { NitroSession } from "./nitro";
import { caCertkeyName, caCertificateFileName, fileNameOf, certificateFileName, keyFileName, renewedCertkeyName } from "./naming";
import { recordedNames, type DesiredState, type ObservedState, type ObservedVserver, type RecordedState } from "./model";

/** The names a sync may touch: recorded objects and everything the desired state could create. */
export interface ObservationScope {
  vservers: string[];
  certkeyNames: string[];
  fileNames: string[];
}

export function observationScope(desired: DesiredState | undefined, recorded: RecordedState): ObservationScope {
  const { certkeyNames, fileNames, vservers } = recordedNames(recorded);
  for (const vserver of desired?.options.vservers ?? []) vservers.add(vserver);
  for (const certificate of Object.values(desired?.certificates ?? {})) {
    const fingerprint = certificate.leaf.fingerprint;
    for (const name of [certificate.certkeyName, renewedCertkeyName(certificate.certkeyName, fingerprint)]) {
      certkeyNames.add(name);
      fileNames.add(certificateFileName(name, fingerprint)).add(keyFileName(name, fingerprint));
    }
    for (const ca of certificate.chain) {
      certkeyNames.add(caCertkeyName(ca.fingerprint));
      fileNames.add(caCertificateFileName(ca.fingerprint));
    }
  }
  return { vservers: [...vservers].sort(), certkeyNames: [...certkeyNames].sort(), fileNames: [...fileNames].sort() };
}

export async function observeAppliance(session: NitroSession, scope: ObservationScope): Promise<ObservedState> {
  const [certkeys, files, vservers] = await Promise.all([
    session.getCertkeys(),
    session.listFiles(),
    Promise.all(scope.vservers.map((name) => observeVserver(session, name))),
  ]);
  const observed: ObservedState = { vservers: {}, certkeys: {}, files: {} };
  for (const name of scope.certkeyNames) observed.certkeys[name] = null;
  for (const certkey of certkeys) {
    observed.certkeys[certkey.certkey] = {
      certkeyName: certkey.certkey,
      certFile: fileNameOf(certkey.cert),
      ...(certkey.key ? { keyFile: fileNameOf(certkey.key) } : {}),
      serial: certkey.serial ?? "",
      ...(certkey.linkcertkeyname ? { linkedCaCertkeyName: certkey.linkcertkeyname } : {}),
    };
  }
  const present = new Set(files);
  for (const name of scope.fileNames) observed.files[name] = present.has(name);
  for (const vserver of vservers) observed.vservers[vserver.name] = vserver;
  return observed;
}

async function observeVserver(session: NitroSession, name: string): Promise<ObservedVserver> {
  const vserver = await session.getVserver(name);
  if (!vserver) return { name, exists: false, sniEnabled: false, bindings: [] };
  const bindings = await session.getVserverBindings(name);
  return {
    name,
    exists: true,
    sniEnabled: vserver.snienable,
    bindings: bindings.map((b) => ({ certkeyName: b.certkeyname, sni: b.snicert, ca: b.ca })),
  };
}
