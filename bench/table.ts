// The results as plain-text tables (console) and Markdown (README).
import type { BenchResults } from "./types";

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function formatRatio(ratio: number): string {
  return ratio >= 100 ? `${Math.round(ratio)}×` : `${ratio.toFixed(1)}×`;
}

type Cell = string | number;

function textTable(header: Cell[], rows: Cell[][]): string {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(all[0]), widths.map((w) => "-".repeat(w)).join("  "), ...all.slice(1).map(line)].join("\n");
}

function markdownTable(header: Cell[], rows: Cell[][]): string {
  const line = (r: Cell[]): string => `| ${r.map(String).join(" | ")} |`;
  return [line(header), `|${header.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`, ...rows.map(line)].join("\n");
}

const SCENARIO_HEADER = ["scenario", "N", "k", "ours req", "ours RT", "ours time", "base req", "base RT", "base time", "base/ours"];
const PREVIEW_HEADER = ["preview (check + diff + plan)", "N", "requests", "CPU", "wall", "peak RSS"];

function scenarioCells(results: BenchResults): Cell[][] {
  return results.rows.map((r) => [
    r.scenario,
    r.n,
    r.affected,
    r.ours.requests,
    r.ours.roundTrips,
    formatMs(r.ours.wallMs),
    r.baseline.requests,
    r.baseline.roundTrips,
    formatMs(r.baseline.wallMs),
    formatRatio(r.ratio),
  ]);
}

function previewCells(results: BenchResults): Cell[][] {
  return results.previews.map((p) => ["renewal of 10%", p.n, p.requests, formatMs(p.cpuMs), formatMs(p.wallMs), `${Math.round(p.peakRssMb)} MB`]);
}

function providerLine(results: BenchResults): string {
  return `serialized provider in state: ${results.providerSizes.map((p) => `N=${p.n}: ${(p.bytes / 1024).toFixed(1)} KB`).join(", ")}`;
}

export function consoleReport(results: BenchResults): string {
  const targets = results.targets.map((t) => `${t.met ? "MET " : "MISS"}  ${t.target} — ${t.detail}`);
  return [
    `NITRO latency ${results.latencyMs} ms per request; ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}`,
    "",
    textTable(SCENARIO_HEADER, scenarioCells(results)),
    "",
    textTable(PREVIEW_HEADER, previewCells(results)),
    "",
    providerLine(results),
    "",
    "targets:",
    ...targets,
  ].join("\n");
}

export function markdownReport(results: BenchResults): string {
  const m = results.machine;
  return [
    `\`${results.command}\` on ${m.cpu} (${m.cores} cores, ${m.memoryGb} GB), ${m.os}, Node ${m.node}, ${results.generatedAt.slice(0, 10)}; ` +
      `${results.latencyMs} ms per NITRO request. RT = sequential round trips.`,
    "",
    markdownTable(SCENARIO_HEADER, scenarioCells(results)),
    "",
    markdownTable(PREVIEW_HEADER, previewCells(results)),
    "",
    `${providerLine(results)[0].toUpperCase()}${providerLine(results).slice(1)}.`,
    "",
    ...results.targets.map((t) => `- ${t.met ? "✅" : "❌"} ${t.target}: ${t.detail}`),
  ].join("\n");
}
