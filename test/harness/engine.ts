// Engine: a stand-in for the Pulumi engine's step generator and state, driving a
// ProviderHost with the call sequences the real engine uses (see /work/shared/PULUMI.md).
// It keeps the stack state between calls exactly as the engine would persist it.
import { isDeepStrictEqual } from "node:util";
import type { CaptureResult, CapturedResource } from "./capture";
import { CheckResult, DiffResult, ProviderHost } from "./host";
import type { JsonObject } from "./values";

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  /** Checked inputs, plain, including the `__provider` they were checked with. */
  inputs: JsonObject;
  /** Outputs, plain, including the `__provider` that wrote them (used by Read and Delete). */
  outputs: JsonObject;
  /** Top-level input keys that were secret: the engine re-marks the same output keys secret. */
  secretInputs: string[];
  /** Output keys the engine would store as secrets. */
  secretOutputs: string[];
}

export type StepOp = "same" | "create" | "update" | "replace" | "delete" | "read";

export interface StepResult {
  urn: string;
  name: string;
  op: StepOp;
  diff?: DiffResult;
  checkFailures?: CheckResult["failures"];
  /** Outputs after the step (for preview of existing resources: the stored ones). */
  outputs?: JsonObject;
  /** refresh only: the provider reported the object gone; it left the state. */
  gone?: boolean;
  error?: string;
}

export interface DeploymentResult {
  /** No step failed and no check failed. */
  ok: boolean;
  steps: StepResult[];
}

/** What to deploy: a capture, or its resources (possibly edited by the test). */
export type Program = CaptureResult | CapturedResource[];

export interface EngineOptions {
  /** Stack config sent by Configure when a deployment does not carry one (refresh, destroy). */
  config?: Record<string, string>;
  /** Start from this state (e.g. written by an earlier Engine). */
  state?: ResourceState[];
}

const PROVIDER_KEY = "__provider";

function resourcesOf(program: Program): CapturedResource[] {
  return Array.isArray(program) ? program : program.resources;
}

