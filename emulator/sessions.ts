// Login sessions: the four ways NITRO clients present credentials, idle timeouts, the
// per-user session limit, and killing every session (fault injection, reboot).
import type { IncomingHttpHeaders } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { performance } from "node:perf_hooks";
import { NitroError } from "./errors";
import type { EmulatorUser } from "./types";
import { NO_CREDENTIALS_ERRORCODE, SESSION_LIMIT_STATUS } from "./unverified";

export interface Session {
  id: string;
  user: EmulatorUser;
  partition: string;
  timeoutMs: number;
  lastUsedMs: number;
}

/** Who is asking: a session, or a user authenticated by per-request headers. */
export interface Principal {
  user: EmulatorUser;
  session?: Session;
}

export const badCredentials = (): NitroError => new NitroError(401, 354, "Invalid username or password");
export const sessionExpired = (): NitroError => new NitroError(401, 444, "Session expired or killed. Please login again");

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly users: EmulatorUser[],
    private readonly maxTimeoutSeconds: number,
    private readonly maxSessionsPerUser: number,
  ) {}

  get activeCount(): number {
    this.purgeIdle();
    return this.sessions.size;
  }

  login(username: string, password: string, timeoutSeconds: number | undefined): Session {
    const user = this.check(username, password);
    this.purgeIdle();
    const open = [...this.sessions.values()].filter((s) => s.user.username === user.username).length;
    if (open >= this.maxSessionsPerUser) throw new NitroError(SESSION_LIMIT_STATUS, 445, `Session limit exceeded [${user.username}]`);
    const seconds = timeoutSeconds !== undefined && timeoutSeconds > 0 ? Math.min(timeoutSeconds, this.maxTimeoutSeconds) : this.maxTimeoutSeconds;
    const session: Session = {
      id: `##${randomBytes(16).toString("hex").toUpperCase()}`,
      user,
      partition: "default",
      timeoutMs: seconds * 1000,
      lastUsedMs: performance.now(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  logout(session: Session): void {
    this.sessions.delete(session.id);
  }

  expireAll(): void {
    this.sessions.clear();
  }

  /** Resolves the caller of a NITRO request, or throws 401 (354 bad credentials, 444 no live session). */
  authenticate(headers: IncomingHttpHeaders): Principal {
    const headerUser = single(headers["x-nitro-user"]);
    if (headerUser !== undefined) return { user: this.check(headerUser, single(headers["x-nitro-pass"]) ?? "") };
    const token = sessionToken(headers);
    if (token === undefined) throw new NitroError(401, NO_CREDENTIALS_ERRORCODE, "Session expired or killed. Please login again [no credentials]");
    const session = this.sessions.get(token);
    if (!session) throw sessionExpired();
    const now = performance.now();
    if (now - session.lastUsedMs > session.timeoutMs) {
      this.sessions.delete(session.id);
      throw sessionExpired();
    }
    session.lastUsedMs = now;
    return { user: session.user, session };
  }

  private check(username: string, password: string): EmulatorUser {
    const user = this.users.find((u) => u.username === username);
    if (!user || !sameText(user.password, password)) throw badCredentials();
    return user;
  }

  private purgeIdle(): void {
    const now = performance.now();
    for (const [id, s] of this.sessions) if (now - s.lastUsedMs > s.timeoutMs) this.sessions.delete(id);
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Cookie NITRO_AUTH_TOKEN or sessionid, or a request header `Set-Cookie: NITRO_AUTH_TOKEN=..` (Go SDK). */
function sessionToken(headers: IncomingHttpHeaders): string | undefined {
  const cookies = cookiePairs(headers.cookie ?? "");
  const fromCookie = cookies.get("NITRO_AUTH_TOKEN") ?? cookies.get("sessionid");
  if (fromCookie !== undefined) return fromCookie;
  for (const line of headers["set-cookie"] ?? []) {
    const pairs = cookiePairs(line);
    const token = pairs.get("NITRO_AUTH_TOKEN") ?? pairs.get("sessionid");
    if (token !== undefined) return token;
  }
  return undefined;
}

function cookiePairs(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const value = part.slice(eq + 1).trim().replace(/^"|"$/g, "");
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // keep the raw value
    }
    pairs.set(part.slice(0, eq).trim(), decoded);
  }
  return pairs;
}

/** Set-Cookie headers of a login answer: the classic token and the newer firmware's sessionid. */
export function loginCookies(session: Session): string[] {
  return [`NITRO_AUTH_TOKEN=${session.id}; path=/nitro/v1; HttpOnly`, `sessionid=${encodeURIComponent(session.id)}; path=/nitro/v1; HttpOnly`];
}
