// Copies of requests that are safe to show: credentials, session tokens and file
// contents (which include private keys) are replaced before anything leaves the client.

export interface RedactedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export const REDACTED = "[REDACTED]";

const SECRET_HEADERS = new Set(["x-nitro-pass", "cookie", "set-cookie", "authorization", "proxy-authorization"]);
const SECRET_FIELDS = new Set(["password", "filecontent", "passplain", "sessionid", "new_password"]);

export function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : String(value);
  }
  return out;
}

export function redactBody(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(redactBody);
  if (body !== null && typeof body === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      out[key] = SECRET_FIELDS.has(key.toLowerCase()) ? REDACTED : redactBody(value);
    }
    return out;
  }
  return body;
}

/** Proxy URLs may carry credentials (http://user:pass@relay:3128). */
export function redactUrlCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = parsed.username ? "redacted" : "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, `//${REDACTED}@`);
  }
}

export function redactRequest(req: { method: string; url: string; headers: Record<string, unknown>; body?: unknown }): RedactedRequest {
  const out: RedactedRequest = { method: req.method.toUpperCase(), url: redactUrlCredentials(req.url), headers: redactHeaders(req.headers) };
  if (req.body !== undefined) out.body = redactBody(req.body);
  return out;
}
