// Which relay (if any) to go through for a target, and the HTTP CONNECT tunnel to it.
// An explicit proxy URL wins; otherwise the usual variables are honoured, lower-case first
// as curl does: https_proxy/HTTPS_PROXY for https targets, http_proxy/HTTP_PROXY for http,
// and no_proxy/NO_PROXY lists hosts to reach directly.
import * as http from "node:http";
import * as net from "node:net";
import { redactUrlCredentials } from "./redact";

export type Env = Record<string, string | undefined>;

export function proxyFor(target: URL, explicit: string | undefined, env: Env): URL | undefined {
  if (explicit) return parseProxyUrl(explicit);
  const names = target.protocol === "https:" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"];
  const raw = names.map((n) => env[n]).find((v) => v !== undefined && v.trim() !== "");
  if (!raw) return undefined;
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? "";
  if (bypassesProxy(target, noProxy)) return undefined;
  return parseProxyUrl(raw);
}

function parseProxyUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    throw new Error(`Proxy URL "${redactUrlCredentials(raw)}" is not a valid URL: use http://host:port.`);
  }
  if (url.protocol !== "http:") {
    throw new Error(`Proxy URL "${redactUrlCredentials(raw)}" uses ${url.protocol}; only http:// proxies (HTTP CONNECT) are supported.`);
  }
  return url;
}

/** NO_PROXY entries: "*", host names (matching subdomains too, with or without a leading dot), IPs, optional :port. */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = stripBrackets(target.hostname).toLowerCase();
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  for (const rawEntry of noProxy.split(/[\s,]+/)) {
    const entry = rawEntry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    const { name, entryPort } = splitHostPort(entry);
    if (entryPort && entryPort !== port) continue;
    const bare = name.replace(/^\*?\./, "");
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

function splitHostPort(entry: string): { name: string; entryPort?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1], entryPort: bracketed[2] };
  const parts = entry.split(":");
  if (parts.length === 2 && /^\d+$/.test(parts[1])) return { name: parts[0], entryPort: parts[1] };
  return { name: entry };
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

export class ProxyTunnelError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Opens a raw TCP tunnel to host:port through an HTTP proxy (CONNECT). */
export function openTunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  const headers: Record<string, string> = { Host: authority };
  if (proxy.username || proxy.password) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers["Proxy-Authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: stripBrackets(proxy.hostname),
      port: Number(proxy.port || 80),
      method: "CONNECT",
      path: authority,
      headers,
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy(new ProxyTunnelError(`Connecting through proxy ${redactUrlCredentials(proxy.toString())} to ${authority} took longer than ${timeoutMs} ms`, "ECONNECT_TIMEOUT"));
    }, timeoutMs);
    req.once("connect", (res, socket) => {
      clearTimeout(timer);
      if (res.statusCode === 200) {
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(new ProxyTunnelError(`Proxy ${redactUrlCredentials(proxy.toString())} refused CONNECT to ${authority} with HTTP ${res.statusCode}`, "EPROXY"));
    });
    req.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}
