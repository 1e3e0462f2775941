// capture(): runs a Pulumi program under the SDK's mocks and records every dynamic resource
// exactly as the SDK would register it with the engine (inputs with secret sentinels, and
// the serialized `__provider`). Each capture runs in its own runtime store
// (the SDK's AsyncLocalStorage, the mechanism Automation API uses for inline programs), so
// captures are repeatable and independent within one process.
import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { asObject, JsonObject, JsonValue, secretPaths, stripSecrets } from "./values";

/** Stack config: keys "name" (the project's namespace is added) or "ns:name"; `{ secret }` marks a secret value. */
export type StackConfig = Record<string, string | { secret: string }>;

export interface CaptureOptions {
  project?: string;
  stack?: string;
  config?: StackConfig;
  /** Run as a preview: the SDK then sends UNKNOWN for values not known yet. */
  preview?: boolean;
  /**
   * Outputs the mock returns for a resource, merged over its inputs (e.g. an earlier
   * up's outputs, for programs that feed one resource's output into another).
   */
  outputs?: (resource: { type: string; name: string }) => Record<string, unknown> | undefined;
}

export interface CapturedResource {
  urn: string;
  type: string;
  name: string;
  /** Inputs exactly as registered, secret sentinels kept, `__provider` included. */
  inputs: JsonObject;
  /** The same with every secret unwrapped: what the engine sends to the plugin host. */
  plainInputs: JsonObject;
  /** Property paths of the inputs that were secret ("__provider" when the closure captured a secret). */
  secretInputs: string[];
  /** The serialized provider closure (plain text). */
  provider: string;
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
}

export interface CaptureResult {
  project: string;
  stack: string;
  /** Fully qualified config with secrets unwrapped: what `Configure` receives. */
  config: Record<string, string>;
  secretConfigKeys: string[];
  resources: CapturedResource[];
}

export const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";
const STACK_TYPE = "pulumi:pulumi:Stack";

type RegisterCallback = (error: Error | null, response?: RegisterResourceResponse) => void;
interface PatchableMonitor {
  registerResource(req: RegisterResourceRequest, callback: RegisterCallback): void;
}
// @internal in the SDK (not in its .d.ts): runs a callback with a fresh runtime store.
interface RuntimeState {
  withLocalStorage<T>(callback: () => T): T;
}
const runtimeState = require("@pulumi/pulumi/runtime/state") as RuntimeState;

export function qualifyConfig(project: string, config: StackConfig = {}): { values: Record<string, string>; secretKeys: string[] } {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const qualified = key.includes(":") ? key : `${project}:${key}`;
    values[qualified] = typeof value === "string" ? value : value.secret;
    if (typeof value !== "string") secretKeys.push(qualified);
  }
  return { values, secretKeys };
}

/** The engine does not qualify the type of a resource whose parent is the root stack; the mock monitor does. */
function engineUrn(mockUrn: string): string {
  return mockUrn.replace(`::${STACK_TYPE}$`, "::");
}

function recordOf(req: RegisterResourceRequest, urn: string): CapturedResource {
  const object = req.getObject();
  const inputs = asObject((object ? object.toJavaScript() : {}) as JsonValue, `capture ${req.getName()}`);
  const plainInputs = asObject(stripSecrets(inputs), `capture ${req.getName()}`);
  const provider = plainInputs.__provider;
  if (typeof provider !== "string") throw new Error(`capture: dynamic resource ${req.getName()} has no serialized __provider`);
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    inputs,
    plainInputs,
    secretInputs: secretPaths(inputs),
    provider,
    deleteBeforeReplace: req.getDeletebeforereplace(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
  };
}

function echoMocks(outputs: CaptureOptions["outputs"]): pulumi.runtime.Mocks {
  return {
    newResource: (args) => ({
      id: args.type.startsWith(DYNAMIC_TYPE_PREFIX) ? `${args.name}-id` : undefined,
      state: { ...args.inputs, ...outputs?.({ type: args.type, name: args.name }) },
    }),
    call: (args) => args.inputs,
  };
}

/** Runs `program` under mocks and returns the dynamic resources it registered, in registration order. */
export async function capture(program: () => void | Promise<void>, options: CaptureOptions = {}): Promise<CaptureResult> {
  const project = options.project ?? "project";
  const stack = options.stack ?? "stack";
  const { values, secretKeys } = qualifyConfig(project, options.config);
  return runtimeState.withLocalStorage(async () => {
    await pulumi.runtime.setMocks(echoMocks(options.outputs), project, stack, options.preview ?? false);
    pulumi.runtime.setAllConfig(values, secretKeys);
    const resources: CapturedResource[] = [];
    const monitor = pulumi.runtime.getMonitor() as unknown as PatchableMonitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      register(req, (error, response) => {
        if (!error && response && req.getType().startsWith(DYNAMIC_TYPE_PREFIX)) {
          try {
            resources.push(recordOf(req, engineUrn(response.getUrn())));
          } catch (recordError) {
            callback(recordError as Error);
            return;
          }
        }
        callback(error, response);
      });
    };
    try {
      await pulumi.runtime.runInPulumiStack(async () => {
        await program();
        return undefined;
      });
    } finally {
      await pulumi.runtime.disconnect();
    }
    return { project, stack, config: values, secretConfigKeys: secretKeys, resources };
  });
}
