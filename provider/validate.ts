// check: raw resource inputs → the desired state the plan works from, or every problem at
// once, each with its property path and what to do. Pure: the clock and the environment
// are parameters.
import { readCertificateMaterial, validityProblem } from "./certificates";
import type { DesiredCertificate, DesiredState, PlanProblem, SyncOptions } from "./model";
import {
  certificateInputSchema,
  type ConnectionSettings,
  type ParsedCertificateInput,
  type ParsedSyncInputs,
  pathString,
  renderIssues,
  resolveConnection,
  syncInputsSchema,
  UNKNOWN,
} from "./inputs";
import { certkeyNameProblem, expandNameSchema, nameSchemaProblems, RENEWED_SUFFIX_LENGTH } from "./naming";

export interface ValidatedSettings {
  connection: ConnectionSettings;
  /** The sync's slug (inputs.name, else the resource name). */
  name: string;
  description?: string;
  autoSync: boolean;
  syncTrigger?: string | number;
  certificateNameSchema: string;
}

export interface ValidationContext {
  now: Date;
  resourceName: string;
  config?: Record<string, string | undefined>;
  env?: Record<string, string | undefined>;
  /** Fingerprints already deployed by this sync: their expiry is the plan's business, not a check failure. */
  acceptExpiredFingerprints?: ReadonlySet<string>;
}

export type ValidationResult =
  | {
      ok: true;
      desired: DesiredState;
      settings: ValidatedSettings;
      /**
       * Property paths whose values are not known yet (preview). Certificates with unknown
       * material are left out of `desired`; unknown connection url/username/password hold UNKNOWN;
       * other unknown options take their defaults. Non-empty: the plan is provisional.
       */
      unknowns: string[];
    }
  | { ok: false; problems: PlanProblem[] };

const SYNC_NAME = /^[a-z0-9-]{1,63}$/;
const BAD_VSERVER_CHARACTERS = /[/,:%"'`]/;
/** Connection strings that stay in place when unknown: ConnectionSettings needs them as strings. */
const KEPT_UNKNOWN = new Set(["connection.url", "connection.username", "connection.password"]);

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Removes UNKNOWN values (except KEPT_UNKNOWN) and records where they were. */
function stripUnknowns(value: Json, path: string[], unknowns: string[]): Json {
  if (Array.isArray(value)) {
    const out: Json[] = [];
    value.forEach((item, i) => {
      if (item === UNKNOWN) unknowns.push(pathString([...path, String(i)]));
      else out.push(stripUnknowns(item, [...path, String(i)], unknowns));
    });
    return out;
  }
  if (!isObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    if (path.length === 0 && key.startsWith("__")) continue; // engine bookkeeping such as __provider
    const itemPath = pathString([...path, key]);
    if (item === UNKNOWN) {
      unknowns.push(itemPath);
      if (!KEPT_UNKNOWN.has(itemPath)) continue;
    }
    out[key] = item === UNKNOWN ? item : stripUnknowns(item, [...path, key], unknowns);
  }
  return out;
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/** Best-effort parse when the whole does not parse: each property on its own, each certificate on its own. */
function parsePartially(raw: Record<string, Json>): ParsedSyncInputs {
  const shape = syncInputsSchema.shape;
  const take = <K extends keyof typeof shape>(key: K): ParsedSyncInputs[K] => {
    const parsed = shape[key].safeParse(raw[key]);
    return (parsed.success ? parsed.data : shape[key].parse(undefined)) as ParsedSyncInputs[K];
  };
  const certificates: Record<string, ParsedCertificateInput> = {};
  if (isObject(raw.certificates)) {
    for (const [id, entry] of Object.entries(raw.certificates)) {
      const parsed = certificateInputSchema.safeParse(entry);
      if (parsed.success) certificates[id] = parsed.data;
    }
  }
  const connection = shape.connection.safeParse(raw.connection);
  return {
    connection: connection.success ? connection.data : undefined,
    name: take("name"),
    description: take("description"),
    vserverName: take("vserverName"),
    vserverNames: take("vserverNames"),
    removeExpiredOrRevoked: take("removeExpiredOrRevoked"),
    preserveOnRenewal: take("preserveOnRenewal"),
    certificateNameSchema: take("certificateNameSchema"),
    autoSync: take("autoSync"),
    syncTrigger: take("syncTrigger"),
    sniCertificates: take("sniCertificates"),
    adoptExisting: take("adoptExisting"),
    certificates,
  };
}

function syncNameProblems(inputs: ParsedSyncInputs, resourceName: string, unknowns: string[]): { name: string; problems: PlanProblem[] } {
  const name = inputs.name ?? resourceName;
  if (unknowns.includes("name") || SYNC_NAME.test(name)) return { name, problems: [] };
  const rule = "lower-case letters, digits and '-', at most 63 characters";
  const message =
    inputs.name === undefined
      ? `is not set, and the resource name "${resourceName}" is not a valid sync name (${rule}); set name explicitly, e.g. "${slugify(resourceName)}"`
      : `"${name}" is not a valid sync name: use ${rule}, e.g. "${slugify(name)}"`;
  return { name, problems: [{ path: "name", message }] };
}

function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63) || "web-certs"
  );
}

