// Every wire behaviour the client relies on that NITRO.md does not confirm, in one place.
// These come from NetScaler's own Python SDK or third-party reports and are [unverified]
// against real firmware; if an appliance disagrees, the client falls back to one request
// per item (see bulk.ts), so a wrong guess here costs requests, not correctness.
import { CONFIG } from "./paths";

/** [unverified] Bulk delete of certkeys: POST ?action=rm with {sslcertkey:[{certkey}]}. */
export const BULK_DELETE_CERTKEYS = { method: "POST" as const, path: `${CONFIG}/sslcertkey?action=rm`, type: "sslcertkey" };

/** [unverified] Bulk delete of files: POST ?action=rm with {systemfile:[{filename, filelocation}]}. */
export const BULK_DELETE_FILES = { method: "POST" as const, path: `${CONFIG}/systemfile?action=rm`, type: "systemfile" };

/** [unverified] Bulk unbind: POST ?action=unbind with an array of {vservername, certkeyname, snicert}. */
export const BULK_UNBIND = { method: "POST" as const, path: `${CONFIG}/sslvserver_sslcertkey_binding?action=unbind`, type: "sslvserver_sslcertkey_binding" };

/** [unverified] Arrays are accepted by ?action=link|unlink|update on sslcertkey. */
export const BULK_CERTKEY_ACTIONS_TAKE_ARRAYS = true;

/** [unverified status] A binding call naming a missing vserver answers 461 (404 assumed). */
export const NO_SUCH_VSERVER = 461;

/** [unverified] The SSL errorcodes arrive with HTTP 599; we trust the errorcode, never the status. */
export const SSL_ERRORS_USE_599 = true;
