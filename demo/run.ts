// `npm run demo`: starts the bundled NITRO emulator in this process, generates certificates,
// points the demo stack (Pulumi.yaml at the repository root, program in demo/) at both, and
// deploys with the Pulumi CLI when it is installed, else with the project's engine stand-in.
// Then prints what is on the emulator.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type EmulatorSnapshot } from "../emulator";
import { findOnPath, INSTALL_URL, runWithCli, type Exec } from "./cli";
import { createDemoPki } from "./pki";
import { formatAppliance } from "./report";
import { DEMO_PROJECT, runWithStandIn, type StandInPhase } from "./standin";

const USERNAME = "nsroot";
const PASSWORD = "nsroot"; // the emulator's default administrator

export interface DemoOptions {
  print?: (line: string) => void;
  /** The pulumi executable; null: behave as if it were not installed; default: looked up on PATH. */
  pulumi?: string | null;
  exec?: Exec;
}

export interface DemoResult {
  ok: boolean;
  mode: "cli" | "stand-in";
  phases: StandInPhase[];
  appliance: EmulatorSnapshot;
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const pulumi = options.pulumi === undefined ? findOnPath("pulumi") : (options.pulumi ?? undefined);
  const emulator = await startEmulator({ vservers: [{ name: "vs_demo", sni: true }] });
  const tmp = mkdtempSync(path.join(tmpdir(), "certsync-demo-"));
  try {
    print(`NITRO emulator listening on ${emulator.url} (user ${USERNAME}, SSL vserver vs_demo with SNI)`);
    const certificateDir = path.join(tmp, "certificates");
    const stateDir = path.join(tmp, "state");
    for (const dir of [certificateDir, stateDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(certificateDir, "appliance-ca.pem"), emulator.caCertificatePem ?? "");
    const pki = createDemoPki(certificateDir);
    for (const site of ["www", "api"]) pki.writeSite(site);
    print(`certificates for www.demo.test and api.demo.test (and their intermediate) written to ${certificateDir}`);

    const config = [
      { key: "netscaler:url", value: emulator.url },
      { key: "netscaler:username", value: USERNAME },
      { key: "netscaler:password", value: PASSWORD, secret: true },
      { key: `${DEMO_PROJECT}:certificateDir`, value: certificateDir },
    ];
    let ok: boolean;
    let phases: StandInPhase[] = [];
    let mode: DemoResult["mode"];
    if (pulumi) {
      mode = "cli";
      print(`using the Pulumi CLI at ${pulumi}, state in ${stateDir} (passphrase "demo")`);
      ok = await runWithCli({ pulumi, stateDir, config, print, ...(options.exec ? { exec: options.exec } : {}) });
    } else {
      mode = "stand-in";
      print("");
      print("The Pulumi CLI (pulumi) is not on the PATH. To run this demo with it, install it:");
      print(`  ${INSTALL_URL}`);
      print("and run `npm run demo` again.");
      print("Continuing with the bundled engine stand-in (test/harness): the same program, the real");
      print("dynamic-provider host from @pulumi/pulumi, driven with the engine's preview and up calls.");
      phases = await runWithStandIn({
        config: Object.fromEntries(config.map((e) => [e.key, e.secret ? { secret: e.value } : e.value])),
        print,
        change: { title: "renewal: new certificate and key for www.demo.test", apply: () => void pki.writeSite("www") },
        appliance: {
          clearRequests: () => emulator.clearRequests(),
          // Login and logout are writes too, but not changes to the configuration.
          writeCount: () => emulator.requests().filter((r) => r.method !== "GET" && !/\/config\/(login|logout)\b/.test(r.path)).length,
        },
      });
      ok = phases.length > 0 && phases.every((p) => p.result.ok);
    }
    const appliance = emulator.state();
    print(`\nOn the emulator (${emulator.url}), partition default:`);
    for (const line of formatAppliance(appliance)) print(line);
    print(ok ? "\ndemo finished" : "\ndemo FAILED (see above)");
    return { ok, mode, phases, appliance };
  } finally {
    await emulator.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runDemo().then(
    (result) => {
      process.exitCode = result.ok ? 0 : 1;
    },
    (error: unknown) => {
      console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
