// The one error type of the client: what was attempted, on which object, what the
// appliance answered, and what the user can do about it. Never carries secrets.
import type { RedactedRequest } from "./redact";

export interface NitroErrorInit {
  operation: string;
  objectName?: string;
  status?: number;
  errorcode?: number;
  nitroMessage?: string;
  hint?: string;
  request?: RedactedRequest;
  outcomeUnknown?: boolean;
  /** Network or TLS error code (ECONNREFUSED, CERT_HAS_EXPIRED, ...). */
  networkCode?: string;
  /** Overrides the generated message (still must hold no secret). */
  message?: string;
}

export class NitroError extends Error {
  status?: number;
  errorcode?: number;
  nitroMessage?: string;
  operation: string;
  objectName?: string;
  hint?: string;
  request?: RedactedRequest;
  /** A write was sent and the connection failed before its answer: check before retrying. */
  outcomeUnknown?: boolean;
  networkCode?: string;

  constructor(init: NitroErrorInit) {
    super(init.message ?? describe(init));
    this.name = "NitroError";
    this.operation = init.operation;
    if (init.objectName !== undefined) this.objectName = init.objectName;
    if (init.status !== undefined) this.status = init.status;
    if (init.errorcode !== undefined) this.errorcode = init.errorcode;
    if (init.nitroMessage !== undefined) this.nitroMessage = init.nitroMessage;
    const hint = init.hint ?? hintFor(init);
    if (hint !== undefined) this.hint = hint;
    if (init.request !== undefined) this.request = init.request;
    if (init.outcomeUnknown) this.outcomeUnknown = true;
    if (init.networkCode !== undefined) this.networkCode = init.networkCode;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      operation: this.operation,
      objectName: this.objectName,
      status: this.status,
      errorcode: this.errorcode,
      nitroMessage: this.nitroMessage,
      hint: this.hint,
      outcomeUnknown: this.outcomeUnknown,
      networkCode: this.networkCode,
      request: this.request,
    };
  }
}

function describe(init: NitroErrorInit): string {
  const target = init.objectName !== undefined ? ` "${init.objectName}"` : "";
  const parts: string[] = [];
  if (init.status !== undefined) parts.push(`HTTP ${init.status}`);
  if (init.errorcode !== undefined) parts.push(`errorcode ${init.errorcode}`);
  if (init.networkCode !== undefined) parts.push(init.networkCode);
  const detail = parts.length ? ` (${parts.join(", ")})` : "";
  const said = init.nitroMessage ? `: ${init.nitroMessage}` : "";
  const hint = init.hint ?? hintFor(init);
  const unknown = init.outcomeUnknown ? " The request was sent but its outcome is unknown; check the appliance before retrying." : "";
  return `NITRO ${init.operation}${target} failed${detail}${said}.${unknown}${hint ? ` ${hint}` : ""}`;
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_UNTRUSTED",
]);

export function isTlsVerificationCode(code: string | undefined): boolean {
  return code !== undefined && TLS_CODES.has(code);
}

/** NITRO answers that mean the object is not there (258 no such resource, 1540 no such certificate, 461 no such vserver). */
const NOT_FOUND_CODES = new Set([258, 1540, 461]);
/** NITRO answers that mean the object is there already (273 resource exists, 1642 file exists). */
const EXISTS_CODES = new Set([273, 1642]);

export function isNotFoundAnswer(answer: { status?: number; errorcode?: number }): boolean {
  return answer.status === 404 || NOT_FOUND_CODES.has(answer.errorcode ?? -1);
}

export function isAlreadyExistsAnswer(answer: { status?: number; errorcode?: number }): boolean {
  return answer.status === 409 || EXISTS_CODES.has(answer.errorcode ?? -1);
}

/** What to do, for the errors where we know. */
export function hintFor(init: Pick<NitroErrorInit, "errorcode" | "networkCode" | "operation" | "status" | "nitroMessage">): string | undefined {
  // Appliances name the refused CLI command in brackets: "Not authorized ... [add ssl certKey]".
  const command = /\[([^\]]+)\]\s*$/.exec(init.nitroMessage ?? "")?.[1] ?? init.operation;
  if (init.operation.startsWith("switch nspartition") && (init.errorcode === 258 || init.status === 404)) {
    return "The admin partition does not exist on this appliance: check connection.partition (show ns partition lists them), or create it first.";
  }
  switch (init.errorcode) {
    case 354:
      return "Check the username and password of the NetScaler connection.";
    case 2138:
      return `The user lacks permission for "${command}": grant it in the user's command policy (or use a user bound to a policy that allows it).`;
    case 1028:
    case 368:
      return "This appliance is the secondary of an HA pair: connect to the primary, or to the floating management address (SNIP with management access).";
    case 445:
      return "Too many sessions for this user: log out stale sessions (show system session / kill system session) or raise maxsession on the system user.";
    case 444:
    case 451:
    case 1027:
      return "The session expired or was killed and logging in again did not help: check the session timeout and whether something kills sessions.";
    case 1538:
      return "The private key does not match the certificate: supply the key that belongs to this certificate.";
    case 1537:
      return "The private key is invalid or encrypted: check the key, and give its passphrase if it is encrypted.";
    case 1647:
      return "A file named by the certkey is missing under /nsconfig/ssl/ in the current partition: upload it first.";
    case 1541:
      return "The certificate is still bound to a vserver or linked from another certificate: unbind or unlink it first.";
    case 3627:
      return "SNI is not enabled on the vserver: enable it (set ssl vserver <name> -SNIEnable ENABLED) or bind without SNI.";
    case 3585:
      return "The new certificate is for another domain: update with nodomaincheck.";
    case 293:
      return "Another configuration save is running: try again in a moment.";
  }
  if (isTlsVerificationCode(init.networkCode)) {
    return "The appliance's TLS certificate could not be verified: pass the CA that issued it as caCertificate (PEM), check that the URL's host name matches the certificate and that it has not expired; use insecureSkipTlsVerify only in a lab.";
  }
  switch (init.networkCode) {
    case "ECONNREFUSED":
      return "Nothing accepts connections at that address: check the URL, the port and that the management interface (NSIP or SNIP with management access) is up.";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "The host name does not resolve: check the URL and DNS.";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ECONNECT_TIMEOUT":
    case "ETIMEDOUT":
      return "The appliance is unreachable: check the URL, routing and firewalls, or set proxyUrl / HTTPS_PROXY if it is only reachable through a relay.";
    case "ECONNABORTED":
      return "The appliance did not answer in time: raise timeoutMs or check its load.";
    case "ECONNRESET":
      return "The connection was reset: check for a proxy or firewall between here and the appliance.";
    case "EPROXY":
      return "The proxy refused the tunnel: check proxyUrl / HTTPS_PROXY, its credentials, and NO_PROXY.";
  }
  return undefined;
}
