// Our side of the benchmark: the provider implementation driven the way the Pulumi engine
// drives it (Check, then Create; or Check, Diff and, only when Diff reports changes, Update;
// Delete on destroy), in this process, against an emulator. Outputs go through JSON as the
// engine's state would.
import type { Emulator } from "../emulator";
import { SyncProvider } from "../provider/dynamic";
import type { SyncOutputs } from "../provider/outputs-state";
import type { BenchCertificate } from "./certificates";

export const BENCH_USER = { username: "nsroot", password: "nsroot" };
export const BENCH_VSERVER = "vs_bench";

export type Inputs = Record<string, unknown>;

/** The resource's inputs as the engine sends them for these certificates. */
export function syncInputs(emulator: Emulator, certificates: readonly BenchCertificate[], serializedProvider: string): Inputs {
  const entries: Record<string, { certificate: string; privateKey: string; chain: string }> = {};
  for (const c of certificates) entries[c.id] = { certificate: c.certificatePem, privateKey: c.privateKeyPem, chain: c.chainPem };
  return {
    __provider: serializedProvider,
    name: "bench",
    connection: { url: emulator.url, username: BENCH_USER.username, password: BENCH_USER.password, caCertificate: emulator.caCertificatePem ?? "" },
    vserverName: BENCH_VSERVER,
    certificates: entries,
  };
}

export interface EngineStep {
  /** What the engine would have called, in order. */
  calls: string[];
  changes: boolean;
}

function jsonState<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class OurSide {
  readonly warnings: string[] = [];
  private readonly provider: SyncProvider;
  private id?: string;
  private inputs: Inputs = {};
  private outputs?: SyncOutputs;

  constructor() {
    this.provider = new SyncProvider({
      now: () => new Date(),
      env: {},
      engine: { logger: { info: () => undefined, warn: (message) => this.warnings.push(message) } },
    });
  }

  /** The stored outputs of the last successful step (what the stack's state holds). */
  get state(): SyncOutputs | undefined {
    return this.outputs;
  }

  /** `pulumi up` for this resource. */
  async up(news: Inputs): Promise<EngineStep> {
    const checked = await this.provider.check(this.inputs, news);
    if (checked.failures?.length) throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    const inputs = checked.inputs as Inputs;
    if (this.id === undefined || this.outputs === undefined) {
      const created = await this.provider.create(inputs);
      this.id = created.id;
      this.outputs = jsonState(created.outs as SyncOutputs);
      this.inputs = inputs;
      return { calls: ["check", "create"], changes: true };
    }
    const diff = await this.provider.diff(this.id, this.outputs, inputs);
    if (!diff.changes) {
      this.inputs = inputs;
      return { calls: ["check", "diff"], changes: false };
    }
    const updated = await this.provider.update(this.id, this.outputs, inputs);
    this.outputs = jsonState(updated.outs as SyncOutputs);
    this.inputs = inputs;
    return { calls: ["check", "diff", "update"], changes: true };
  }

  /** `pulumi preview` for this resource: Check and Diff only. */
  async preview(news: Inputs): Promise<EngineStep> {
    const checked = await this.provider.check(this.inputs, news);
    if (checked.failures?.length) throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    if (this.id === undefined || this.outputs === undefined) return { calls: ["check"], changes: true };
    const diff = await this.provider.diff(this.id, this.outputs, checked.inputs as Inputs);
    return { calls: ["check", "diff"], changes: diff.changes === true };
  }

  /** `pulumi destroy` for this resource. */
  async destroy(): Promise<EngineStep> {
    if (this.id === undefined || this.outputs === undefined) return { calls: [], changes: false };
    await this.provider.delete(this.id, this.outputs);
    this.id = undefined;
    this.outputs = undefined;
    this.inputs = {};
    return { calls: ["delete"], changes: true };
  }

  /** The previous inputs and outputs, for a preview measured in another process. */
  snapshot(): { olds: Inputs; id: string; outputs: SyncOutputs } {
    if (this.id === undefined || this.outputs === undefined) throw new Error("nothing deployed yet: run up first");
    return { olds: this.inputs, id: this.id, outputs: this.outputs };
  }
}
