// The benchmark itself: for each N, our provider and the baseline each get their own emulator
// with the same per-request latency and go through the same scenarios in the same order.
import { startEmulator, type Emulator } from "../emulator";
import { BaselineSide } from "./baseline-side";
import { certificateIds, makeBenchPki, type BenchCertificate, type BenchPki } from "./certificates";
import { describeMachine } from "./machine";
import { measureStep } from "./measure";
import { BENCH_VSERVER, OurSide, syncInputs, type EngineStep } from "./ours";
import { measurePreviewInChild } from "./preview";
import { serializedProvider } from "./provider-size";
import { checkTargets } from "./targets";
import { verifyDeployed } from "./verify";
import type { BenchResults, PreviewRow, ProviderSizeRow, ScenarioName, ScenarioRow } from "./types";

export interface RunOptions {
  sizes: number[];
  latencyMs: number;
  /** RSA keys shared across the leaves (default 8). */
  sharedKeys?: number;
  command?: string;
  /** Called as each measurement lands (the CLI prints progress). */
  onProgress?: (line: string) => void;
}

/** Every tenth certificate, starting at `offset`: the 10% renewed or removed. */
function everyTenth<T>(items: readonly T[], offset: number): Set<number> {
  const picked = new Set<number>();
  for (let i = offset; i < items.length; i += 10) picked.add(i);
  if (picked.size === 0 && items.length > 0) picked.add(Math.min(offset, items.length - 1));
  return picked;
}

interface SizeRun {
  rows: ScenarioRow[];
  preview: PreviewRow;
  providerSize: ProviderSizeRow;
}

async function runSize(n: number, pki: BenchPki, latencyMs: number, progress: (line: string) => void): Promise<SizeRun> {
  const certificates = certificateIds(n).map((id, i) => pki.issue(id, i));
  const renewedIndexes = everyTenth(certificates, 0);
  const renewed = certificates.map((c, i) => (renewedIndexes.has(i) ? pki.issue(c.id, i) : c));
  const removedIndexes = everyTenth(certificates, 1);
  const remaining = renewed.filter((_, i) => !removedIndexes.has(i));
  const provider = await serializedProvider(certificates);
  const providerSize = { n, bytes: Buffer.byteLength(provider, "utf8") };

  const emulatorOptions = { latencyMs, vservers: [{ name: BENCH_VSERVER, sni: true }] };
  const ourEmulator = await startEmulator(emulatorOptions);
  const baselineEmulator = await startEmulator(emulatorOptions);
  try {
    const ours = new OurSide();
    const baseline = new BaselineSide(baselineEmulator);
    const rows: ScenarioRow[] = [];
    const step = async (
      scenario: ScenarioName,
      affected: number,
      wanted: readonly BenchCertificate[],
      ourWork: () => Promise<EngineStep>,
      baselineWork: () => Promise<void>,
    ): Promise<void> => {
      let engineCalls: string[] = [];
      const ourMeasure = await measureStep(ourEmulator, async () => (engineCalls = (await ourWork()).calls));
      verifyBoth("ours", ourEmulator, wanted);
      const { log: _baselineLog, ...baselineMeasure } = await measureStep(baselineEmulator, baselineWork);
      verifyBoth("baseline", baselineEmulator, wanted);
      const row: ScenarioRow = {
        scenario,
        n,
        affected,
        ours: { ...ourMeasure, engineCalls },
        baseline: baselineMeasure, // its log (thousands of sequential requests) is left out
        ratio: Math.round((baselineMeasure.wallMs / Math.max(ourMeasure.wallMs, 0.1)) * 10) / 10,
      };
      rows.push(row);
      progress(
        `N=${n} ${scenario}: ours ${ourMeasure.requests} requests / ${ourMeasure.roundTrips} round trips / ${ourMeasure.wallMs} ms; ` +
          `baseline ${baselineMeasure.requests} / ${baselineMeasure.roundTrips} / ${baselineMeasure.wallMs} ms`,
      );
    };

    await step("first sync", n, certificates, () => ours.up(syncInputs(ourEmulator, certificates, provider)), () => baseline.run(certificates));
    await step("no change", n, certificates, () => ours.up(syncInputs(ourEmulator, certificates, provider)), () => baseline.run(certificates));

    const renewalInputs = syncInputs(ourEmulator, renewed, provider);
    ourEmulator.clearRequests();
    const deployed = ours.snapshot();
    const report = await measurePreviewInChild({ news: renewalInputs, olds: deployed.olds, id: deployed.id, outputs: deployed.outputs });
    const preview: PreviewRow = { n, requests: ourEmulator.requests().length, ...report };
    progress(`N=${n} preview of the renewal: ${preview.requests} requests, ${preview.cpuMs} ms CPU, ${preview.peakRssMb} MB peak`);

    await step("renew 10%", renewedIndexes.size, renewed, () => ours.up(renewalInputs), () => baseline.run(renewed));
    await step("remove 10%", removedIndexes.size, remaining, () => ours.up(syncInputs(ourEmulator, remaining, provider)), () => baseline.run(remaining));
    await step("destroy", remaining.length, [], () => ours.destroy(), () => baseline.destroy());
    if (ours.warnings.length > 0) progress(`N=${n}: the provider warned: ${ours.warnings.join("; ")}`);
    return { rows, preview, providerSize };
  } finally {
    await ourEmulator.close();
    await baselineEmulator.close();
  }
}

function verifyBoth(side: string, emulator: Emulator, wanted: readonly BenchCertificate[]): void {
  verifyDeployed(side, emulator, wanted, BENCH_VSERVER);
}

export async function runBenchmark(options: RunOptions): Promise<BenchResults> {
  const progress = options.onProgress ?? (() => undefined);
  const sharedKeys = options.sharedKeys ?? 8;
  const pki = makeBenchPki(sharedKeys);
  const rows: ScenarioRow[] = [];
  const previews: PreviewRow[] = [];
  const providerSizes: ProviderSizeRow[] = [];
  for (const n of options.sizes) {
    const run = await runSize(n, pki, options.latencyMs, progress);
    rows.push(...run.rows);
    previews.push(run.preview);
    providerSizes.push(run.providerSize);
  }
  const measured = { rows, previews, providerSizes };
  return {
    command: options.command ?? `npm run bench -- --sizes ${options.sizes.join(",")} --latency ${options.latencyMs}`,
    generatedAt: new Date().toISOString(),
    machine: describeMachine(),
    latencyMs: options.latencyMs,
    sizes: options.sizes,
    sharedKeys,
    ...measured,
    targets: checkTargets(measured),
  };
}
