// ProviderHost: the REAL dynamic-provider plugin host from @pulumi/pulumi, started as the
// CLI would start it (program directory as cwd, engine address argument, port on the first
// stdout line) and driven over gRPC with the SDK's own stubs.
import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import type * as GrpcModule from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { ResourceProviderClient as ProviderClientType } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { asObject, JsonObject, JsonValue, jsonClean } from "./values";

const stubsPath = require.resolve("@pulumi/pulumi/proto/provider_grpc_pb");
// The stubs register their services with the grpc-js they resolve; use exactly that one.
const grpc = createRequire(stubsPath)("@grpc/grpc-js") as typeof GrpcModule;
const { ResourceProviderClient } = require(stubsPath) as { ResourceProviderClient: typeof ProviderClientType };

/** The host entry point inside the installed SDK (what `pulumi-resource-pulumi-nodejs` runs). */
export const DYNAMIC_PROVIDER_SCRIPT = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export interface ProviderHostOptions {
  /** Working directory of the host: the Pulumi program's directory. */
  cwd: string;
  /** Project name the host reports (unqualified config keys are read under it). */
  project?: string;
  stack?: string;
  /** Load TypeScript implementation modules in the host through tsx (tests run from sources). */
  typescript?: boolean;
  /** Extra node arguments placed before the script. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Engine address argument; nothing listens there, the host only requires the argument. */
  engineAddress?: string;
  startTimeoutMs?: number;
}

export interface CheckResult {
  inputs: JsonObject;
  failures: { property: string; reason: string }[];
}
export interface DiffResult {
  changes: "some" | "none" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}
export interface CreateResult {
  id: string;
  properties: JsonObject;
}
export interface ReadResult {
  id: string;
  properties: JsonObject;
  inputs?: JsonObject;
}

/** A failed host call: names the gRPC method and the resource, carries the host's message. */
export class HostCallError extends Error {
  constructor(
    readonly method: string,
    readonly urn: string,
    readonly code: number | undefined,
    readonly details: string,
  ) {
    super(`${method} ${urn || "(provider)"} failed in the dynamic-provider host: ${details}`);
    this.name = "HostCallError";
  }
}

function toStruct(value: JsonObject): Struct {
  return Struct.fromJavaScript(jsonClean(value) as Record<string, GrpcJsValue>);
}
type GrpcJsValue = Parameters<typeof Struct.fromJavaScript>[0][string];

function fromStruct(struct: Struct | undefined, what: string): JsonObject {
  return asObject((struct ? struct.toJavaScript() : {}) as JsonValue, what);
}

