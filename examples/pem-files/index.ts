// Certificates read from PEM files, uploaded to the appliance and bound to one SSL vserver.
// The connection comes from stack config: netscaler:url, netscaler:username and the secret
// netscaler:password (see README.md).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NetScalerCertificateSync, CertificateArgs } from "pulumi-netscaler-certsync";

/** One entry of the `certificates` config object: file paths, relative to this directory. */
interface PemFiles {
  certificate: string;
  privateKey: string;
  /** Intermediates, PEM, any order. */
  chain?: string;
}

const config = new pulumi.Config();
const readPem = (file: string): string => readFileSync(resolve(file), "utf8");

const certificates: Record<string, CertificateArgs> = {};
for (const [id, files] of Object.entries(config.requireObject<Record<string, PemFiles>>("certificates"))) {
  certificates[id] = {
    certificate: readPem(files.certificate),
    // Secret from the start, so it is encrypted in the state and never printed.
    privateKey: pulumi.secret(readPem(files.privateKey)),
    ...(files.chain ? { chain: readPem(files.chain) } : {}),
  };
}

// The CA that issued the appliance's management certificate (skip it if that one is publicly trusted).
const applianceCaFile = config.get("applianceCaFile");

const sync = new NetScalerCertificateSync("pem-files", {
  ...(applianceCaFile ? { connection: { caCertificate: readPem(applianceCaFile) } } : {}),
  vserverName: config.get("vserverName"),
  certificates,
});

/** Per certificate id: the certkey, its files, serial, expiry and bindings. */
export const deployed = sync.deployed;
