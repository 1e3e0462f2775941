// Certificates taken from another resource's outputs: here a small local CA (local-pki.ts)
// issues one certificate per site, and the sync deploys them as SNI certificates. Swap the
// local CA for any resource that outputs a certificate and its key; the sync's part stays the same.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NetScalerCertificateSync, CertificateArgs } from "pulumi-netscaler-certsync";
import { LocalCertificateAuthority, LocalIssuedCertificate } from "./local-pki";

const config = new pulumi.Config();
/** Certificate id → host name. */
const sites = config.getObject<Record<string, string>>("sites") ?? { www: "www.example.test", api: "api.example.test" };
const applianceCaFile = config.get("applianceCaFile");

const ca = new LocalCertificateAuthority("internal-ca", { commonName: "Example Internal CA" });

const certificates: Record<string, CertificateArgs> = {};
for (const [id, hostName] of Object.entries(sites)) {
  const issued = new LocalIssuedCertificate(`cert-${id}`, { issuer: ca, commonName: hostName });
  // Outputs go in as they are: Pulumi waits for them, and preview shows them as "computed".
  certificates[id] = { certificate: issued.certificatePem, privateKey: issued.privateKeyPem };
}

const sync = new NetScalerCertificateSync("from-outputs", {
  ...(applianceCaFile ? { connection: { caCertificate: readFileSync(resolve(applianceCaFile), "utf8") } } : {}),
  vserverName: config.get("vserverName") ?? "vs_https",
  sniCertificates: true,
  certificates,
});

export const caCertificate = ca.certificatePem;
export const deployed = sync.deployed;
