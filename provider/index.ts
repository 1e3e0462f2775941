// Public API of pulumi-netscaler-certsync.
export { NetScalerCertificateSync } from "./resource";
export type { NetScalerCertificateSyncArgs, ConnectionArgs, CertificateArgs } from "./resource";
export type { DeployedCertificate } from "./outputs";
export type { SyncOutputs } from "./outputs-state";
