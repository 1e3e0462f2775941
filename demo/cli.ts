// With the Pulumi CLI: a throw-away local backend and passphrase, a stack "demo" configured
// for the emulator, then `pulumi preview` and `pulumi up --yes` at the repository root.
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, rmSync } from "node:fs";
import * as path from "node:path";
import { DEMO_STACK, REPO_ROOT } from "./standin";

export const INSTALL_URL = "https://www.pulumi.com/docs/install/";
export const DEMO_PASSPHRASE = "demo";

/** Runs a command with inherited stdio; resolves with its exit code. */
export type Exec = (command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }) => Promise<number>;

export const spawnExec: Exec = (command, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: "inherit" });
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

/** The executable's path on PATH, or undefined. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface ConfigEntry {
  key: string;
  value: string;
  secret?: boolean;
}

export interface CliOptions {
  pulumi: string;
  /** Local backend directory (file:// state). */
  stateDir: string;
  config: ConfigEntry[];
  print(line: string): void;
  exec?: Exec;
}

/** NODE_OPTIONS that load tsx in every node process the CLI starts (program and plugin host). */
export function tsxNodeOptions(existing = process.env.NODE_OPTIONS): string {
  return [existing, `--require "${require.resolve("tsx/cjs")}"`].filter(Boolean).join(" ");
}

export async function runWithCli(options: CliOptions): Promise<boolean> {
  const exec = options.exec ?? spawnExec;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${options.stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    NODE_OPTIONS: tsxNodeOptions(),
  };
  // The CLI writes the stack's settings beside Pulumi.yaml; remove them after if they are ours.
  const settingsFile = path.join(REPO_ROOT, `Pulumi.${DEMO_STACK}.yaml`);
  const settingsWereThere = existsSync(settingsFile);
  const run = async (args: string[], shown = args): Promise<boolean> => {
    options.print(`\n$ pulumi ${shown.join(" ")}`);
    const code = await exec(options.pulumi, args, { env, cwd: REPO_ROOT });
    if (code !== 0) options.print(`pulumi ${shown[0]} exited with code ${code}`);
    return code === 0;
  };
  try {
    if (!(await run(["stack", "init", DEMO_STACK, "--non-interactive"]))) return false;
    for (const entry of options.config) {
      const args = ["config", "set", "--stack", DEMO_STACK, ...(entry.secret ? ["--secret"] : []), entry.key, entry.value];
      const shown = entry.secret ? [...args.slice(0, -1), "[secret]"] : args;
      if (!(await run(args, shown))) return false;
    }
    return (
      (await run(["preview", "--stack", DEMO_STACK, "--non-interactive", "--diff"])) &&
      (await run(["up", "--stack", DEMO_STACK, "--yes", "--non-interactive", "--diff"]))
    );
  } finally {
    if (!settingsWereThere) rmSync(settingsFile, { force: true });
  }
}
