// Behaviours that NITRO.md marks [unverified], or that it leaves open and the emulator had to
// choose. They are inferred from third-party reports, not from an appliance: they live together
// here so that correcting one against a real appliance is a one-line change.
import { NitroError } from "./errors";

/** [unverified] SSL-specific failures answer HTTP 599 (the codes themselves are firm). */
export const SSL_ERROR_STATUS = 599;

/** [unverified] 461 No such Vserver answers 404. */
export const NO_SUCH_VSERVER_STATUS = 404;

/** [unverified] The session limit (445) answers 409 (some firmware answers 599). */
export const SESSION_LIMIT_STATUS = 409;

/** [unverified] `POST /systemfile?override=yes` overwrites an existing file in place. */
export const SYSTEMFILE_OVERRIDE_SUPPORTED = true;

/**
 * [unverified] A second default (non-SNI) certificate replaces the first. The warning 1546
 * is reported (severity WARNING) only when the request asks for warnings with `?warning=yes`;
 * otherwise the answer is a plain success.
 */
export const replacedDefaultCertificateWarning = { errorcode: 1546, message: "Warning: Current certificate replaces the previous binding" };

/** [unverified] Binding the same certificate the same way twice answers 409 / 273. */
export const duplicateBinding = (vserver: string, certkey: string): NitroError =>
  new NitroError(409, 273, `Resource already exists [${vserver}, ${certkey}]`);

/** [unverified] A HA secondary refuses every configuration write with 1028 (HTTP 599). */
export const haSecondaryRefusal = (): NitroError =>
  new NitroError(599, 1028, "Connected to the secondary node; configuration changes will not be propagated. Send writes to the primary [HA secondary]");

/** Not in NITRO.md: a certificate file that does not parse as X.509 answers 599 / 1539. */
export const invalidCertificate = (file: string): NitroError => new NitroError(SSL_ERROR_STATUS, 1539, `Invalid certificate [${file}]`);

/** Not in NITRO.md: linking to a CA that did not issue the certificate answers 599 / 1544. */
export const notIssuedBy = (certkey: string, ca: string): NitroError =>
  new NitroError(SSL_ERROR_STATUS, 1544, `Certificate was not issued by the CA certificate it is linked to [${certkey}, ${ca}]`);

/** Not in NITRO.md: a certkey already linked to another CA must be unlinked first (599 / 1547). */
export const alreadyLinked = (certkey: string, ca: string): NitroError =>
  new NitroError(SSL_ERROR_STATUS, 1547, `Certificate is already linked to a CA certificate; unlink it first [${certkey}, ${ca}]`);

/** Not in NITRO.md: `nspartition?action=Switch` needs a login session, not per-request header credentials. */
export const partitionSwitchNeedsSession = (): NitroError =>
  new NitroError(400, 1097, "Invalid argument value [partitionname] (switching partitions needs a login session, not X-NITRO-USER/X-NITRO-PASS)");

/**
 * [unverified] Bulk delete and unbind, from NetScaler's own Python SDK (not in NITRO.md):
 * `POST /<type>?action=rm` with an array (or one object) deletes many objects, and
 * `POST /sslvserver_sslcertkey_binding?action=unbind` removes many bindings.
 */
export const BULK_RM_ACTION = "rm";
export const BULK_UNBIND_ACTION = "unbind";

/** [unverified] Without X-NITRO-ONERROR a bulk request stops at its first failure ("exit"). */
export const DEFAULT_ON_ERROR = "exit";

/** [unverified] A request without any credentials is treated like an unknown session: 401 / 444. */
export const NO_CREDENTIALS_ERRORCODE = 444;
