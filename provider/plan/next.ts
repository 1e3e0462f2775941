// The recorded state after the plan: JSON-clean (optional fields omitted, never undefined),
// ids sorted, each id's current certkey first.
import type { RecordedBinding, RecordedCaCertkey, RecordedCertificate, RecordedCertkey, RecordedState } from "../model";
import type { LeafTarget } from "./types";

const ROLE_ORDER: Record<RecordedCertkey["role"], number> = { current: 0, superseded: 1, retained: 2 };

export function cleanCertkey(c: RecordedCertkey, bindings: RecordedBinding[]): RecordedCertkey {
  return {
    certkeyName: c.certkeyName,
    certFile: c.certFile,
    keyFile: c.keyFile,
    serial: c.serial,
    fingerprint: c.fingerprint,
    subject: c.subject,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    ...(c.caCertkeyName !== undefined ? { caCertkeyName: c.caCertkeyName } : {}),
    bindings: bindings.map((b) => ({ vserver: b.vserver, sni: b.sni })),
    role: c.role,
    ...(c.note !== undefined ? { note: c.note } : {}),
  };
}

export function buildNext(
  targets: LeafTarget[],
  bindings: Map<string, RecordedBinding[]>,
  caCertkeys: Record<string, RecordedCaCertkey>,
): RecordedState {
  const byId = new Map<string, RecordedCertkey[]>();
  for (const t of targets) {
    const list = byId.get(t.id) ?? [];
    list.push(cleanCertkey(t.record, bindings.get(t.record.certkeyName) ?? []));
    byId.set(t.id, list);
  }
  const certificates: Record<string, RecordedCertificate> = {};
  for (const id of [...byId.keys()].sort()) {
    const certkeys = (byId.get(id) ?? []).map((c, i) => ({ c, i }));
    certkeys.sort((a, b) => ROLE_ORDER[a.c.role] - ROLE_ORDER[b.c.role] || a.i - b.i);
    certificates[id] = { id, certkeys: certkeys.map(({ c }) => c) };
  }
  const cas: Record<string, RecordedCaCertkey> = {};
  for (const [name, ca] of Object.entries(caCertkeys)) {
    cas[name] = {
      certkeyName: ca.certkeyName,
      certFile: ca.certFile,
      fingerprint: ca.fingerprint,
      subject: ca.subject,
      notAfter: ca.notAfter,
      ...(ca.caCertkeyName !== undefined ? { caCertkeyName: ca.caCertkeyName } : {}),
      createdBySync: ca.createdBySync,
    };
  }
  return { schemaVersion: 1, certificates, caCertkeys: cas };
}
