// A tiny NITRO stand-in for unit tests: a node:http(s) server on 127.0.0.1:0 that logs in,
// logs out, records every request and answers the rest through a handler the test writes.
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  delayMs?: number;
  /** Cut the connection instead of answering. */
  destroy?: boolean;
}

export type Handler = (req: SeenRequest) => Reply | undefined | Promise<Reply | undefined>;

export interface FakeAppliance {
  url: string;
  requests: SeenRequest[];
  /** Requests other than login/logout/partition switch. */
  work(): SeenRequest[];
  peakInFlight: number;
  close(): Promise<void>;
}

export const DONE = { errorcode: 0, message: "Done", severity: "NONE" };
export const nitroError = (status: number, errorcode: number, message: string): Reply => ({ status, body: { errorcode, message, severity: "ERROR" } });

const SESSION_PATHS = ["/nitro/v1/config/login", "/nitro/v1/config/logout", "/nitro/v1/config/nspartition"];

export async function startFake(handler: Handler, tlsOptions?: { key: string; cert: string }): Promise<FakeAppliance> {
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  const fake: FakeAppliance = {
    url: "",
    requests,
    work: () => requests.filter((r) => !SESSION_PATHS.some((p) => r.url.startsWith(p))),
    peakInFlight: 0,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  let sessions = 0;
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      inFlight++;
      fake.peakInFlight = Math.max(fake.peakInFlight, inFlight);
      const text = Buffer.concat(chunks).toString("utf8");
      const seen: SeenRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: text ? JSON.parse(text) : undefined };
      requests.push(seen);
      let reply = await handler(seen);
      if (!reply && seen.url.startsWith("/nitro/v1/config/login")) {
        sessions++;
        const id = `##SESSION${sessions}`;
        reply = { status: 201, body: { ...DONE, sessionid: id }, headers: { "Set-Cookie": `NITRO_AUTH_TOKEN=${id}; path=/nitro/v1` } };
      }
      if (!reply && SESSION_PATHS.some((p) => seen.url.startsWith(p))) reply = { status: 200, body: DONE };
      reply ??= { status: 200, body: DONE };
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      inFlight--;
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, { "Content-Type": "application/json; charset=utf-8", ...reply.headers });
      res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
    });
  };
  const server = tlsOptions ? https.createServer(tlsOptions, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  fake.url = `${tlsOptions ? "https" : "http"}://127.0.0.1:${port}`;
  return fake;
}

/** Options for talking plain HTTP to a fake, with no proxy from the environment. */
export function plain(fake: FakeAppliance, extra: Record<string, unknown> = {}) {
  return { url: fake.url, username: "nsroot", password: "s3cret-pass", allowHttp: true, ...extra };
}

export const noEnv = { env: {} };

/** Records waits instead of waiting. */
export function fakeSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}
