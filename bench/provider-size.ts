// The serialized provider (`__provider`) a NetScalerCertificateSync with n certificates
// stores in the state, captured the way the Pulumi SDK registers it (test/harness capture).
import { capture } from "../test/harness";
import { NetScalerCertificateSync } from "../provider/resource";
import type { BenchCertificate } from "./certificates";

export async function serializedProvider(certificates: readonly BenchCertificate[]): Promise<string> {
  const result = await capture(
    () => {
      const entries: Record<string, { certificate: string; privateKey: string; chain: string }> = {};
      for (const c of certificates) entries[c.id] = { certificate: c.certificatePem, privateKey: c.privateKeyPem, chain: c.chainPem };
      new NetScalerCertificateSync("bench", {
        connection: { url: "https://127.0.0.1:1", username: "nsroot", password: "nsroot" },
        vserverName: "vs_bench",
        certificates: entries,
      });
    },
    { project: "certsync-bench", stack: "bench" },
  );
  const provider = result.resources[0]?.provider;
  if (provider === undefined) throw new Error("capturing the benchmark program registered no dynamic resource");
  return provider;
}
