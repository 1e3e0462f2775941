// Which module specifier a thin provider shim can require() at call time inside the real
// plugin host. The host compiles the serialized closure with require-from-string and no file
// name, so bare names resolve from the host's cwd (the program directory) and relative paths
// against that cwd; package self-reference never applies. See the report in test/harness/README.md.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { capture, CaptureResult, Engine, ProviderHost, ResourceState } from "../harness";

const PACKAGE_ROOT = path.resolve(__dirname, "../harness/fixtures/shim-pkg");
type ShimName = "byPackageName" | "byRelativePath" | "byAbsolutePath" | "byPackageNameThenPath";
type ShimModule = Record<ShimName, pulumi.dynamic.ResourceProvider>;

class ShimProbe extends pulumi.dynamic.Resource {}

function captureWith(shims: ShimModule, shim: ShimName): Promise<CaptureResult> {
  return capture(() => {
    new ShimProbe(shims[shim], shim, { label: shim });
  });
}

async function upOnce(host: ProviderHost, captured: CaptureResult): Promise<{ error?: string; state?: ResourceState }> {
  const engine = new Engine(host);
  const result = await engine.up(captured);
  return { error: result.steps[0].error, state: engine.state[0] };
}

describe("harness: thin-shim module specifiers inside the real plugin host", function () {
  this.timeout(30000);
  let workspace: string;
  let programDir: string;
  let installed: string;
  let installedShims: ShimModule;
  let sourceShims: ShimModule;
  const hosts: ProviderHost[] = [];
  const start = async (cwd: string): Promise<ProviderHost> => {
    const host = await ProviderHost.start({ cwd });
    hosts.push(host);
    return host;
  };

  before(() => {
    // A program directory with the package installed in its node_modules, as `npm install` leaves it.
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), "harness-shim-"));
    programDir = path.join(workspace, "program");
    installed = path.join(programDir, "node_modules", "harness-shim-pkg");
    fs.cpSync(PACKAGE_ROOT, installed, { recursive: true });
    installedShims = require(installed) as ShimModule;
    sourceShims = require(PACKAGE_ROOT) as ShimModule;
  });
  after(async () => {
    await Promise.all(hosts.map((host) => host.close()));
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("serializes each shim small, with the specifier and no implementation code", async () => {
    for (const shim of ["byPackageName", "byAbsolutePath"] as const) {
      const { provider } = (await captureWith(installedShims, shim)).resources[0];
      expect(provider.length, shim).to.be.below(3000);
      expect(provider, shim).not.to.include("loadedFrom");
    }
    const byName = (await captureWith(installedShims, "byPackageName")).resources[0].provider;
    expect(byName).to.include('require("harness-shim-pkg/impl")');
    expect(byName, "no machine path in state").not.to.include(workspace);
    const byPath = (await captureWith(installedShims, "byAbsolutePath")).resources[0].provider;
    expect(byPath).to.include(JSON.stringify(path.join(installed, "impl.js")));
  });

  it("with the program directory as cwd: the package name resolves from its node_modules; a relative path does not", async () => {
    const host = await start(programDir);
    const byName = await upOnce(host, await captureWith(installedShims, "byPackageName"));
    expect(byName.error).to.equal(undefined);
    expect(byName.state?.outputs.loadedFrom).to.equal(fs.realpathSync(path.join(installed, "impl.js")));
    const fallback = await upOnce(host, await captureWith(installedShims, "byPackageNameThenPath"));
    expect(fallback.state?.outputs.loadedFrom).to.equal(fs.realpathSync(path.join(installed, "impl.js")));
    const byPath = await upOnce(host, await captureWith(installedShims, "byAbsolutePath"));
    expect(byPath.error).to.equal(undefined);
    const relative = await upOnce(host, await captureWith(installedShims, "byRelativePath"));
    expect(relative.error).to.match(/Cannot find module '\.\/impl\.js'/);
    expect(relative.state).to.equal(undefined);
    // With an "exports" map, only listed subpaths resolve by name.
    expect(() => require.resolve("harness-shim-pkg/impl.js", { paths: [programDir] })).to.throw(/not defined by "exports"/);
  });

  it("with the package's own root as cwd (a program inside the package repo): no self-reference by name", async () => {
    const host = await start(PACKAGE_ROOT);
    const byName = await upOnce(host, await captureWith(sourceShims, "byPackageName"));
    expect(byName.error).to.match(/Cannot find module 'harness-shim-pkg\/impl'/);
    const relative = await upOnce(host, await captureWith(sourceShims, "byRelativePath"));
    expect(relative.error).to.equal(undefined);
    const fallback = await upOnce(host, await captureWith(sourceShims, "byPackageNameThenPath"));
    expect(fallback.error).to.equal(undefined);
    expect(fallback.state?.outputs.loadedFrom).to.equal(path.join(PACKAGE_ROOT, "impl.js"));
  });

  it("an upgraded package reaches existing state by name; a moved program breaks the absolute path only", async () => {
    const oldHost = await start(programDir);
    const states: Partial<Record<ShimName, ResourceState>> = {};
    for (const shim of ["byPackageName", "byAbsolutePath", "byPackageNameThenPath"] as const) {
      states[shim] = (await upOnce(oldHost, await captureWith(installedShims, shim))).state;
      expect(states[shim]?.outputs.version, shim).to.equal("1.0.0");
    }
    // Upgrade the installed package in place, then move the whole program directory.
    const manifest = path.join(installed, "package.json");
    fs.writeFileSync(manifest, fs.readFileSync(manifest, "utf8").replace('"version": "1.0.0"', '"version": "2.0.0"'));
    const movedDir = path.join(workspace, "moved-program");
    fs.renameSync(programDir, movedDir);
    const newHost = await start(movedDir);
    const refreshed: Partial<Record<ShimName, { ok: boolean; version?: unknown; error?: string }>> = {};
    for (const [shim, state] of Object.entries(states) as [ShimName, ResourceState][]) {
      const engine = new Engine(newHost, { state: [state] });
      const result = await engine.refresh();
      refreshed[shim] = { ok: result.ok, version: result.steps[0].outputs?.version, error: result.steps[0].error };
      expect(engine.state[0]?.outputs.__provider ?? state.outputs.__provider, "refresh keeps the serialized shim").to.equal(state.outputs.__provider);
    }
    expect(refreshed.byPackageName).to.deep.include({ ok: true, version: "2.0.0" });
    expect(refreshed.byPackageNameThenPath).to.deep.include({ ok: true, version: "2.0.0" });
    expect(refreshed.byAbsolutePath?.ok).to.equal(false);
    expect(refreshed.byAbsolutePath?.error).to.match(/Cannot find module/);
  });
});
