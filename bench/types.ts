// The benchmark's results: what run.ts prints and writes to bench/results/latest.json.
import type { LoggedRequest, StepMeasurement } from "./measure";

export type ScenarioName = "first sync" | "no change" | "renew 10%" | "remove 10%" | "destroy";
export const SCENARIOS: readonly ScenarioName[] = ["first sync", "no change", "renew 10%", "remove 10%", "destroy"];

export interface ScenarioRow {
  scenario: ScenarioName;
  n: number;
  /** Certificates renewed or removed (k), else n. */
  affected: number;
  /** With the provider calls the engine made and the requests the appliance saw, in order. */
  ours: StepMeasurement & { engineCalls: string[]; log: LoggedRequest[] };
  baseline: StepMeasurement;
  /** baseline wall time / ours. */
  ratio: number;
}

/** `pulumi preview` of the renewal: Check + Diff (which plans), measured in a child process. */
export interface PreviewRow {
  n: number;
  /** Requests the appliance saw meanwhile. */
  requests: number;
  /** Diff's answer (the renewal is a change). */
  changes: boolean;
  cpuMs: number;
  wallMs: number;
  /** The child process's peak resident set (process.resourceUsage().maxRSS), whole process. */
  peakRssMb: number;
}

export interface ProviderSizeRow {
  n: number;
  /** Bytes of the serialized `__provider` stored in the state. */
  bytes: number;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
}

export interface TargetResult {
  target: string;
  met: boolean;
  detail: string;
}

export interface BenchResults {
  command: string;
  generatedAt: string;
  machine: MachineInfo;
  latencyMs: number;
  sizes: number[];
  /** RSA keys shared across the leaves. */
  sharedKeys: number;
  rows: ScenarioRow[];
  previews: PreviewRow[];
  providerSizes: ProviderSizeRow[];
  targets: TargetResult[];
}
