// One certificate whose files are replaced on renewal (by certbot, an ACME client, a CA's
// portal export, ...). `pulumi preview` shows the renewed certificate as one changed entry;
// `pulumi up` updates the certkey in place, so its name and vserver bindings stay and no
// client is ever served without a certificate.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NetScalerCertificateSync } from "pulumi-netscaler-certsync";

const config = new pulumi.Config();
const readPem = (file: string): string => readFileSync(resolve(file), "utf8");
const chainFile = config.get("chainFile");
const applianceCaFile = config.get("applianceCaFile");

const sync = new NetScalerCertificateSync("renewal", {
  ...(applianceCaFile ? { connection: { caCertificate: readPem(applianceCaFile) } } : {}),
  vserverName: config.get("vserverName") ?? "vs_https",
  // true (default): a renewal updates the certkey in place. false: the renewed certificate
  // gets a certkey of its own, bound in place of the old one, which stays as "superseded".
  preserveOnRenewal: config.getBoolean("preserveOnRenewal") ?? true,
  // false: a renewed certificate is not pushed until syncTrigger changes (e.g. in a change
  // window); the appliance keeps serving the previous one meanwhile.
  autoSync: config.getBoolean("autoSync") ?? true,
  syncTrigger: config.get("syncTrigger"),
  certificates: {
    www: {
      certificate: readPem(config.require("certificateFile")),
      privateKey: pulumi.secret(readPem(config.require("privateKeyFile"))),
      ...(chainFile ? { chain: readPem(chainFile) } : {}),
    },
  },
});

export const certkey = sync.deployed.apply((d) => d.www?.certkeyName);
export const serial = sync.deployed.apply((d) => d.www?.serial);
export const notAfter = sync.deployed.apply((d) => d.www?.notAfter);
export const notes = sync.notes;
