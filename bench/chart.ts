// The chart of the results: wall time against N, both axes logarithmic, ours and the baseline
// per scenario. Hand-written SVG, no dependency.
import type { BenchResults, ScenarioName } from "./types";

const WIDTH = 760;
const HEIGHT = 460;
const PLOT = { left: 80, right: 230, top: 50, bottom: 60 };
const SIDES = [
  { key: "ours", label: "ours", color: "#1f6fb4" },
  { key: "baseline", label: "baseline", color: "#d2452b" },
] as const;
const CHARTED: { scenario: ScenarioName; dash: string }[] = [
  { scenario: "first sync", dash: "" },
  { scenario: "renew 10%", dash: "8 4" },
  { scenario: "no change", dash: "2 4" },
];

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function logScale(min: number, max: number, from: number, to: number): (value: number) => number {
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  return (value) => from + ((Math.log10(value) - lo) / (hi - lo)) * (to - from);
}

function decades(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.round(Math.log10(min)); e <= Math.round(Math.log10(max)); e++) out.push(10 ** e);
  return out;
}

function timeLabel(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

export function renderChart(results: BenchResults): string {
  const sizes = [...results.sizes].sort((a, b) => a - b);
  const times = results.rows.filter((r) => CHARTED.some((c) => c.scenario === r.scenario)).flatMap((r) => [r.ours.wallMs, r.baseline.wallMs]);
  const yMin = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...times))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(10, ...times)));
  const xMin = sizes[0] / (sizes.length > 1 ? 1 : 2);
  const xMax = sizes[sizes.length - 1] * (sizes.length > 1 ? 1 : 2);
  const x = logScale(xMin, xMax, PLOT.left, WIDTH - PLOT.right);
  const y = logScale(yMin, yMax, HEIGHT - PLOT.bottom, PLOT.top);
  const parts: string[] = [];
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  parts.push(
    `<text x="${PLOT.left}" y="28" font-size="16" font-weight="bold">Sync wall time against N (${results.latencyMs} ms per NITRO request, log–log)</text>`,
  );
  for (const tick of decades(yMin, yMax)) {
    parts.push(`<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${PLOT.left - 8}" y="${y(tick) + 4}" font-size="12" text-anchor="end">${timeLabel(tick)}</text>`);
  }
  for (const n of sizes) {
    parts.push(`<line x1="${x(n)}" x2="${x(n)}" y1="${PLOT.top}" y2="${HEIGHT - PLOT.bottom}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${x(n)}" y="${HEIGHT - PLOT.bottom + 18}" font-size="12" text-anchor="middle">${n}</text>`);
  }
  parts.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${WIDTH - PLOT.left - PLOT.right}" height="${HEIGHT - PLOT.top - PLOT.bottom}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${(PLOT.left + WIDTH - PLOT.right) / 2}" y="${HEIGHT - 18}" font-size="13" text-anchor="middle">certificates (N)</text>`);
  parts.push(`<text transform="translate(20 ${(PLOT.top + HEIGHT - PLOT.bottom) / 2}) rotate(-90)" font-size="13" text-anchor="middle">wall time</text>`);

  let legendY = PLOT.top + 8;
  for (const side of SIDES) {
    for (const { scenario, dash } of CHARTED) {
      const points = sizes
        .map((n) => results.rows.find((r) => r.scenario === scenario && r.n === n))
        .filter((r) => r !== undefined)
        .map((r) => ({ px: x(r.n), py: y(Math.max(yMin, r[side.key].wallMs)) }));
      if (points.length === 0) continue;
      const dashAttr = dash ? ` stroke-dasharray="${dash}"` : "";
      parts.push(`<polyline fill="none" stroke="${side.color}" stroke-width="2"${dashAttr} points="${points.map((p) => `${p.px.toFixed(1)},${p.py.toFixed(1)}`).join(" ")}"/>`);
      for (const p of points) parts.push(`<circle cx="${p.px.toFixed(1)}" cy="${p.py.toFixed(1)}" r="3.5" fill="${side.color}"/>`);
      const lx = WIDTH - PLOT.right + 16;
      parts.push(`<line x1="${lx}" x2="${lx + 34}" y1="${legendY}" y2="${legendY}" stroke="${side.color}" stroke-width="2"${dashAttr}/>`);
      parts.push(`<text x="${lx + 42}" y="${legendY + 4}" font-size="12">${escapeXml(`${side.label}: ${scenario}`)}</text>`);
      legendY += 22;
    }
  }
  const m = results.machine;
  parts.push(`<text x="${WIDTH - PLOT.right + 16}" y="${legendY + 16}" font-size="10" fill="#666">${escapeXml(`${m.cores} cores, Node ${m.node}`)}</text>`);
  parts.push(`<text x="${WIDTH - PLOT.right + 16}" y="${legendY + 30}" font-size="10" fill="#666">${escapeXml(results.generatedAt.slice(0, 10))}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">\n${parts.join("\n")}\n</svg>\n`;
}
