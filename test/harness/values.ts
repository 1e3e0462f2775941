// Plain JSON values as they cross the engine/host boundary, and the sentinels the Pulumi
// wire format uses inside them (secrets, unknowns). Pure functions only.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** The wire string for "not known yet" (preview of a value computed by another resource). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** `{ [SPECIAL_SIG_KEY]: SECRET_SIG, value }` marks a secret in serialized properties. */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSecretSentinel(value: unknown): value is { value?: JsonValue } {
  return isPlainObject(value) && value[SPECIAL_SIG_KEY] === SECRET_SIG;
}

/** Unwraps every secret sentinel, at any depth: what the engine sends to a host that does not accept secrets. */
export function stripSecrets(value: JsonValue): JsonValue {
  if (isSecretSentinel(value)) return value.value === undefined ? null : stripSecrets(value.value);
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) out[key] = stripSecrets(inner);
    return out;
  }
  return value;
}

/** Property paths ("a", "a.b", "a[0]") whose value is wrapped as a secret. */
export function secretPaths(value: JsonValue, prefix = ""): string[] {
  if (isSecretSentinel(value)) return [prefix];
  const found: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((inner, index) => found.push(...secretPaths(inner, `${prefix}[${index}]`)));
  } else if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value)) {
      found.push(...secretPaths(inner, prefix ? `${prefix}.${key}` : key));
    }
  }
  return found;
}

/**
 * A deep copy that `Struct.fromJavaScript` accepts: `undefined` members are dropped (array
 * holes become null), non-finite numbers and functions are refused with the offending path.
 */
export function jsonClean(value: unknown, path = "$"): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`jsonClean: ${path} is ${value}, which JSON cannot carry`);
    return value;
  }
  if (Array.isArray(value)) return value.map((inner, index) => (inner === undefined ? null : jsonClean(inner, `${path}[${index}]`)));
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== undefined) out[key] = jsonClean(inner, `${path}.${key}`);
    }
    return out;
  }
  throw new Error(`jsonClean: ${path} is a ${typeof value}, which JSON cannot carry`);
}

export function asObject(value: JsonValue, what: string): JsonObject {
  if (!isPlainObject(value)) throw new Error(`${what}: expected an object, got ${JSON.stringify(value)}`);
  return value as JsonObject;
}
