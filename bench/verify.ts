// After every step, both sides must hold exactly the wanted certificates, bound: otherwise the
// timing would compare unequal work. Compared by certificate fingerprint.
import { X509Certificate } from "node:crypto";
import type { Emulator } from "../emulator";
import type { BenchCertificate } from "./certificates";

const fingerprints = new Map<string, string>();

function fingerprintOf(pem: string): string {
  let fingerprint = fingerprints.get(pem);
  if (fingerprint === undefined) {
    fingerprint = new X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase();
    fingerprints.set(pem, fingerprint);
  }
  return fingerprint;
}

/** Throws, naming the side and what differs, unless the appliance serves exactly `wanted` on `vserver`. */
export function verifyDeployed(side: string, emulator: Emulator, wanted: readonly BenchCertificate[], vserver: string): void {
  const running = emulator.state().running.default;
  const leaves = Object.values(running.certkeys).filter((c) => c.key !== undefined);
  const have = new Set(leaves.map((c) => c.fingerprint));
  const want = new Set(wanted.map((c) => fingerprintOf(c.certificatePem)));
  const missing = [...want].filter((f) => !have.has(f)).length;
  const extra = [...have].filter((f) => !want.has(f)).length;
  const bound = new Set(running.bindings.filter((b) => b.vservername === vserver && !b.ca).map((b) => b.certkeyname));
  const unbound = leaves.filter((c) => want.has(c.fingerprint) && !bound.has(c.certkey)).length;
  if (missing + extra + unbound > 0) {
    throw new Error(`${side}: the appliance does not hold what was asked (${missing} missing, ${extra} extra, ${unbound} not bound to ${vserver}); the benchmark would compare unequal work`);
  }
}
