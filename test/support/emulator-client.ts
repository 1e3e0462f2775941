// A deliberately plain HTTP(S) client for the emulator's conformance tests: node:https with the
// emulator's own certificate as the trust anchor, no retries, no cookie magic. (It is not the
// project's NITRO client on purpose: the tests pin the emulator's wire behaviour on their own.)
import type { IncomingHttpHeaders } from "node:http";
import http from "node:http";
import https from "node:https";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";

export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Json;
  errorcode: number;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** Session token sent as the NITRO_AUTH_TOKEN cookie (the default way). */
  token?: string;
}

export class TestClient {
  private readonly agent: http.Agent;
  constructor(
    /** An emulator, or just where one listens (e.g. one started from the CLI). */
    readonly emulator: Pick<Emulator, "url" | "caCertificatePem">,
    /** Session token used when a request names none. */
    public token?: string,
  ) {
    const secure = emulator.url.startsWith("https:");
    this.agent = secure ? new https.Agent({ ca: emulator.caCertificatePem, keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const url = new URL(path.startsWith("/__emulator") || path.startsWith("/nitro") ? path : `/nitro/v1/config/${path}`, this.emulator.url);
    // Keep the path exactly as the test wrote it (URL would normalise encodings).
    const rawPath = path.startsWith("/") ? path : `/nitro/v1/config/${path}`;
    const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string | string[]> = { ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...options.headers };
    const token = options.token ?? this.token;
    if (token !== undefined && !("Cookie" in headers) && !("X-NITRO-USER" in headers)) headers.Cookie = `NITRO_AUTH_TOKEN=${token}`;
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        { host: url.hostname, port: url.port, path: rawPath, method, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const parsed = text ? (JSON.parse(text) as Json) : {};
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, errorcode: typeof parsed.errorcode === "number" ? parsed.errorcode : NaN });
          });
        },
      );
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  get(path: string, options?: RequestOptions): Promise<Reply> {
    return this.request("GET", path, options);
  }
  post(path: string, body: unknown, options?: RequestOptions): Promise<Reply> {
    return this.request("POST", path, { ...options, body });
  }
  put(path: string, body: unknown, options?: RequestOptions): Promise<Reply> {
    return this.request("PUT", path, { ...options, body });
  }
  delete(path: string, options?: RequestOptions): Promise<Reply> {
    return this.request("DELETE", path, options);
  }

  /** Logs in and returns the session token (also kept as this client's default). */
  async login(username = "nsroot", password = "nsroot", timeout?: number): Promise<string> {
    const reply = await this.post("login", { login: { username, password, ...(timeout !== undefined ? { timeout } : {}) } });
    if (reply.status !== 201) throw new Error(`login as ${username} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.token = String(reply.body.sessionid);
    return this.token;
  }

  /** Uploads a text file (base64) to /nsconfig/ssl/. */
  async upload(fileName: string, content: string, folder = "/nsconfig/ssl/"): Promise<Reply> {
    return this.post("systemfile", { systemfile: { filename: fileName, filelocation: folder, filecontent: Buffer.from(content).toString("base64"), fileencoding: "BASE64" } });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The objects of a GET answer (an empty list when the type key is absent). */
export function objects(reply: Reply, type: string): Json[] {
  const value = reply.body[type];
  return Array.isArray(value) ? (value as Json[]) : [];
}

/** Starts an emulator and a logged-in client (nsroot). */
export async function emulatorWithClient(options: EmulatorOptions = {}): Promise<{ emulator: Emulator; client: TestClient }> {
  const emulator = await startEmulator(options);
  const client = new TestClient(emulator);
  await client.login();
  return { emulator, client };
}

export async function stop(setup: { emulator: Emulator; client: TestClient } | undefined): Promise<void> {
  if (!setup) return;
  setup.client.close();
  await setup.emulator.close();
}