function topLevelSecrets(resource: CapturedResource): string[] {
  return [...new Set(resource.secretInputs.map((path) => path.split(/[.[]/)[0]))];
}

function secretOutputsOf(outputs: JsonObject, secretInputs: string[], additional: string[]): string[] {
  return Object.keys(outputs).filter((key) => key !== PROVIDER_KEY && (secretInputs.includes(key) || additional.includes(key)));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Engine {
  private readonly resources = new Map<string, ResourceState>();
  private configured = false;

  constructor(
    readonly host: ProviderHost,
    private readonly options: EngineOptions = {},
  ) {
    for (const entry of options.state ?? []) this.resources.set(entry.urn, structuredClone(entry));
  }

  /** A copy of the stack state, in creation order. */
  get state(): ResourceState[] {
    return [...this.resources.values()].map((entry) => structuredClone(entry));
  }

  stateOf(name: string): ResourceState | undefined {
    return this.state.find((entry) => entry.name === name || entry.urn === name);
  }

  /**
   * Sends Configure. The host configures each distinct serialized provider once, with the
   * config it holds at that provider's first call: one host process is one configuration.
   */
  async configure(config: Record<string, string> = this.options.config ?? {}): Promise<void> {
    await this.host.configure(config);
    this.configured = true;
  }

  private async ensureConfigured(program?: Program): Promise<void> {
    if (this.configured) return;
    await this.configure(program && !Array.isArray(program) ? program.config : undefined);
  }

  /** Check, plus Diff for resources already in the state. Never creates, updates or deletes. */
  async preview(program: Program, state: ResourceState[] = this.state): Promise<DeploymentResult> {
    await this.ensureConfigured(program);
    const stored = new Map(state.map((entry) => [entry.urn, entry]));
    const steps: StepResult[] = [];
    for (const resource of resourcesOf(program)) {
      const old = stored.get(resource.urn);
      const step: StepResult = { urn: resource.urn, name: resource.name, op: old ? "same" : "create" };
      steps.push(step);
      try {
        const checked = await this.check(resource, old);
        if (checked.failures.length > 0) {
          step.checkFailures = checked.failures;
          if (old) step.op = "update";
          break;
        }
        if (old) {
          step.diff = await this.diff(old, checked.inputs, resource);
          step.op = this.opFor(old, checked.inputs, step.diff);
          step.outputs = old.outputs;
        }
      } catch (error) {
        step.error = messageOf(error);
        break;
      }
    }
    if (steps.every((step) => !step.error && !step.checkFailures)) {
      const wanted = new Set(resourcesOf(program).map((resource) => resource.urn));
      for (const old of [...state].reverse()) if (!wanted.has(old.urn)) steps.push({ urn: old.urn, name: old.name, op: "delete" });
    }
    return { ok: steps.every((step) => !step.error && !step.checkFailures), steps };
  }

  /** Check then Create, or Check, Diff then nothing/Update/replace; then deletes, in reverse order. */
  async up(program: Program): Promise<DeploymentResult> {
    await this.ensureConfigured(program);
    const steps: StepResult[] = [];
    const pendingDeletes: ResourceState[] = [];
    const wanted = new Set<string>();
    let failed = false;
    for (const resource of resourcesOf(program)) {
      wanted.add(resource.urn);
      const step = await this.upOne(resource, pendingDeletes);
      steps.push(step);
      if (step.error || step.checkFailures) {
        failed = true;
        break;
      }
    }
    if (!failed) {
      const orphans = [...this.resources.values()].filter((entry) => !wanted.has(entry.urn)).reverse();
      for (const old of [...pendingDeletes, ...orphans]) {
        const step: StepResult = { urn: old.urn, name: old.name, op: "delete" };
        try {
          await this.host.delete(old.id, old.urn, old.outputs);
          if (orphans.includes(old)) this.resources.delete(old.urn);
        } catch (error) {
          step.error = messageOf(error);
          steps.push(step);
          break;
        }
        // The old half of a replacement is not a step of its own in the CLI's summary.
        if (orphans.includes(old)) steps.push(step);
      }
    }
    return { ok: steps.every((step) => !step.error && !step.checkFailures), steps };
  }

  private async upOne(resource: CapturedResource, pendingDeletes: ResourceState[]): Promise<StepResult> {
    const old = this.resources.get(resource.urn);
    const step: StepResult = { urn: resource.urn, name: resource.name, op: old ? "same" : "create" };
    try {
      const checked = await this.check(resource, old);
      if (checked.failures.length > 0) {
        step.checkFailures = checked.failures;
        if (old) step.op = "update";
        return step;
      }
      if (!old) {
        step.outputs = (await this.create(resource, checked.inputs)).outputs;
        return step;
      }
      step.diff = await this.diff(old, checked.inputs, resource);
      step.op = this.opFor(old, checked.inputs, step.diff);
      if (step.op === "same") {
        // The engine keeps the old outputs, including the OLD serialized provider.
        this.resources.set(old.urn, { ...old, inputs: checked.inputs, secretInputs: topLevelSecrets(resource) });
        step.outputs = old.outputs;
      } else if (step.op === "update") {
        const outputs = await this.host.update(old.id, old.urn, old.outputs, checked.inputs);
        this.resources.set(old.urn, this.record(resource, old.id, checked.inputs, outputs));
        step.outputs = outputs;
      } else if (step.diff.deleteBeforeReplace || resource.deleteBeforeReplace) {
        await this.host.delete(old.id, old.urn, old.outputs);
        this.resources.delete(old.urn);
        step.outputs = (await this.create(resource, checked.inputs)).outputs;
      } else {
        step.outputs = (await this.create(resource, checked.inputs)).outputs;
        pendingDeletes.push(old);
      }
    } catch (error) {
      step.error = messageOf(error);
    }
    return step;
  }

  /** Read every resource with its stored outputs; an empty id means it is gone. */
  async refresh(): Promise<DeploymentResult> {
    await this.ensureConfigured();
    const steps: StepResult[] = [];
    for (const old of [...this.resources.values()]) {
      const step: StepResult = { urn: old.urn, name: old.name, op: "read" };
      steps.push(step);
      try {
        const read = await this.host.read(old.id, old.urn, old.outputs, old.inputs);
        if (read.id === "") {
          step.gone = true;
          this.resources.delete(old.urn);
          continue;
        }
        step.outputs = read.properties;
        this.resources.set(old.urn, {
          ...old,
          id: read.id,
          inputs: read.inputs ?? old.inputs,
          outputs: read.properties,
          secretOutputs: secretOutputsOf(read.properties, old.secretInputs, old.secretOutputs),
        });
      } catch (error) {
        step.error = messageOf(error);
        break;
      }
    }
    return { ok: steps.every((step) => !step.error), steps };
  }

  /** Delete every resource, newest first, with its stored outputs. */
  async destroy(): Promise<DeploymentResult> {
    await this.ensureConfigured();
    const steps: StepResult[] = [];
    for (const old of [...this.resources.values()].reverse()) {
      const step: StepResult = { urn: old.urn, name: old.name, op: "delete" };
      steps.push(step);
      try {
        await this.host.delete(old.id, old.urn, old.outputs);
        this.resources.delete(old.urn);
      } catch (error) {
        step.error = messageOf(error);
        break;
      }
    }
    return { ok: steps.every((step) => !step.error), steps };
  }

  private check(resource: CapturedResource, old: ResourceState | undefined): Promise<CheckResult> {
    return this.host.check(resource.urn, old ? old.inputs : {}, resource.plainInputs);
  }

  private diff(old: ResourceState, news: JsonObject, resource: CapturedResource): Promise<DiffResult> {
    return this.host.diff(old.id, resource.urn, old.outputs, news);
  }

  /** DIFF_UNKNOWN (no diff method, or no verdict): the engine compares old and new inputs itself. */
  private opFor(old: ResourceState, news: JsonObject, diff: DiffResult): StepOp {
    const changed = diff.changes === "some" || (diff.changes === "unknown" && !isDeepStrictEqual(old.inputs, news));
    if (!changed) return "same";
    return diff.replaces.length > 0 ? "replace" : "update";
  }

  private async create(resource: CapturedResource, inputs: JsonObject): Promise<ResourceState> {
    const created = await this.host.create(resource.urn, inputs);
    const entry = this.record(resource, created.id, inputs, created.properties);
    this.resources.set(resource.urn, entry);
    return entry;
  }

  private record(resource: CapturedResource, id: string, inputs: JsonObject, outputs: JsonObject): ResourceState {
    const secretInputs = topLevelSecrets(resource);
    return {
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      id,
      inputs,
      outputs,
      secretInputs,
      secretOutputs: secretOutputsOf(outputs, secretInputs, resource.additionalSecretOutputs),
    };
  }
}
