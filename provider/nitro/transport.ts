// Builds the HTTP transport for one session: refuses plain HTTP unless allowed, applies
// TLS trust, the relay, timeouts and the connection pool. Makes no request itself.
import axios, { type AxiosInstance } from "axios";
import { NitroHttpAgent, NitroHttpsAgent } from "./agent";
import { NitroError } from "./errors";
import { proxyFor } from "./proxy";
import { redactUrlCredentials } from "./redact";
import type { NitroClientDeps, NitroConnectionOptions, NitroLogger } from "./types";

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface Transport {
  http: AxiosInstance;
  origin: string;
  close(): void;
}

export function parseApplianceUrl(options: NitroConnectionOptions): URL {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new NitroError({ operation: "connect", objectName: options.url, message: `NetScaler URL "${options.url}" is not a valid URL: use https://host[:port].` });
  }
  if (url.protocol === "http:" && !options.allowHttp) {
    throw new NitroError({
      operation: "connect",
      objectName: url.origin,
      message: `Refusing plain HTTP to ${url.origin}: the password and session would travel unencrypted. Use https://, or set allowHttp: true if this is really wanted (e.g. a lab or the emulator).`,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new NitroError({ operation: "connect", objectName: options.url, message: `NetScaler URL "${options.url}" must start with https:// (or http:// with allowHttp).` });
  }
  return url;
}

export function createTransport(options: NitroConnectionOptions, deps: NitroClientDeps, logger: NitroLogger, maxSockets: number): Transport {
  const url = parseApplianceUrl(options);
  let proxy: URL | undefined;
  try {
    proxy = proxyFor(url, options.proxyUrl, deps.env ?? process.env);
  } catch (err) {
    throw new NitroError({ operation: "connect", objectName: url.origin, message: (err as Error).message });
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (proxy) logger.debug(`NITRO: reaching ${url.origin} through proxy ${redactUrlCredentials(proxy.toString())}`);

  let httpsAgent: NitroHttpsAgent | undefined;
  let httpAgent: NitroHttpAgent | undefined;
  if (url.protocol === "https:") {
    if (options.insecureSkipTlsVerify) {
      logger.warn(`NITRO: TLS certificate verification is DISABLED for ${url.origin} (insecureSkipTlsVerify); anyone on the path can read the password. Pass caCertificate instead.`);
    }
    httpsAgent = new NitroHttpsAgent({
      maxSockets,
      connectTimeoutMs,
      ca: options.caCertificate,
      rejectUnauthorized: !options.insecureSkipTlsVerify,
      proxy,
    });
  } else {
    logger.warn(`NITRO: using plain HTTP to ${url.origin} (allowHttp); the password travels unencrypted.`);
    httpAgent = new NitroHttpAgent(connectTimeoutMs, maxSockets);
  }

  const http = axios.create({
    baseURL: url.origin,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    httpsAgent,
    httpAgent,
    // Plain-HTTP relays take absolute-URI requests (axios does that); HTTPS goes through our CONNECT agent.
    proxy:
      proxy && url.protocol === "http:"
        ? {
            protocol: "http",
            host: proxy.hostname,
            port: Number(proxy.port || 80),
            ...(proxy.username ? { auth: { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) } } : {}),
          }
        : false,
    validateStatus: () => true,
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
    maxRedirects: 0,
    adapter: deps.adapter,
  });
  return {
    http,
    origin: url.origin,
    close: () => {
      httpsAgent?.destroy();
      httpAgent?.destroy();
    },
  };
}
