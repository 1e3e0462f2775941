// Sends NITRO requests on one session: the session cookie, the bounded pool, re-login on an
// expired session, retries with backoff for what is safe to repeat, and 293 waits on save.
import { AxiosError, type AxiosResponse } from "axios";
import { isTlsVerificationCode, NitroError } from "./errors";
import { CONFIG } from "./paths";
import type { Pool } from "./pool";
import { redactRequest, type RedactedRequest } from "./redact";
import type { Transport } from "./transport";
import type { NitroLogger } from "./types";

/**
 * How a call may be repeated: reads and idempotent writes (delete, bind, unbind, link,
 * update) are retried; creates and logins only when the request provably never left.
 */
export type CallKind = "read" | "idempotent" | "create" | "save" | "auth";

export interface Call {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path and query, e.g. /nitro/v1/config/sslcertkey?action=update */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  operation: string;
  objectName?: string;
  kind: CallKind;
}

export type NitroBody = Record<string, unknown> & { errorcode?: number; message?: string; severity?: string };

export interface NitroResponse {
  status: number;
  body: NitroBody;
  /** An earlier attempt failed on the network after it may have reached the appliance. */
  resent: boolean;
  request: RedactedRequest;
}

export interface RetryPolicy {
  /** Extra attempts after a network failure or a 502/503/504. */
  retries: number;
  backoffMs: (attempt: number) => number;
  /** 293 on save: how often and how long to wait. */
  saveRetries: number;
  saveWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 2,
  backoffMs: (attempt) => 500 * 3 ** attempt,
  saveRetries: 10,
  saveWaitMs: 2000,
};

const SESSION_GONE = new Set([444, 451, 1027]);
/** Network failures where the request cannot have reached the appliance. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNECT_TIMEOUT", "EPROXY"]);
/** Failures that repeating will not fix. */
const PERMANENT = new Set(["EPROXY", "ENOTFOUND", "ERR_INVALID_URL"]);

export interface Credentials {
  username: string;
  password: string;
  partition?: string;
  sessionTimeoutSeconds: number;
}

export class NitroCaller {
  requestCount = 0;
  private token?: string;
  private sessionidCookie?: string;
  private generation = 0;
  private relogin?: Promise<void>;

