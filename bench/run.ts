// `npm run bench` (tsx bench/run.ts): runs the benchmark, prints the tables and the targets,
// writes latest.json, latest.svg and latest.md (the README's figures) to bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseBenchArgs, UsageError } from "./args";
import { runBenchmark } from "./benchmark";
import { renderChart } from "./chart";
import { consoleReport, markdownReport } from "./table";

const DEFAULTS = { sizes: [10, 100, 1000], latencyMs: 20, outDir: path.join(__dirname, "results") };

async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(argv, DEFAULTS);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`;
  process.stderr.write(`benchmark: N = ${options.sizes.join(", ")}, ${options.latencyMs} ms per NITRO request (the baseline at N=1000 takes minutes)\n`);
  const results = await runBenchmark({ sizes: options.sizes, latencyMs: options.latencyMs, command, onProgress: (line) => process.stderr.write(`  ${line}\n`) });
  process.stdout.write(`\n${consoleReport(results)}\n`);
  mkdirSync(options.outDir, { recursive: true });
  const written = {
    json: path.join(options.outDir, "latest.json"),
    svg: path.join(options.outDir, "latest.svg"),
    markdown: path.join(options.outDir, "latest.md"),
  };
  writeFileSync(written.json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(written.svg, renderChart(results));
  writeFileSync(written.markdown, `${markdownReport(results)}\n`);
  process.stdout.write(`\nwrote ${Object.values(written).map((p) => path.relative(process.cwd(), p)).join(", ")}\n`);
  return results.targets.every((t) => t.met) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
