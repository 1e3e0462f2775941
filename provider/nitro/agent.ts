// Connection agents for the appliance: TLS settings, a connect timeout (TCP + TLS + tunnel),
// and for HTTPS through a relay an HTTP CONNECT tunnel. Keep-alive, one pool per session.
import type { Duplex } from "node:stream";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";
import { openTunnel, ProxyTunnelError } from "./proxy";

export interface AgentSettings {
  maxSockets: number;
  connectTimeoutMs: number;
  ca?: string;
  rejectUnauthorized: boolean;
  proxy?: URL;
}

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/** Destroys `socket` with ECONNECT_TIMEOUT unless `readyEvent` fires in time. */
function armConnectTimeout(socket: net.Socket, readyEvent: string, timeoutMs: number, what: string): void {
  const timer = setTimeout(() => {
    socket.destroy(new ProxyTunnelError(`${what} took longer than ${timeoutMs} ms`, "ECONNECT_TIMEOUT"));
  }, timeoutMs);
  const clear = () => clearTimeout(timer);
  socket.once(readyEvent, clear);
  socket.once("close", clear);
}

export class NitroHttpsAgent extends https.Agent {
  constructor(private readonly settings: AgentSettings) {
    super({ keepAlive: true, maxSockets: settings.maxSockets, ca: settings.ca, rejectUnauthorized: settings.rejectUnauthorized });
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
    const host = String(options.hostname ?? options.host ?? "localhost").replace(/^\[|\]$/g, "");
    const port = Number(options.port ?? 443);
    const tlsOptions: tls.ConnectionOptions = {
      ...(options as tls.ConnectionOptions),
      host,
      port,
      servername: net.isIP(host) ? undefined : host,
      ca: this.settings.ca,
      rejectUnauthorized: this.settings.rejectUnauthorized,
    };
    const { proxy, connectTimeoutMs } = this.settings;
    if (!proxy) {
      const socket = tls.connect(tlsOptions);
      armConnectTimeout(socket, "secureConnect", connectTimeoutMs, `Connecting to ${host}:${port}`);
      return socket;
    }
    const started = Date.now();
    openTunnel(proxy, host, port, connectTimeoutMs).then(
      (raw) => {
        const socket = tls.connect({ ...tlsOptions, socket: raw });
        armConnectTimeout(socket, "secureConnect", Math.max(1, connectTimeoutMs - (Date.now() - started)), `TLS handshake with ${host}:${port} through the proxy`);
        callback?.(null, socket);
      },
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

export class NitroHttpAgent extends http.Agent {
  constructor(private readonly connectTimeoutMs: number, maxSockets: number) {
    super({ keepAlive: true, maxSockets });
  }

  override createConnection(options: http.ClientRequestArgs): Duplex | null | undefined {
    const host = String(options.hostname ?? options.host ?? "localhost").replace(/^\[|\]$/g, "");
    const port = Number(options.port ?? 80);
    const socket = net.connect({ host, port });
    armConnectTimeout(socket, "connect", this.connectTimeoutMs, `Connecting to ${host}:${port}`);
    return socket;
  }
}
