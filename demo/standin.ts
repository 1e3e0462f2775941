// Without the Pulumi CLI: the same demo program through the project's engine stand-in
// (test/harness): capture the program, the real dynamic-provider host from @pulumi/pulumi,
// and the engine's call sequences for preview and up.
import * as path from "node:path";
import { capture, Engine, ProviderHost, type DeploymentResult, type StackConfig } from "../test/harness";
import { formatSteps } from "./report";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const DEMO_PROJECT = "certsync-demo";
export const DEMO_STACK = "demo";
const PROGRAM = path.join(__dirname, "index.ts");

export interface StandInPhase {
  title: string;
  result: DeploymentResult;
}

export interface StandInOptions {
  config: StackConfig;
  print(line: string): void;
  /** Runs between the no-op up and the last preview/up: e.g. renews a certificate's files. */
  change?: { title: string; apply(): void };
  /** Counts the appliance's write requests per up (the emulator's request log). */
  appliance?: { clearRequests(): void; writeCount(): number };
}

/** The demo program, evaluated afresh for every deployment, as each `pulumi` command does. */
function runProgram(): void {
  delete require.cache[PROGRAM];
  require(PROGRAM);
}

export async function runWithStandIn(options: StandInOptions): Promise<StandInPhase[]> {
  const { config, print } = options;
  const host = await ProviderHost.start({ cwd: REPO_ROOT, project: DEMO_PROJECT, stack: DEMO_STACK, typescript: true });
  const engine = new Engine(host);
  const phases: StandInPhase[] = [];
  const phase = async (title: string, kind: "preview" | "up"): Promise<boolean> => {
    print(`\n$ ${title}`);
    const before = engine.state;
    options.appliance?.clearRequests();
    const program = await capture(runProgram, { project: DEMO_PROJECT, stack: DEMO_STACK, config, preview: kind === "preview" });
    const result = kind === "preview" ? await engine.preview(program) : await engine.up(program);
    for (const line of formatSteps(result, before, program.resources)) print(line);
    if (kind === "up" && options.appliance) print(`  (${options.appliance.writeCount()} write requests to the appliance)`);
    phases.push({ title, result });
    return result.ok;
  };
  try {
    const ok =
      (await phase("pulumi preview", "preview")) &&
      (await phase("pulumi up --yes", "up")) &&
      (await phase("pulumi up --yes   # again: nothing to do", "up"));
    if (ok && options.change) {
      print(`\n# ${options.change.title}`);
      options.change.apply();
      if (await phase("pulumi preview", "preview")) await phase("pulumi up --yes", "up");
    }
  } finally {
    await host.close();
  }
  return phases;
}
