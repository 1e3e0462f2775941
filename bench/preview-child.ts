// Runs in its own process so its CPU time and peak memory are the provider's alone: reads
// {news, olds, id, outputs} as JSON on stdin, does what `pulumi preview` asks of the provider
// (Check, then Diff, which validates and plans), and prints its measurements as JSON.
import { SyncProvider } from "../provider/dynamic";
import type { SyncOutputs } from "../provider/outputs-state";

export interface PreviewRequest {
  news: Record<string, unknown>;
  olds: Record<string, unknown>;
  id: string;
  outputs: SyncOutputs;
}

export interface PreviewReport {
  changes: boolean;
  cpuMs: number;
  wallMs: number;
  peakRssMb: number;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(): Promise<void> {
  const request = JSON.parse(await readStdin()) as PreviewRequest;
  const provider = new SyncProvider({ now: () => new Date(), env: {}, engine: { logger: { info: () => undefined, warn: () => undefined } } });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const checked = await provider.check(request.olds, request.news);
  if (checked.failures?.length) throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  const diff = await provider.diff(request.id, request.outputs, checked.inputs as Record<string, unknown>);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const report: PreviewReport = {
    changes: diff.changes === true,
    cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10,
    wallMs: Math.round(wallMs * 10) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
  };
  process.stdout.write(JSON.stringify(report));
}

main().catch((error: unknown) => {
  process.stderr.write(`preview measurement failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