function vserverProblems(inputs: ParsedSyncInputs): { vservers: string[]; problems: PlanProblem[] } {
  const named: [string, string][] = [];
  if (inputs.vserverName !== undefined) named.push(["vserverName", inputs.vserverName]);
  (inputs.vserverNames ?? []).forEach((v, i) => named.push([`vserverNames.${i}`, v]));
  const problems: PlanProblem[] = [];
  for (const [path, vserver] of named) {
    if (vserver.trim() === "" || vserver !== vserver.trim()) {
      problems.push({ path, message: `"${vserver}" is empty or has leading/trailing spaces; write the vserver name exactly as on the appliance` });
    } else if (BAD_VSERVER_CHARACTERS.test(vserver)) {
      const bad = [...new Set([...vserver].filter((ch) => BAD_VSERVER_CHARACTERS.test(ch)))].map((ch) => JSON.stringify(ch)).join(", ");
      problems.push({ path, message: `the vserver name "${vserver}" contains ${bad}, which NetScaler names cannot hold; write the vserver name exactly as on the appliance` });
    }
  }
  return { vservers: [...new Set(named.map(([, v]) => v))], problems };
}

function sniMode(sniCertificates: boolean | undefined): SyncOptions["sni"] {
  if (sniCertificates === undefined) return "auto";
  return sniCertificates ? "always" : "never";
}

interface CertificateChecks {
  certificates: Record<string, DesiredCertificate>;
  problems: PlanProblem[];
}

