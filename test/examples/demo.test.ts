// The demo runner (npm run demo): the stand-in path end to end against its in-process emulator,
// the Pulumi CLI path with a recorded exec, and the pieces it prints with.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { findOnPath, INSTALL_URL, type Exec } from "../../demo/cli";
import { inputDiff } from "../../demo/report";
import { runDemo, type DemoResult } from "../../demo/run";
import { DEMO_PROJECT, REPO_ROOT } from "../../demo/standin";
import { projectNameOf } from "./support";

interface ExecCall {
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function recordingExec(failOn?: string): { exec: Exec; calls: ExecCall[] } {
  const calls: ExecCall[] = [];
  return {
    calls,
    exec: async (_command, args, options) => {
      calls.push({ args, env: options.env, cwd: options.cwd });
      return args[0] === failOn ? 1 : 0;
    },
  };
}

describe("demo (npm run demo)", function () {
  this.timeout(60000);

  describe("without the Pulumi CLI: the engine stand-in", () => {
    let result: DemoResult;
    const output: string[] = [];

    before(async () => {
      result = await runDemo({ pulumi: null, print: (line) => output.push(line) });
    });

    it("says how to install the CLI, then continues with the stand-in", () => {
      expect(result.mode).to.equal("stand-in");
      expect(output.join("\n")).to.include(INSTALL_URL).and.to.include("engine stand-in");
    });

    it("previews, creates, finds nothing to do on the second up, then previews and applies a renewal", () => {
      expect(result.ok, output.join("\n")).to.equal(true);
      expect(result.phases.map((p) => `${p.title.split("   #")[0]}: ${p.result.steps.map((s) => s.op).join(",")}`)).to.deep.equal([
        "pulumi preview: create",
        "pulumi up --yes: create",
        "pulumi up --yes: same",
        "pulumi preview: update",
        "pulumi up --yes: update",
      ]);
      const text = output.join("\n");
      expect(text).to.include("(0 write requests to the appliance)");
      expect(text).to.match(/~ certificates\.www\.certificate: \(CN=www\.demo\.test, serial [0-9A-F]+\) => \(CN=www\.demo\.test, serial [0-9A-F]+\)/);
      expect(text).to.include("~ certificates.www.privateKey: [secret] => [secret]");
    });

    it("leaves both sites bound as SNI certificates on vs_demo, saved, and prints them", () => {
      const running = result.appliance.running.default;
      expect(running.bindings.filter((b) => !b.ca).map((b) => `${b.vservername}<-${b.certkeyname}:${b.snicert}`).sort()).to.deep.equal([
        "vs_demo<-certsync-api:true",
        "vs_demo<-certsync-www:true",
      ]);
      expect(result.appliance.saved.default.certkeys).to.deep.equal(running.certkeys);
      const text = output.join("\n");
      expect(text).to.include("vs_demo <- certsync-www (SNI)").and.to.include("saved configuration: same as running");
      expect(text).not.to.include("PRIVATE KEY");
    });
  });

  describe("with the Pulumi CLI (recorded, not run)", () => {
    it("uses a local backend and passphrase, configures the demo stack for the emulator, then previews and ups", async () => {
      const { exec, calls } = recordingExec();
      const output: string[] = [];
      const result = await runDemo({ pulumi: "/opt/pulumi/bin/pulumi", exec, print: (line) => output.push(line) });
      expect(result.ok).to.equal(true);
      expect(result.mode).to.equal("cli");
      const commands = calls.map((c) => c.args.filter((a) => !a.includes("/") && !a.startsWith("https:")).join(" "));
      expect(commands).to.deep.equal([
        "stack init demo --non-interactive",
        "config set --stack demo netscaler:url",
        "config set --stack demo netscaler:username nsroot",
        "config set --stack demo --secret netscaler:password nsroot",
        `config set --stack demo ${DEMO_PROJECT}:certificateDir`,
        "preview --stack demo --non-interactive --diff",
        "up --stack demo --yes --non-interactive --diff",
      ]);
      expect(calls[1].args.at(-1)).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
      for (const call of calls) {
        expect(call.cwd).to.equal(REPO_ROOT);
        expect(call.env.PULUMI_BACKEND_URL).to.match(/^file:\/\/.*certsync-demo-.*\/state$/);
        expect(call.env.PULUMI_CONFIG_PASSPHRASE).to.equal("demo");
        expect(call.env.NODE_OPTIONS).to.include("--require").and.to.include(path.join("tsx", "dist"));
      }
      expect(output.join("\n")).to.include("config set --stack demo --secret netscaler:password [secret]");
    });

    it("stops at the first failing command", async () => {
      const { exec, calls } = recordingExec("preview");
      const result = await runDemo({ pulumi: "/opt/pulumi/bin/pulumi", exec, print: () => undefined });
      expect(result.ok).to.equal(false);
      expect(calls.map((c) => c.args[0])).not.to.include("up");
    });
  });

  describe("pieces", () => {
    it("Pulumi.yaml at the root runs demo/ as project " + DEMO_PROJECT, () => {
      const yaml = readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8");
      expect(projectNameOf(REPO_ROOT)).to.equal(DEMO_PROJECT);
      expect(yaml).to.match(/^main: demo\/$/m);
    });

    it("findOnPath finds executables only", () => {
      const dir = mkdtempSync(path.join(tmpdir(), "certsync-path-"));
      try {
        writeFileSync(path.join(dir, "pulumi"), "#!/bin/sh\n");
        expect(findOnPath("pulumi", dir)).to.equal(undefined);
        chmodSync(path.join(dir, "pulumi"), 0o755);
        expect(findOnPath("pulumi", ["/nonexistent", dir].join(path.delimiter))).to.equal(path.join(dir, "pulumi"));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("inputDiff lists changed, added and removed paths and never prints a secret", () => {
      const lines = inputDiff(
        { __provider: "old", name: "a", certificates: { www: { privateKey: "key-one" } }, gone: true },
        { __provider: "new", name: "b", certificates: { www: { privateKey: "key-two" }, api: { certificate: "x" } } },
        ["certificates.www.privateKey"],
      );
      expect(lines).to.deep.equal(['~ name: "a" => "b"', "~ certificates.www.privateKey: [secret] => [secret]", '+ certificates.api: {"certificate":"x"}', "- gone"]);
    });
  });
});
