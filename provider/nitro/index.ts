// The NITRO client: one session per sync, bounded concurrency, bulk writes, safe retries.
export type { BindingSpec, CertkeyAdd, CertkeyLink, CertkeyUpdate, FileUpload, ItemResult, NitroBinding, NitroCertkey, NitroClientDeps, NitroConnectionOptions, NitroLogger, NitroSession, NitroVserver } from "./types";
export { isAlreadyExistsAnswer, isNotFoundAnswer, NitroError, type NitroErrorInit } from "./errors";
export { REDACTED, type RedactedRequest } from "./redact";
export { openNitroSession, withNitroSession, NitroSessionImpl, DEFAULT_MAX_BULK_BYTES, DEFAULT_MAX_BULK_ITEMS, DEFAULT_SESSION_TIMEOUT_SECONDS } from "./session";
export { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from "./pool";
export { DEFAULT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS } from "./transport";
