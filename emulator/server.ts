// The HTTP(S) front: reads a request, serves inspection endpoints directly, and NITRO requests
// through latency, drop and failure faults, the dispatcher and the request log.
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Appliance } from "./appliance";
import { serveNitro, type NitroAnswer } from "./dispatch";
import { NitroError } from "./errors";
import type { Faults } from "./faults";
import { serveInspection, type InspectionTarget } from "./inspection";
import { servedVservers, type RequestLog } from "./requestlog";
import { errorBody } from "./wire";

const MAX_BODY_BYTES = 256 * 1024 * 1024;
const JSON_TYPE = "application/json; charset=utf-8";

export interface ServerParts {
  appliance: Appliance;
  faults: Faults;
  log: RequestLog;
  inspection: InspectionTarget;
}

export function requestListener(parts: ServerParts): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(parts, req, res).catch((error: unknown) => {
      // A bug in the emulator: answer 500 rather than hang the client.
      if (!res.headersSent) send(res, 500, errorBody(-1, `Emulator internal error: ${error instanceof Error ? error.message : String(error)}`));
    });
  };
}

async function handle(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedAtMs = performance.now();
  const method = req.method ?? "GET";
  const path = req.url ?? "/";
  const body = await readBody(req);
  if (path.startsWith("/__emulator/") || path === "/__emulator") {
    const reply = serveInspection(parts.inspection, method, path.split("?")[0], body);
    send(res, reply.status, reply.body);
    return;
  }
  const { appliance, faults, log } = parts;
  if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  const drop = faults.takeDrop(method, path);
  const logEntry = (status: number, errorcode: number, extra: { bulkItems?: number; unservedVservers?: string[]; dropped?: "before" | "after" } = {}): void =>
    log.add({ method, path, status, errorcode, startedAtMs, durationMs: performance.now() - startedAtMs, unservedVservers: [], ...extra });

  if (drop?.when === "before") {
    req.socket.destroy();
    logEntry(0, -1, { dropped: "before" });
    return;
  }
  const failure = faults.takeFailure(method, path);
  if (failure) {
    const message = failure.message ?? `Injected failure [${method} ${path}]`;
    send(res, failure.status, failure.errorcode === 0 ? { errorcode: 0, message, severity: "NONE" } : errorBody(failure.errorcode, message));
    logEntry(failure.status, failure.errorcode);
    return;
  }
  const writes = method !== "GET";
  const servedBefore = writes ? servedVservers(appliance) : undefined;
  let answer: NitroAnswer;
  try {
    answer = await serveNitro(appliance, { method, path, headers: req.headers, body });
  } catch (error) {
    if (!(error instanceof NitroError)) throw error;
    answer = { status: error.status, body: errorBody(error.errorcode, error.message) };
  }
  const servedAfter = servedBefore ? servedVservers(appliance) : undefined;
  const unservedVservers = servedBefore && servedAfter ? [...servedBefore].filter((v) => !servedAfter.has(v)) : [];
  const errorcode = typeof answer.body.errorcode === "number" ? answer.body.errorcode : 0;
  const extra = { unservedVservers, ...(answer.bulkItems !== undefined ? { bulkItems: answer.bulkItems } : {}) };
  if (drop?.when === "after") {
    req.socket.destroy();
    logEntry(0, -1, { ...extra, dropped: "after" });
    return;
  }
  send(res, answer.status, answer.body, answer.cookies);
  logEntry(answer.status, errorcode, extra);
}

function send(res: ServerResponse, status: number, body: unknown, cookies?: string[]): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[] | number> = { "Content-Type": JSON_TYPE, "Content-Length": Buffer.byteLength(text) };
  if (cookies && cookies.length > 0) headers["Set-Cookie"] = cookies;
  res.writeHead(status, headers);
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
