// The demo program: two sites' certificates (with their intermediate) bound as SNI
// certificates to one SSL vserver. The runner (demo/run.ts) writes the PEM files and sets the
// config; the connection comes from netscaler:url, netscaler:username, netscaler:password.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { NetScalerCertificateSync } from "../provider";

const config = new pulumi.Config();
const certificateDir = config.require("certificateDir");
const pem = (name: string): string => readFileSync(join(certificateDir, name), "utf8");

const site = (name: string) => ({
  certificate: pem(`${name}.crt`),
  privateKey: pulumi.secret(pem(`${name}.key`)),
  chain: pem("chain.pem"),
});

const sync = new NetScalerCertificateSync("demo", {
  connection: { caCertificate: pem("appliance-ca.pem") },
  description: "certsync demo",
  vserverName: "vs_demo",
  sniCertificates: true,
  certificates: { www: site("www"), api: site("api") },
});

export const deployed = sync.deployed;
export const notes = sync.notes;
