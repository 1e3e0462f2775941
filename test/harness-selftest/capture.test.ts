// capture() in process, no host: registrations, secrets, config, preview unknowns, isolation.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { capture, jsonClean, secretPaths, stripSecrets, UNKNOWN } from "../harness";
import { SECRET_SIG, SPECIAL_SIG_KEY } from "../harness/values";
import { ToyFile } from "../harness/fixtures/toy-resource";

const ENDPOINT = "http://127.0.0.1:1";
class Probe extends pulumi.dynamic.Resource {}

describe("harness: capture", () => {
  it("records each dynamic resource in order, with config read through pulumi.Config", async () => {
    const result = await capture(
      () => {
        const config = new pulumi.Config();
        new ToyFile("one", { endpoint: ENDPOINT, path: config.require("first"), content: "a" });
        new ToyFile("two", { endpoint: ENDPOINT, path: "b", content: config.requireSecret("body"), mode: "0600" }, { deleteBeforeReplace: true });
      },
      { project: "proj", stack: "prod", config: { first: "a.txt", "other:key": "x", body: { secret: "s3cret" } } },
    );
    expect(result.resources.map((r) => r.name)).to.deep.equal(["one", "two"]);
    expect(result.config).to.deep.equal({ "proj:first": "a.txt", "other:key": "x", "proj:body": "s3cret" });
    expect(result.secretConfigKeys).to.deep.equal(["proj:body"]);
    const [one, two] = result.resources;
    expect(one.plainInputs).to.include({ path: "a.txt", content: "a" });
    expect(one.secretInputs).to.deep.equal([]);
    expect(two.inputs.content).to.deep.equal({ [SPECIAL_SIG_KEY]: SECRET_SIG, value: "s3cret" });
    expect(two.plainInputs.content).to.equal("s3cret");
    expect(two.deleteBeforeReplace).to.equal(true);
    expect(one.deleteBeforeReplace).to.equal(false);
    expect(two.plainInputs.__provider).to.equal(two.provider);
  });

  it("is repeatable and isolated: a failing program does not disturb the next capture", async () => {
    let failure: unknown;
    try {
      await capture(() => {
        throw new Error("program broke");
      });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.include("program broke");
    const first = await capture(() => void new ToyFile("x", { endpoint: ENDPOINT, path: "x", content: "1" }), { project: "p1" });
    const second = await capture(() => void new ToyFile("y", { endpoint: ENDPOINT, path: "y", content: "2" }), { project: "p2" });
    expect(first.resources.map((r) => r.urn)).to.deep.equal(["urn:pulumi:stack::p1::pulumi-nodejs:dynamic/toy:ToyFile::x"]);
    expect(second.resources.map((r) => r.urn)).to.deep.equal(["urn:pulumi:stack::p2::pulumi-nodejs:dynamic/toy:ToyFile::y"]);
  });

  it("sends UNKNOWN for another resource's outputs in preview, and mock outputs on request", async () => {
    const program = (): void => {
      const a = new ToyFile("a", { endpoint: ENDPOINT, path: "a", content: "x" });
      new ToyFile("b", { endpoint: ENDPOINT, path: "b", content: a.sha256 });
    };
    const preview = await capture(program, { preview: true });
    expect(preview.resources[1].plainInputs.content).to.equal(UNKNOWN);
    const withOutputs = await capture(program, { outputs: ({ name }) => (name === "a" ? { sha256: "abc" } : undefined) });
    expect(withOutputs.resources[1].plainInputs.content).to.equal("abc");
  });

  it("marks __provider secret when the closure captured a secret", async () => {
    const password = pulumi.secret("hunter2");
    const result = await capture(() => {
      new Probe({ create: async () => ({ id: String(password), outs: {} }) }, "leaky", {});
    });
    expect(result.resources[0].secretInputs).to.deep.equal(["__provider"]);
    expect(result.resources[0].provider).to.be.a("string");
  });
});

describe("harness: JSON values", () => {
  const secret = (value: string) => ({ [SPECIAL_SIG_KEY]: SECRET_SIG, value });

  it("strips secrets at any depth and lists their paths", () => {
    const value = { a: secret("x"), b: [1, { c: secret("y") }], d: "plain" };
    expect(stripSecrets(value)).to.deep.equal({ a: "x", b: [1, { c: "y" }], d: "plain" });
    expect(secretPaths(value)).to.deep.equal(["a", "b[1].c"]);
  });

  it("drops undefined members and refuses what JSON cannot carry", () => {
    expect(jsonClean({ a: undefined, b: [undefined, 1], c: { d: null } })).to.deep.equal({ b: [null, 1], c: { d: null } });
    expect(() => jsonClean({ n: Number.NaN })).to.throw(/\$\.n is NaN/);
    expect(() => jsonClean({ f: () => 1 })).to.throw(/\$\.f is a function/);
  });
});
