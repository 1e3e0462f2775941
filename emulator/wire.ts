// The NITRO wire format: paths, query forms, request items and response bodies.
import { invalidArgumentValue, missingArgument } from "./errors";

export type Item = Record<string, unknown>;

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

export interface NitroPath {
  /** "config" or "stat". */
  area: string;
  type: string;
  /** The object name from the path, fully decoded. */
  name?: string;
}

export interface NitroQuery {
  args: Record<string, string>;
  filter: Record<string, string>;
  action?: string;
  /** Every other parameter (override, warning, bulkbindings, count, attrs...), lower-case keys. */
  params: Record<string, string>;
}

/**
 * Decodes a path name until it stops changing: clients encode names once, twice (Java SDK,
 * Ansible) or not at all (Go SDK). A malformed escape ends the decoding where it is.
 */
export function decodeRepeatedly(text: string): string {
  let current = text;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/** `/nitro/v1/config/<type>[/<name>]`, or null for any other path. */
export function parseNitroPath(pathname: string): NitroPath | null {
  const match = /^\/nitro\/v1\/(config|stat)\/([^/]+)(?:\/(.+))?$/.exec(pathname);
  if (!match) return null;
  const name = match[3] !== undefined ? decodeRepeatedly(match[3]) : undefined;
  return { area: match[1], type: decodeRepeatedly(match[2]).toLowerCase(), name: name === "" ? undefined : name };
}

export function parseQuery(search: string): NitroQuery {
  const query: NitroQuery = { args: {}, filter: {}, params: {} };
  for (const part of search.replace(/^\?/, "").split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = decodeRepeatedly(eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    const raw = eq < 0 ? "" : part.slice(eq + 1);
    if (key === "args" || key === "filter") Object.assign(query[key], parsePairs(raw));
    else if (key === "action") query.action = decodeRepeatedly(raw);
    else query.params[key] = decodeRepeatedly(raw);
  }
  return query;
}

/**
 * `k:v,k:v` with each value percent-encoded (once, or more: decoding is tolerant). Splitting
 * happens before decoding, so encoded commas and colons inside values survive; a client that
 * encoded the whole list (no literal colon left) gets it decoded once and split again.
 */
function parsePairs(raw: string, depth = 0): Record<string, string> {
  if (!raw.includes(":") && depth < 3) {
    const once = decodeOnce(raw);
    return once === raw ? {} : parsePairs(once, depth + 1);
  }
  const pairs: Record<string, string> = {};
  for (const pair of raw.split(",")) {
    const colon = pair.indexOf(":");
    if (colon <= 0) continue;
    pairs[decodeRepeatedly(pair.slice(0, colon)).toLowerCase()] = decodeRepeatedly(pair.slice(colon + 1));
  }
  return pairs;
}

function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function done(status: number, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { errorcode: 0, message: "Done", severity: "NONE", ...extra } };
}

/** A GET answer: the type's array, omitted altogether when empty (as appliances do). */
export function listing(type: string, objects: object[]): Reply {
  return objects.length > 0 ? done(200, { [type]: objects }) : done(200);
}

export function errorBody(errorcode: number, message: string): Record<string, unknown> {
  return { errorcode, message, severity: "ERROR" };
}

// Field readers: NITRO accepts JSON booleans, "true"/"false", YES/NO and ENABLED/DISABLED.

export function requiredString(item: Item, field: string): string {
  const value = item[field];
  if (value === undefined || value === null || value === "") throw missingArgument(field);
  if (typeof value !== "string") throw invalidArgumentValue(field, "expected a string");
  return value;
}

export function optionalString(item: Item, field: string): string | undefined {
  const value = item[field];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw invalidArgumentValue(field, "expected a string");
  return value;
}

export function optionalBoolean(item: Item, field: string): boolean | undefined {
  const value = item[field];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const v = value.toLowerCase();
    if (["true", "yes", "enabled"].includes(v)) return true;
    if (["false", "no", "disabled"].includes(v)) return false;
  }
  throw invalidArgumentValue(field, "expected true or false");
}

export function optionalNumber(item: Item, field: string): number | undefined {
  const value = item[field];
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw invalidArgumentValue(field, "expected a number");
  return n;
}

export function isItem(value: unknown): value is Item {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