const diffChanges: Record<number, DiffResult["changes"]> = {
  [proto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
  [proto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
  [proto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
};

export class ProviderHost {
  private stdoutText = "";
  private stderrText = "";
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ProviderClientType,
    readonly port: number,
  ) {
    child.stdout?.on("data", (chunk: Buffer) => (this.stdoutText += chunk.toString("utf8")));
    child.stderr?.on("data", (chunk: Buffer) => (this.stderrText += chunk.toString("utf8")));
    child.on("exit", () => (this.exited = true));
  }

  /** Everything the host printed so far (stdout then stderr): scan it for leaked secrets. */
  get logs(): string {
    return `${this.stdoutText}\n${this.stderrText}`;
  }
  get stderr(): string {
    return this.stderrText;
  }

  static async start(options: ProviderHostOptions): Promise<ProviderHost> {
    const nodeArgs = [...(options.typescript ? ["--require", require.resolve("tsx/cjs")] : []), ...(options.nodeArgs ?? [])];
    const child = spawn(process.execPath, [...nodeArgs, DYNAMIC_PROVIDER_SCRIPT, options.engineAddress ?? "127.0.0.1:1"], {
      cwd: options.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        PULUMI_NODEJS_PROJECT: options.project ?? "project",
        PULUMI_NODEJS_STACK: options.stack ?? "stack",
        ...options.env,
      },
    });
    let early = "";
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`dynamic-provider host did not print its port within ${options.startTimeoutMs ?? 15000} ms`)), options.startTimeoutMs ?? 15000);
      const onData = (chunk: Buffer): void => {
        early += chunk.toString("utf8");
        const newline = early.indexOf("\n");
        if (newline < 0) return;
        const port = Number(early.slice(0, newline).trim());
        if (!Number.isInteger(port) || port <= 0) return fail(new Error(`dynamic-provider host printed ${JSON.stringify(early.slice(0, newline))} instead of a port`));
        cleanup();
        resolve(port);
      };
      const onExit = (code: number | null): void => fail(new Error(`dynamic-provider host exited with code ${code} before printing its port`));
      const cleanup = (): void => {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.off("exit", onExit);
      };
      function fail(error: Error): void {
        cleanup();
        killGroup(child);
        reject(error);
      }
      child.stdout?.on("data", onData);
      child.on("exit", onExit);
      child.on("error", (error) => fail(error));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    const host = new ProviderHost(child, client, port);
    host.stdoutText = early;
    return host;
  }

  /** Stops the host and its whole process group. Safe to call twice. */
  async close(): Promise<void> {
    this.client.close();
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    killGroup(this.child);
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2000))]);
  }

  private call<Req, Res>(method: string, urn: string, invoke: (req: Req, callback: (error: GrpcModule.ServiceError | null, response: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      invoke.call(this.client, req, (error, response) => {
        if (error) reject(new HostCallError(method, urn, error.code, error.details || error.message));
        else resolve(response);
      });
    });
  }

  /** Configure: the stack config (qualified keys, secrets unwrapped). Must come first. */
  async configure(config: Record<string, string>): Promise<void> {
    const req = new proto.ConfigureRequest();
    req.setArgs(toStruct(config));
    for (const [key, value] of Object.entries(config)) req.getVariablesMap().set(key, value);
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    await this.call("Configure", "", this.client.configure, req);
  }

  async check(urn: string, olds: JsonObject, news: JsonObject): Promise<CheckResult> {
    const req = new proto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res = await this.call<proto.CheckRequest, proto.CheckResponse>("Check", urn, this.client.check, req);
    return {
      inputs: fromStruct(res.getInputs(), `Check ${urn}`),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: JsonObject, news: JsonObject): Promise<DiffResult> {
    const req = new proto.DiffRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res = await this.call<proto.DiffRequest, proto.DiffResponse>("Diff", urn, this.client.diff, req);
    return { changes: diffChanges[res.getChanges()] ?? "unknown", replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
  }

  async create(urn: string, properties: JsonObject): Promise<CreateResult> {
    const req = new proto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    const res = await this.call<proto.CreateRequest, proto.CreateResponse>("Create", urn, this.client.create, req);
    return { id: res.getId(), properties: fromStruct(res.getProperties(), `Create ${urn}`) };
  }

  async read(id: string, urn: string, properties: JsonObject, inputs?: JsonObject): Promise<ReadResult> {
    const req = new proto.ReadRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    if (inputs) req.setInputs(toStruct(inputs));
    const res = await this.call<proto.ReadRequest, proto.ReadResponse>("Read", urn, this.client.read, req);
    const returnedInputs = res.getInputs();
    return {
      id: res.getId(),
      properties: fromStruct(res.getProperties(), `Read ${urn}`),
      ...(returnedInputs ? { inputs: fromStruct(returnedInputs, `Read ${urn}`) } : {}),
    };
  }

  async update(id: string, urn: string, olds: JsonObject, news: JsonObject): Promise<JsonObject> {
    const req = new proto.UpdateRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const res = await this.call<proto.UpdateRequest, proto.UpdateResponse>("Update", urn, this.client.update, req);
    return fromStruct(res.getProperties(), `Update ${urn}`);
  }

  async delete(id: string, urn: string, properties: JsonObject): Promise<void> {
    const req = new proto.DeleteRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    await this.call("Delete", urn, this.client.delete, req);
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL"); // detached: the child leads its own process group
  } catch {
    child.kill("SIGKILL");
  }
}
