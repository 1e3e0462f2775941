// Several sites on one SSL vserver: each site's certificate is bound as an SNI certificate, so
// the appliance picks it by the host name the client asks for, and one more certificate is the
// vserver's default for clients that send no SNI. Two syncs share the vserver; each deletes
// only what it created.
import { readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NetScalerCertificateSync, CertificateArgs } from "pulumi-netscaler-certsync";

const config = new pulumi.Config();
/** Holds <site>.crt and <site>.key per site, and chain.pem with the intermediates they share. */
const certificateDir = resolve(config.require("certificateDir"));
const sites = config.requireObject<string[]>("sites");
const defaultSite = config.require("defaultSite");
const vserverName = config.get("vserverName") ?? "vs_https";
const applianceCaFile = config.get("applianceCaFile");

const chainFile = join(certificateDir, "chain.pem");
const chain = existsSync(chainFile) ? readFileSync(chainFile, "utf8") : undefined;

function siteCertificate(site: string): CertificateArgs {
  return {
    certificate: readFileSync(join(certificateDir, `${site}.crt`), "utf8"),
    privateKey: pulumi.secret(readFileSync(join(certificateDir, `${site}.key`), "utf8")),
    ...(chain ? { chain } : {}),
  };
}

const connection = applianceCaFile ? { caCertificate: readFileSync(resolve(applianceCaFile), "utf8") } : undefined;

// The certificate served when the client sends no server name.
const fallback = new NetScalerCertificateSync("sni-default", {
  connection,
  vserverName,
  sniCertificates: false,
  certificateNameSchema: "default-{{certificateId}}",
  certificates: { [defaultSite]: siteCertificate(defaultSite) },
});

const sni = new NetScalerCertificateSync("sni-sites", {
  connection,
  vserverName,
  sniCertificates: true,
  certificateNameSchema: "sni-{{certificateId}}",
  certificates: Object.fromEntries(sites.map((site) => [site, siteCertificate(site)])),
});

export const defaultCertkey = fallback.deployed.apply((d) => d[defaultSite]?.certkeyName);
export const sniCertkeys = sni.deployed.apply((d) => Object.fromEntries(Object.entries(d).map(([id, c]) => [id, c.certkeyName])));
