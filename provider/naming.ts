// Names of everything the sync creates on the appliance: certkeys from the user's schema,
// files and CA certkeys from content fingerprints. Pure functions, no I/O.

export const CERTIFICATE_ID_PLACEHOLDER = "{{certificateId}}";
export const DEFAULT_NAME_SCHEMA = `certsync-${CERTIFICATE_ID_PLACEHOLDER}`;

/** Integrations enforce 63 characters for certkey names; the reference states none. */
export const MAX_CERTKEY_NAME_LENGTH = 63;
/** systemfile `filename` limit (NITRO.md). */
export const MAX_FILE_NAME_LENGTH = 63;

/** Hex characters of the fingerprint appended to a certkey added beside an older one. */
const RENEWED_SUFFIX_HEX = 8;
/** "-" plus the hex suffix: room a base name must leave when renewals add new certkeys. */
export const RENEWED_SUFFIX_LENGTH = 1 + RENEWED_SUFFIX_HEX;
const FILE_FINGERPRINT_HEX = 12;
const CA_FINGERPRINT_HEX = 16;

/**
 * NetScaler accepts a first character of letter, digit or `_`, then letters, digits and
 * `_ # . space : @ = -`. We also refuse space and `:`: both break `args=name:value`
 * queries on firmware that does not decode them, and spaces make CLI work error-prone.
 */
const CERTKEY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_#.@=-]*$/;
const NETSCALER_ALLOWED_BUT_REFUSED = /[ :]/;

export function expandNameSchema(schema: string, certificateId: string): string {
  return schema.split(CERTIFICATE_ID_PLACEHOLDER).join(certificateId);
}

/** Problems with the schema itself (independent of any id). */
export function nameSchemaProblems(schema: string): string[] {
  const problems: string[] = [];
  if (!schema.includes(CERTIFICATE_ID_PLACEHOLDER)) {
    problems.push(
      `the certificate name schema "${schema}" does not contain ${CERTIFICATE_ID_PLACEHOLDER}; ` +
        `every certificate needs its own certkey name, e.g. "${DEFAULT_NAME_SCHEMA}"`,
    );
  }
  return problems;
}

/**
 * Why `name` cannot be a certkey name, or undefined when it can.
 * `reserve` is room kept for a suffix the sync may add later (renewals beside the original).
 */
export function certkeyNameProblem(name: string, reserve = 0): string | undefined {
  const limit = MAX_CERTKEY_NAME_LENGTH - reserve;
  if (name.length === 0) return "the certkey name is empty";
  if (name.length > limit) {
    const why = reserve > 0 ? ` (${MAX_CERTKEY_NAME_LENGTH} minus ${reserve} kept for the suffix of renewed certkeys)` : "";
    return `the certkey name "${name}" is ${name.length} characters long; at most ${limit} are allowed${why}`;
  }
  if (!CERTKEY_NAME.test(name)) {
    const bad = [...new Set([...name].filter((c, i) => !(i === 0 ? /[A-Za-z0-9_]/ : /[A-Za-z0-9_#.@=-]/).test(c)))];
    const why = bad.some((c) => NETSCALER_ALLOWED_BUT_REFUSED.test(c))
      ? "; spaces and ':' are refused because they break NITRO queries"
      : "";
    return (
      `the certkey name "${name}" contains ${bad.map((c) => JSON.stringify(c)).join(", ")}: ` +
      `it must start with a letter, digit or "_" and contain only letters, digits and _ # . @ = -${why}`
    );
  }
  return undefined;
}

/** A certkey added beside an older one on renewal (preserve off): unique per certificate content. */
export function renewedCertkeyName(baseName: string, fingerprint: string): string {
  return `${baseName}-${fingerprint.slice(0, RENEWED_SUFFIX_HEX)}`;
}

/**
 * File names derive from the certkey name and the certificate's fingerprint, so a renewal
 * uploads new files instead of overwriting files in use (NetScaler's advice for HA pairs).
 */
function fileStem(certkeyName: string, fingerprint: string): string {
  const room = MAX_FILE_NAME_LENGTH - 1 - FILE_FINGERPRINT_HEX - ".cer".length;
  const safe = certkeyName.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, room);
  return `${safe}-${fingerprint.slice(0, FILE_FINGERPRINT_HEX)}`;
}

/** A certkey's `cert`/`key` as NITRO reports it (relative to /nsconfig/ssl/ or absolute) → the file name. */
export function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function certificateFileName(certkeyName: string, fingerprint: string): string {
  return `${fileStem(certkeyName, fingerprint)}.cer`;
}

export function keyFileName(certkeyName: string, fingerprint: string): string {
  return `${fileStem(certkeyName, fingerprint)}.key`;
}

/**
 * CA certkeys are named from their fingerprint alone, so every certificate (and every sync)
 * that an intermediate issued shares one certkey: NetScaler refuses the same certificate
 * content under two names anyway (273).
 */
export function caCertkeyName(fingerprint: string): string {
  return `certsync-ca-${fingerprint.slice(0, CA_FINGERPRINT_HEX)}`;
}

export function caCertificateFileName(fingerprint: string): string {
  return `${caCertkeyName(fingerprint)}.cer`;
}
