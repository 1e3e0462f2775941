// The whole preview → up → up (no-op) → update → refresh → replace → destroy cycle of the toy
// resource, through the real dynamic-provider host. One host for the file.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { capture, CaptureResult, Engine, ProviderHost, UNKNOWN } from "../harness";
import { startToyStore, ToyStore } from "../harness/fixtures/toy-store";
import { ToyFile } from "../harness/fixtures/toy-resource";

const TOKEN = "toy-token-do-not-leak-7f3a";
const FIXTURES = path.resolve(__dirname, "../harness/fixtures");

describe("harness: toy resource lifecycle through the real plugin host", function () {
  this.timeout(30000);
  let store: ToyStore;
  let host: ProviderHost;
  let engine: Engine;

  interface ProgramOptions {
    body: string;
    filePath?: string;
    deleteBeforeReplace?: boolean;
  }
  // The body travels as secret stack config, so the registered `content` input is a secret.
  function program(options: ProgramOptions): Promise<CaptureResult> {
    return capture(
      () => {
        const config = new pulumi.Config();
        new ToyFile("readme", {
          endpoint: store.url,
          path: options.filePath ?? "docs/readme.txt",
          content: config.requireSecret("body"),
          deleteBeforeReplace: options.deleteBeforeReplace,
        });
      },
      { project: "toyproj", stack: "dev", config: { toyToken: { secret: TOKEN }, body: { secret: options.body } } },
    );
  }

  before(async () => {
    store = await startToyStore(TOKEN);
    host = await ProviderHost.start({ cwd: FIXTURES, project: "toyproj", stack: "dev", typescript: true });
    engine = new Engine(host);
  });
  after(async () => {
    await host?.close();
    await store?.close();
  });

  it("records the registration: secret content, plain copy, small serialized provider without secrets", async () => {
    const captured = await program({ body: "first body" });
    expect(captured.resources).to.have.length(1);
    const [file] = captured.resources;
    expect(file.urn).to.equal("urn:pulumi:dev::toyproj::pulumi-nodejs:dynamic/toy:ToyFile::readme");
    expect(file.secretInputs).to.deep.equal(["content"]);
    expect(file.plainInputs.content).to.equal("first body");
    expect(captured.config).to.deep.equal({ "toyproj:toyToken": TOKEN, "toyproj:body": "first body" });
    expect(file.provider).to.include("require(IMPLEMENTATION)");
    expect(file.provider).not.to.include(TOKEN);
    expect(file.provider).not.to.include("first body");
    expect(file.provider.length).to.be.below(4096);
  });

  it("preview of a new stack checks and writes nothing", async () => {
    const result = await engine.preview(await program({ body: "first body" }));
    expect(result.ok).to.equal(true);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["create"]);
    expect(store.writes).to.deep.equal([]);
    expect(engine.state).to.deep.equal([]);
  });

  it("up creates the file and records outputs with the serialized provider", async () => {
    const captured = await program({ body: "first body" });
    const result = await engine.up(captured);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["create"]);
    expect(store.writes).to.deep.equal(["PUT docs/readme.txt"]);
    expect(store.files.get("docs/readme.txt")).to.equal("first body");
    const state = engine.stateOf("readme");
    expect(state?.id).to.equal("docs/readme.txt");
    expect(state?.outputs).to.include({ path: "docs/readme.txt", mode: "0644", size: 10 });
    expect(state?.outputs.__provider).to.equal(captured.resources[0].provider);
    expect(state?.inputs.mode, "check's default is kept in the inputs").to.equal("0644");
    expect(state?.secretInputs).to.deep.equal(["content"]);
  });

  it("a second up with the same program is a no-op that keeps the old outputs and serialized provider", async () => {
    const before = engine.stateOf("readme");
    const captured = await program({ body: "first body" });
    const newProvider = `${captured.resources[0].provider}\n// a newer build of the shim\n`;
    captured.resources[0].plainInputs.__provider = newProvider;
    const result = await engine.up(captured);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["same"]);
    expect(store.writes).to.have.length(1);
    const after = engine.stateOf("readme");
    expect(after?.outputs).to.deep.equal(before?.outputs);
    expect(after?.inputs.__provider).to.equal(newProvider);
  });

  it("preview of a changed body shows an update of one property and writes nothing", async () => {
    const result = await engine.preview(await program({ body: "second body" }));
    expect(result.steps).to.have.length(1);
    expect(result.steps[0]).to.include({ op: "update" });
    expect(result.steps[0].diff).to.deep.equal({ changes: "some", replaces: [], deleteBeforeReplace: false });
    expect(store.writes).to.have.length(1);
  });

  it("preview with a value not known yet (UNKNOWN) plans an update", async () => {
    const captured = await program({ body: "first body" });
    captured.resources[0].plainInputs.content = UNKNOWN;
    const result = await engine.preview(captured);
    expect(result.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(store.writes).to.have.length(1);
  });

  it("up of a changed body updates in place", async () => {
    const result = await engine.up(await program({ body: "second body" }));
    expect(result.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(store.writes).to.deep.equal(["PUT docs/readme.txt", "PUT docs/readme.txt"]);
    expect(store.files.get("docs/readme.txt")).to.equal("second body");
    expect(engine.stateOf("readme")?.outputs.size).to.equal(11);
  });

  it("a failed update records nothing and keeps the old state", async () => {
    const before = engine.stateOf("readme");
    const result = await engine.up(await program({ body: "FAIL please" }));
    expect(result.ok).to.equal(false);
    expect(result.steps[0].op).to.equal("update");
    expect(result.steps[0].error).to.match(/Update .*readme failed .*refusing to write docs\/readme\.txt/);
    expect(engine.stateOf("readme")).to.deep.equal(before);
  });

  it("refresh reads with the stored outputs and reports drift", async () => {
    const clean = await engine.refresh();
    expect(clean.steps.map((s) => s.op)).to.deep.equal(["read"]);
    store.files.set("docs/readme.txt", "edited by hand");
    const drifted = await engine.refresh();
    expect(drifted.ok).to.equal(true);
    expect(drifted.steps[0].outputs?.size).to.equal(14);
    expect(engine.stateOf("readme")?.outputs.size).to.equal(14);
    const repaired = await engine.up(await program({ body: "second body" }));
    expect(repaired.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(store.files.get("docs/readme.txt")).to.equal("second body");
  });

  it("a new path replaces: create the new file first, delete the old one at the end", async () => {
    store.writes.length = 0;
    const result = await engine.up(await program({ body: "second body", filePath: "docs/moved.txt" }));
    expect(result.steps.map((s) => s.op)).to.deep.equal(["replace"]);
    expect(result.steps[0].diff?.replaces).to.deep.equal(["path"]);
    expect(store.writes).to.deep.equal(["PUT docs/moved.txt", "DELETE docs/readme.txt"]);
    expect(engine.stateOf("readme")?.id).to.equal("docs/moved.txt");
  });

  it("deleteBeforeReplace from the provider's diff deletes first", async () => {
    store.writes.length = 0;
    const result = await engine.up(await program({ body: "second body", filePath: "docs/third.txt", deleteBeforeReplace: true }));
    expect(result.steps[0].diff?.deleteBeforeReplace).to.equal(true);
    expect(store.writes).to.deep.equal(["DELETE docs/moved.txt", "PUT docs/third.txt"]);
  });

  it("check failures stop the up before anything is written, reporting every problem", async () => {
    store.writes.length = 0;
    const before = engine.state;
    const result = await engine.up(await program({ body: "", filePath: "Bad Path!" }));
    expect(result.ok).to.equal(false);
    expect(result.steps[0].checkFailures?.map((f) => f.property)).to.have.members(["path", "content"]);
    expect(store.writes).to.deep.equal([]);
    expect(engine.state).to.deep.equal(before);
  });

  it("destroy deletes with the stored outputs and empties the state", async () => {
    store.writes.length = 0;
    const result = await engine.destroy();
    expect(result.steps.map((s) => s.op)).to.deep.equal(["delete"]);
    expect(store.writes).to.deep.equal(["DELETE docs/third.txt"]);
    expect(store.files.size).to.equal(0);
    expect(engine.state).to.deep.equal([]);
  });

  it("refresh drops a resource whose object is gone; a failed create records nothing", async () => {
    await engine.up(await program({ body: "again" }));
    store.files.clear();
    const result = await engine.refresh();
    expect(result.steps[0]).to.include({ op: "read", gone: true });
    expect(engine.state).to.deep.equal([]);
    const failed = await engine.up(await program({ body: "FAIL now" }));
    expect(failed.steps[0]).to.include({ op: "create" });
    expect(failed.steps[0].error).to.match(/Create .*readme failed/);
    expect(engine.state).to.deep.equal([]);
  });

  it("the host never printed the store token or a secret body", () => {
    expect(host.logs).not.to.include(TOKEN);
    expect(host.logs).not.to.include("second body");
    expect(host.logs).not.to.include("first body");
  });
});
