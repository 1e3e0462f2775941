// Shared set-up for the example tests: each example's index.ts runs through the engine
// stand-in (capture → real plugin host → Engine) against an in-process emulator, with the
// stack config a user would set and PEM files written to a temp dir at test time.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator, type EmulatorOptions, type PartitionConfigSnapshot } from "../../emulator";
import { capture, Engine, ProviderHost, UNKNOWN, type CaptureResult, type DeploymentResult, type StackConfig } from "../harness";
import type { IssuedCertificate } from "../support/certs";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const EXAMPLES_DIR = path.join(REPO_ROOT, "examples");
export const STACK = "dev";
/** Distinctive, so a scan of logs and state finds any leak. */
export const PASSWORD = "Ex4mple-pw-5e1b77-never-log";
const USERNAME = "certsync";

/** The project name in a Pulumi.yaml (its `name:` line). */
export function projectNameOf(dir: string): string {
  const match = /^name:\s*(\S+)\s*$/m.exec(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
  if (!match) throw new Error(`${dir}/Pulumi.yaml has no name: line`);
  return match[1];
}

/**
 * A program file as the harness captures it: required afresh each time (a new `pulumi up`
 * runs the program again), its imports kept from the first load.
 */
export function programFile(file: string): () => void {
  const resolved = require.resolve(file);
  return () => {
    delete require.cache[resolved];
    require(resolved);
  };
}

export interface ExampleStage {
  dir: string;
  project: string;
  emulator: Emulator;
  host: ProviderHost;
  engine: Engine;
  /** Temp dir for PEM files; removed by close(). */
  tmp: string;
  /** Stack config for the appliance (netscaler:*, applianceCaFile); add the example's own keys. */
  applianceConfig: StackConfig;
  /** Captures the program with this stack config (preview: unknown outputs stay UNKNOWN). */
  capture(config: StackConfig, options?: { preview?: boolean }): Promise<CaptureResult>;
  writeFile(name: string, content: string): string;
  close(): Promise<void>;
}

/** An emulator, the real plugin host started in the program's directory (as the CLI does) and an engine. */
export async function startStage(dir: string, options: EmulatorOptions = {}, entry = "index.ts"): Promise<ExampleStage> {
  const project = projectNameOf(dir);
  const emulator = await startEmulator({ users: [{ username: USERNAME, password: PASSWORD }], vservers: [{ name: "vs_https", sni: true }], ...options });
  const tmp = mkdtempSync(path.join(tmpdir(), `certsync-${project}-`));
  let host: ProviderHost | undefined;
  try {
    host = await ProviderHost.start({ cwd: dir, project, stack: STACK, typescript: true });
  } catch (error) {
    await emulator.close();
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  const engine = new Engine(host);
  const writeFile = (name: string, content: string): string => {
    const file = path.join(tmp, name);
    writeFileSync(file, content);
    return file;
  };
  const applianceConfig: StackConfig = {
    "netscaler:url": emulator.url,
    "netscaler:username": USERNAME,
    "netscaler:password": { secret: PASSWORD },
    ...(emulator.caCertificatePem ? { applianceCaFile: writeFile("appliance-ca.pem", emulator.caCertificatePem) } : {}),
  };
  const program = programFile(path.join(dir, entry));
  return {
    dir,
    project,
    emulator,
    host,
    engine,
    tmp,
    applianceConfig,
    writeFile,
    capture: (config, captureOptions = {}) =>
      capture(program, {
        project,
        stack: STACK,
        config: { ...applianceConfig, ...config },
        preview: captureOptions.preview ?? false,
        // Resources already deployed answer with their recorded outputs, as the engine would.
        outputs: ({ name }) => engine.stateOf(name)?.outputs,
      }),
    close: async () => {
      await host?.close();
      await emulator.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Writes a certificate and its key as <name>.crt / <name>.key; returns both paths. */
export function writeCertificate(stage: ExampleStage, name: string, cert: IssuedCertificate): { certificate: string; privateKey: string } {
  return {
    certificate: stage.writeFile(`${name}.crt`, cert.certificatePem),
    privateKey: stage.writeFile(`${name}.key`, cert.key.privateKeyPem),
  };
}

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * `pulumi up` for programs that feed one resource's outputs into another: the engine registers
 * a resource once the outputs it waits for are known. Here: deploy, in waves, the resources
 * whose inputs are complete, then the whole program with every output known.
 */
export async function upInWaves(stage: ExampleStage, config: StackConfig): Promise<DeploymentResult> {
  const steps: DeploymentResult["steps"] = [];
  for (let wave = 0; wave < 10; wave++) {
    const captured = await stage.capture(config, { preview: true });
    const ready = captured.resources.filter((r) => !containsUnknown(r.plainInputs));
    if (ready.length === captured.resources.length) {
      const final = await stage.engine.up(await stage.capture(config));
      // A resource deployed in an earlier wave shows its create, not the final "same".
      const earlier = new Map(steps.map((s) => [s.urn, s]));
      return { ok: final.ok, steps: final.steps.map((s) => (s.op === "same" && earlier.get(s.urn)?.op === "create" ? earlier.get(s.urn)! : s)) };
    }
    if (ready.every((r) => stage.engine.stateOf(r.urn))) throw new Error(`upInWaves: no progress; waiting: ${captured.resources.filter((r) => !ready.includes(r)).map((r) => r.name).join(", ")}`);
    const result = await stage.engine.up({ ...captured, resources: ready });
    if (!result.ok) return result;
    steps.push(...result.steps.filter((s) => !steps.some((earlier) => earlier.urn === s.urn)));
  }
  throw new Error("upInWaves: more than 10 waves");
}

export function running(stage: ExampleStage): PartitionConfigSnapshot {
  return stage.emulator.state().running.default;
}

/** Everything on the appliance, to assert a destroy left it as it was. */
export function applianceContents(stage: ExampleStage): { certkeys: string[]; bindings: string[]; files: string[] } {
  const state = stage.emulator.state();
  const config = state.running.default;
  return {
    certkeys: Object.keys(config.certkeys).sort(),
    bindings: config.bindings.map((b) => `${b.vservername}<-${b.certkeyname}`).sort(),
    files: Object.keys(state.files.default ?? {}).sort(),
  };
}

export function opsOf(result: DeploymentResult): string[] {
  return result.steps.map((s) => `${s.op} ${s.name}`);
}

/** Requests other than reads, login and logout. */
export function writesIn(emulator: Emulator): string[] {
  return emulator
    .requests()
    .filter((r) => r.method !== "GET" && !/\/config\/(login|logout)\b/.test(r.path))
    .map((r) => `${r.method} ${r.path}`);
}
