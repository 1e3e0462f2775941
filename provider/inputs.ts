// The resource's inputs: zod schemas (the public contract), their TypeScript types, readable
// rendering of schema errors, and the resolution of connection settings from inputs, stack
// config and environment. Pure: no I/O, no clock.
import { z } from "zod";
import type { PlanProblem } from "./model";
import { readCertificates } from "./certificates/read";
import { DEFAULT_NAME_SCHEMA } from "./naming";

/** What the Pulumi engine sends, during preview, for a value not known until apply. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const DEFAULT_TIMEOUT_SECONDS = 60;
const MAX_TIMEOUT_SECONDS = 3600;

export const connectionInputSchema = z.strictObject({
  /** https://<appliance or NSIP/SNIP>; falls back to config netscaler:url, then env NS_URL. */
  url: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** PEM of the CA that issued the appliance's management certificate. */
  caCertificate: z.string().optional(),
  insecureSkipTlsVerify: z.boolean().optional(),
  /** Admin partition to switch the session to. */
  partition: z.string().optional(),
  /** Permit plain http:// URLs (the local emulator); off by default. */
  allowHttp: z.boolean().optional(),
  proxyUrl: z.string().optional(),
  timeoutSeconds: z
    .number()
    .positive({ error: "must be a positive number of seconds" })
    .max(MAX_TIMEOUT_SECONDS, { error: `must be at most ${MAX_TIMEOUT_SECONDS} seconds` })
    .optional(),
});

export const certificateInputSchema = z.strictObject({
  /** The leaf certificate: PEM, or base64 DER. A pasted full chain is accepted (leaf first). */
  certificate: z.string().optional(),
  /** PEM private key: PKCS#1, PKCS#8, encrypted PKCS#8, legacy encrypted PKCS#1, or EC. */
  privateKey: z.string().optional(),
  privateKeyPassphrase: z.string().optional(),
  /** Intermediates as PEM, any order; roots and duplicates are dropped. */
  chain: z.string().optional(),
  /** PKCS#12 bundle, base64, instead of certificate/privateKey. */
  pfx: z.string().optional(),
  pfxPassword: z.string().optional(),
  revoked: z.boolean().default(false),
});

export const syncInputsSchema = z.strictObject({
  connection: connectionInputSchema.optional(),
  /** Slug naming this sync; defaults to the resource name. */
  name: z.string().optional(),
  description: z.string().optional(),
  vserverName: z.string().optional(),
  vserverNames: z.array(z.string()).optional(),
  removeExpiredOrRevoked: z.boolean().default(true),
  preserveOnRenewal: z.boolean().default(true),
  certificateNameSchema: z.string().default(DEFAULT_NAME_SCHEMA),
  autoSync: z.boolean().default(true),
  syncTrigger: z.union([z.string(), z.number()], { error: "must be a string or a number" }).optional(),
  /** undefined: SNI only where a vserver carries more than one of these certificates. */
  sniCertificates: z.boolean().optional(),
  adoptExisting: z.boolean().default(false),
  certificates: z.record(z.string(), certificateInputSchema).default({}),
});

/** What users write (defaults optional). */
export type SyncInputs = z.input<typeof syncInputsSchema>;
/** After parsing: defaults filled in. */
export type ParsedSyncInputs = z.output<typeof syncInputsSchema>;
export type CertificateInput = z.input<typeof certificateInputSchema>;
export type ParsedCertificateInput = z.output<typeof certificateInputSchema>;
export type ConnectionInput = z.input<typeof connectionInputSchema>;

/** The connection once inputs, stack config and environment are merged and checked. */
export interface ConnectionSettings {
  url: string;
  username: string;
  password: string;
  caCertificate?: string;
  insecureSkipTlsVerify: boolean;
  partition?: string;
  allowHttp: boolean;
  proxyUrl?: string;
  timeoutSeconds: number;
}

// ---- rendering zod issues -------------------------------------------------------------