function checkCertificates(inputs: ParsedSyncInputs, context: ValidationContext, unknowns: string[], schemaUsable: boolean): CertificateChecks {
  const problems: PlanProblem[] = [];
  const certificates: Record<string, DesiredCertificate> = {};
  const idsByLowerCase = new Map<string, string>();
  const idsByFingerprint = new Map<string, string>();
  const reserve = inputs.preserveOnRenewal ? 0 : RENEWED_SUFFIX_LENGTH;
  for (const [id, entry] of Object.entries(inputs.certificates)) {
    const base = pathString(["certificates", id]);
    const sameButCase = idsByLowerCase.get(id.toLowerCase());
    if (sameButCase !== undefined) {
      problems.push({ path: base, message: `the id "${id}" differs from "${sameButCase}" only in letter case, so their certkey and file names would be confused; rename one of them` });
    } else {
      idsByLowerCase.set(id.toLowerCase(), id);
    }
    const certkeyName = expandNameSchema(inputs.certificateNameSchema, id);
    const nameProblem = schemaUsable ? certkeyNameProblem(certkeyName, reserve) : undefined;
    if (nameProblem) {
      problems.push({ path: base, message: `${nameProblem}; change the id "${id}" or certificateNameSchema "${inputs.certificateNameSchema}"` });
    }
    if (unknowns.some((u) => isUnder(u, base) || isUnder(base, u))) continue;
    const material = readCertificateMaterial(entry);
    if (!material.ok) {
      for (const p of material.problems) problems.push({ path: `${base}.${p.field}`, message: p.message });
      continue;
    }
    const { leaf, chain } = material.material;
    const accepted = context.acceptExpiredFingerprints?.has(leaf.fingerprint) === true;
    if (!entry.revoked) {
      const validity = validityProblem(leaf, context.now);
      if (validity && !(accepted && context.now.getTime() > Date.parse(leaf.notAfter))) {
        problems.push({ path: `${base}.${entry.pfx !== undefined ? "pfx" : "certificate"}`, message: validity });
      }
      if (!accepted) {
        for (const intermediate of chain) {
          const problem = validityProblem(intermediate, context.now);
          if (problem) problems.push({ path: `${base}.chain`, message: `intermediate: ${problem}` });
        }
      }
    }
    const twin = idsByFingerprint.get(leaf.fingerprint);
    if (twin !== undefined) {
      problems.push({
        path: `${base}.${entry.pfx !== undefined ? "pfx" : "certificate"}`,
        message: `is the same certificate as certificates.${twin}; NetScaler refuses one certificate under two certkey names: keep it under one id`,
      });
    } else {
      idsByFingerprint.set(leaf.fingerprint, id);
    }
    certificates[id] = { id, certkeyName, revoked: entry.revoked, ...material.material };
  }
  return { certificates, problems };
}

/** Validates everything and collects every problem; see ValidationResult. */
export function validateInputs(raw: unknown, context: ValidationContext): ValidationResult {
  if (!isObject(raw)) return { ok: false, problems: [{ path: "", message: "the inputs must be an object of resource properties" }] };
  const unknowns: string[] = [];
  const stripped = stripUnknowns(raw, [], unknowns) as Record<string, Json>;
  const problems: PlanProblem[] = [];
  const whole = syncInputsSchema.safeParse(stripped);
  let inputs: ParsedSyncInputs;
  if (whole.success) {
    inputs = whole.data;
  } else {
    problems.push(...renderIssues(whole.error.issues).filter((p) => !unknowns.some((u) => isUnder(p.path, u))));
    inputs = parsePartially(stripped);
  }
  const name = syncNameProblems(inputs, context.resourceName, unknowns);
  problems.push(...name.problems);
  const schemaProblems = unknowns.includes("certificateNameSchema") ? [] : nameSchemaProblems(inputs.certificateNameSchema);
  for (const message of schemaProblems) problems.push({ path: "certificateNameSchema", message });
  const vservers = vserverProblems(inputs);
  problems.push(...vservers.problems);
  const connection = resolveConnection(inputs.connection, context.config ?? {}, context.env ?? {});
  if (!connection.ok) problems.push(...connection.problems);
  const checked = checkCertificates(inputs, context, unknowns, schemaProblems.length === 0);
  problems.push(...checked.problems);
  if (problems.length > 0 || !connection.ok) return { ok: false, problems };
  return {
    ok: true,
    unknowns,
    desired: {
      options: {
        removeExpiredOrRevoked: inputs.removeExpiredOrRevoked,
        preserveOnRenewal: inputs.preserveOnRenewal,
        vservers: vservers.vservers,
        sni: sniMode(inputs.sniCertificates),
        adoptExisting: inputs.adoptExisting,
      },
      certificates: checked.certificates,
    },
    settings: {
      connection: connection.settings,
      name: name.name,
      autoSync: inputs.autoSync,
      certificateNameSchema: inputs.certificateNameSchema,
      ...(inputs.description === undefined ? {} : { description: inputs.description }),
      ...(inputs.syncTrigger === undefined ? {} : { syncTrigger: inputs.syncTrigger }),
    },
  };
}