  constructor(
    private readonly transport: Transport,
    private readonly pool: Pool,
    private readonly credentials: Credentials,
    private readonly logger: NitroLogger,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  get loggedIn(): boolean {
    return this.token !== undefined;
  }

  /** Logs in and, when asked, switches the session to the partition. */
  async login(): Promise<void> {
    const { username, password, sessionTimeoutSeconds, partition } = this.credentials;
    const resp = await this.exchange({
      method: "POST",
      path: `${CONFIG}/login`,
      body: { login: { username, password, timeout: sessionTimeoutSeconds } },
      operation: "login",
      objectName: username,
      kind: "auth",
    });
    if (resp.status >= 300) throw errorFromResponse({ operation: "login", objectName: username }, resp);
    this.adoptSession(resp);
    this.generation++;
    if (partition) {
      const sw = await this.exchange({
        method: "POST",
        path: `${CONFIG}/nspartition?action=Switch`,
        body: { nspartition: { partitionname: partition } },
        operation: "switch nspartition",
        objectName: partition,
        kind: "auth",
      });
      if (sw.status >= 300) throw errorFromResponse({ operation: "switch nspartition", objectName: partition }, sw);
    }
    this.logger.debug(`NITRO: logged in as ${username}${partition ? ` (partition ${partition})` : ""}`);
  }

  async logout(): Promise<void> {
    if (!this.token) return;
    try {
      const resp = await this.exchange({ method: "POST", path: `${CONFIG}/logout`, body: { logout: {} }, operation: "logout", kind: "auth" });
      if (resp.status >= 300) this.logger.debug(`NITRO: logout answered HTTP ${resp.status} errorcode ${resp.body.errorcode ?? "-"}`);
    } catch (err) {
      this.logger.debug(`NITRO: logout failed: ${(err as Error).message}`);
    } finally {
      this.token = undefined;
      this.sessionidCookie = undefined;
    }
  }

  private adoptSession(resp: NitroResponse & { setCookies?: string[] }): void {
    const fromBody = typeof resp.body.sessionid === "string" ? resp.body.sessionid : undefined;
    let fromCookie: string | undefined;
    this.sessionidCookie = undefined;
    for (const cookie of resp.setCookies ?? []) {
      const [pair] = cookie.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (name === "NITRO_AUTH_TOKEN" && value) fromCookie = value;
      if (name === "sessionid" && value) this.sessionidCookie = value;
    }
    const sessionidDecoded = this.sessionidCookie !== undefined ? safeDecode(this.sessionidCookie) : undefined;
    const token = fromCookie ?? fromBody ?? sessionidDecoded;
    if (!token) {
      throw new NitroError({ operation: "login", objectName: this.credentials.username, status: resp.status, message: `NITRO login as "${this.credentials.username}" succeeded but the answer carried no session id (neither a sessionid field nor a NITRO_AUTH_TOKEN/sessionid cookie); check that the URL points at the NetScaler management address.` });
    }
    this.token = token;
  }

  private cookieHeader(): string | undefined {
    if (!this.token) return undefined;
    return this.sessionidCookie ? `NITRO_AUTH_TOKEN=${this.token}; sessionid=${this.sessionidCookie}` : `NITRO_AUTH_TOKEN=${this.token}`;
  }

  /**
   * Sends `call`, handling session expiry and safe retries. Returns whatever HTTP answer
   * came last; throws NitroError only when no answer came.
   */
  async exchange(call: Call): Promise<NitroResponse & { setCookies?: string[] }> {
    let reloggedIn = false;
    let resent = false;
    let networkAttempts = 0;
    let saveWaits = 0;
    for (;;) {
      const generation = this.generation;
      let answer: { resp: AxiosResponse<unknown>; request: RedactedRequest };
      try {
        answer = await this.pool.run(() => this.send(call));
      } catch (err) {
        const failure = this.networkFailure(call, err, resent);
        const code = failure.networkCode ?? "";
        const notSent = NOT_SENT.has(code);
        const repeatable = call.kind === "read" || call.kind === "idempotent" || call.kind === "save" || notSent;
        if (repeatable && !PERMANENT.has(code) && !isTlsVerificationCode(code) && networkAttempts < this.policy.retries) {
          if (!notSent) resent = true;
          await this.sleep(this.policy.backoffMs(networkAttempts++));
          continue;
        }
        throw failure;
      }
      const { resp, request } = answer;
      const body = asBody(resp.data);
      const setCookie = resp.headers["set-cookie"];
      const result = { status: resp.status, body, resent, request, setCookies: Array.isArray(setCookie) ? setCookie : undefined };

      if (resp.status === 401 && SESSION_GONE.has(body.errorcode ?? -1) && call.kind !== "auth" && !reloggedIn) {
        reloggedIn = true;
        await this.renewSession(generation);
        continue;
      }
      if ((resp.status === 502 || resp.status === 503 || resp.status === 504) && !body.errorcode && call.kind !== "create" && call.kind !== "auth" && networkAttempts < this.policy.retries) {
        await this.sleep(this.policy.backoffMs(networkAttempts++));
        continue;
      }
      if (body.errorcode === 293 && call.kind === "save" && saveWaits < this.policy.saveRetries) {
        saveWaits++;
        this.logger.debug(`NITRO: a configuration save is already running; waiting ${this.policy.saveWaitMs} ms`);
        await this.sleep(this.policy.saveWaitMs);
        continue;
      }
      return result;
    }
  }

  /** One re-login shared by every request that saw the session die. */
  private async renewSession(seenGeneration: number): Promise<void> {
    if (this.generation !== seenGeneration) return;
    if (!this.relogin) {
      this.logger.info("NITRO: the session expired or was killed; logging in again");
      this.relogin = this.login().finally(() => (this.relogin = undefined));
    }
    await this.relogin;
  }

  private async send(call: Call): Promise<{ resp: AxiosResponse<unknown>; request: RedactedRequest }> {
    const headers: Record<string, string> = { Accept: "application/json", ...call.headers };
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    const cookie = call.kind === "auth" && call.path.endsWith("/login") ? undefined : this.cookieHeader();
    if (cookie) headers.Cookie = cookie;
    const request = redactRequest({ method: call.method, url: this.transport.origin + call.path, headers, body: call.body });
    this.requestCount++;
    const started = Date.now();
    const resp = await this.transport.http.request<unknown>({ method: call.method, url: call.path, headers, data: call.body === undefined ? undefined : JSON.stringify(call.body) });
    const errorcode = asBody(resp.data).errorcode;
    this.logger.debug(`NITRO ${call.method} ${call.path} -> ${resp.status}${errorcode ? ` errorcode ${errorcode}` : ""} (${Date.now() - started} ms)`);
    return { resp, request };
  }

  private networkFailure(call: Call, err: unknown, resent: boolean): NitroError {
    const code = networkCodeOf(err);
    const notSent = NOT_SENT.has(code ?? "") || isTlsVerificationCode(code);
    const isWrite = call.method !== "GET" && call.kind !== "auth";
    const reason = err instanceof Error ? err.message : String(err);
    return new NitroError({
      operation: call.operation,
      objectName: call.objectName,
      networkCode: code,
      nitroMessage: reason.replace(/(NITRO_AUTH_TOKEN|sessionid)=[^;\s]*/gi, "$1=[REDACTED]"),
      outcomeUnknown: isWrite && (!notSent || resent),
      request: redactRequest({ method: call.method, url: this.transport.origin + call.path, headers: { ...call.headers }, body: call.body }),
    });
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function networkCodeOf(err: unknown): string | undefined {
  if (err instanceof AxiosError) {
    const cause = err.cause as { code?: string } | undefined;
    // Our agent's connect timeout and proxy failures carry their own codes on the cause.
    return cause?.code ?? err.code;
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function asBody(data: unknown): NitroBody {
  if (data !== null && typeof data === "object" && !Array.isArray(data)) return data as NitroBody;
  if (typeof data === "string" && data.trim().startsWith("{")) {
    try {
      return JSON.parse(data) as NitroBody;
    } catch {
      return {};
    }
  }
  return {};
}

/** The NitroError for an HTTP answer that is not a success. */
export function errorFromResponse(what: { operation: string; objectName?: string }, resp: Pick<NitroResponse, "status" | "body" | "request">): NitroError {
  return new NitroError({
    operation: what.operation,
    objectName: what.objectName,
    status: resp.status,
    errorcode: typeof resp.body.errorcode === "number" ? resp.body.errorcode : undefined,
    nitroMessage: typeof resp.body.message === "string" ? resp.body.message : undefined,
    request: resp.request,
  });
}