function keysAt(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(syncInputsSchema.shape);
  if (path.length === 1 && path[0] === "connection") return Object.keys(connectionInputSchema.shape);
  if (path.length === 2 && path[0] === "certificates") return Object.keys(certificateInputSchema.shape);
  return [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known property a typo most likely meant, if one is close. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

export function pathString(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

const KIND_WORDS: Record<string, string> = {
  boolean: "a boolean (true or false)",
  string: "a string",
  number: "a number",
  object: "an object",
  array: "a list",
  record: "an object keyed by certificate id",
};

/** Readable problems for zod issues; never quotes input values (they may be secrets). */
export function renderIssues(issues: readonly z.core.$ZodIssue[], pathPrefix: readonly PropertyKey[] = []): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const issue of issues) {
    const path = [...pathPrefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const known = keysAt(path);
      for (const key of issue.keys) {
        const guess = closestKey(key, known);
        problems.push({
          path: pathString([...path, key]),
          message:
            `unknown property "${key}"` +
            (guess ? `; did you mean "${guess}"?` : `; known properties here: ${known.join(", ")}`),
        });
      }
    } else if (issue.code === "invalid_type") {
      const received = /received (\w+)/.exec(issue.message)?.[1];
      const expected = KIND_WORDS[issue.expected] ?? issue.expected;
      problems.push({
        path: pathString(path),
        message: received === "undefined" ? `is required: set it to ${expected}` : `must be ${expected}${received ? `, not ${KIND_WORDS[received] ?? received}` : ""}`,
      });
    } else {
      problems.push({ path: pathString(path), message: issue.message });
    }
  }
  return problems;
}

// ---- connection resolution ------------------------------------------------------------

const CONFIG_KEYS = { url: "netscaler:url", username: "netscaler:username", password: "netscaler:password" } as const;
const ENV_KEYS = { url: "NS_URL", username: "NS_LOGIN", password: "NS_PASSWORD" } as const;
/** NetScaler's partition charset, minus space and ':' (they break NITRO queries, as for certkey names). */
const PARTITION_NAME = /^[A-Za-z_][A-Za-z0-9_#.@=-]*$/;

/** A URL fit for messages: any user:password part removed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@");
}

function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== "");
}

function checkUrl(path: string, value: string, allowHttp: boolean, problems: PlanProblem[]): void {
  if (value === UNKNOWN) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({ path, message: `"${redactUrl(value)}" is not a URL; write it as https://<appliance address>` });
    return;
  }
  const shown = redactUrl(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    problems.push({ path, message: `"${shown}" is not an http(s) URL (scheme ${url.protocol}); write it as https://<appliance address>` });
    return;
  }
  if (url.username || url.password) {
    problems.push({ path, message: `"${shown}" carries credentials; remove them from the URL and use username and password` });
  }
  if (url.protocol === "http:" && !allowHttp && path === "connection.url") {
    problems.push({
      path,
      message: `"${shown}" is plain HTTP: the password and private keys would cross the network unencrypted; use https://, or set connection.allowHttp: true (e.g. for the local emulator)`,
    });
  }
}

function required(field: keyof typeof CONFIG_KEYS, value: string | undefined, problems: PlanProblem[]): string {
  if (value === undefined) {
    problems.push({
      path: `connection.${field}`,
      message: `is not set; set connection.${field}, the stack config ${CONFIG_KEYS[field]}, or the environment variable ${ENV_KEYS[field]}`,
    });
    return "";
  }
  return value;
}

/**
 * Merges the connection: inputs first, then stack config (`netscaler:url|username|password`),
 * then environment (`NS_URL`, `NS_LOGIN`, `NS_PASSWORD`); then checks it.
 * A field holding UNKNOWN (preview) is taken as given and not checked.
 */
export function resolveConnection(
  connection: ConnectionInput | undefined,
  config: Record<string, string | undefined>,
  env: Record<string, string | undefined>,
): { ok: true; settings: ConnectionSettings } | { ok: false; problems: PlanProblem[] } {
  const c = connection ?? {};
  const problems: PlanProblem[] = [];
  const pick = (field: keyof typeof CONFIG_KEYS): string =>
    required(field, firstSet(c[field], config[CONFIG_KEYS[field]], env[ENV_KEYS[field]]), problems);
  const settings: ConnectionSettings = {
    url: pick("url"),
    username: pick("username"),
    password: pick("password"),
    insecureSkipTlsVerify: c.insecureSkipTlsVerify ?? false,
    allowHttp: c.allowHttp ?? false,
    timeoutSeconds: c.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    ...(c.caCertificate === undefined ? {} : { caCertificate: c.caCertificate }),
    ...(c.partition === undefined ? {} : { partition: c.partition }),
    ...(c.proxyUrl === undefined ? {} : { proxyUrl: c.proxyUrl }),
  };
  if (settings.url) checkUrl("connection.url", settings.url, settings.allowHttp, problems);
  if (settings.proxyUrl !== undefined) checkUrl("connection.proxyUrl", settings.proxyUrl, true, problems);
  if (settings.caCertificate !== undefined) {
    if (settings.insecureSkipTlsVerify) {
      problems.push({
        path: "connection.insecureSkipTlsVerify",
        message: "contradicts connection.caCertificate (one verifies the appliance's certificate, the other turns verification off); remove one of them",
      });
    }
    const read = readCertificates(settings.caCertificate);
    for (const message of read.problems) problems.push({ path: "connection.caCertificate", message });
  }
  if (settings.partition !== undefined && !PARTITION_NAME.test(settings.partition)) {
    problems.push({
      path: "connection.partition",
      message: `"${settings.partition}" is not a partition name: it must start with a letter or "_" and contain only letters, digits and _ # . @ = -`,
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings };
}
