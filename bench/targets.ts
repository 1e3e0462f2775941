// The targets of issue 5, checked against measured results. Pure: results in, verdicts out.
import { DEFAULT_MAX_BULK_ITEMS } from "../provider/nitro";
import type { BenchResults, ScenarioName, ScenarioRow, TargetResult } from "./types";

export const TARGETS = {
  firstSyncN: 1000,
  firstSyncMinRatio: 30,
  firstSyncMaxRoundTrips: 40,
  previewN: 1000,
  previewMaxCpuMs: 2000,
  previewMaxRssMb: 300,
  providerMaxBytes: 50 * 1024,
} as const;

type Measured = Pick<BenchResults, "rows" | "previews" | "providerSizes">;

function row(results: Measured, scenario: ScenarioName, n: number): ScenarioRow | undefined {
  return results.rows.find((r) => r.scenario === scenario && r.n === n);
}

/** Renewing or removing k: round trips at the largest N may exceed the smallest N's only by extra bulk chunks. */
function flatRoundTrips(results: Measured, scenario: ScenarioName): TargetResult {
  const rows = results.rows.filter((r) => r.scenario === scenario).sort((a, b) => a.n - b.n);
  const target = `${scenario}: round trips do not grow with k beyond chunking`;
  if (rows.length < 2) return { target, met: rows.length === 1, detail: rows.length === 1 ? `one size only: ${rows[0].ours.roundTrips} round trips` : "not measured" };
  const small = rows[0];
  const large = rows[rows.length - 1];
  const allowed = small.ours.roundTrips + Math.ceil(large.affected / DEFAULT_MAX_BULK_ITEMS) - 1;
  return {
    target,
    met: large.ours.roundTrips <= allowed,
    detail: rows.map((r) => `k=${r.affected}: ${r.ours.roundTrips}`).join(", ") + ` (allowed at k=${large.affected}: ${allowed})`,
  };
}

export function checkTargets(results: Measured): TargetResult[] {
  const verdicts: TargetResult[] = [];
  const first = row(results, "first sync", TARGETS.firstSyncN);
  verdicts.push(
    first
      ? {
          target: `first sync of ${TARGETS.firstSyncN}: ≥ ${TARGETS.firstSyncMinRatio}× faster than the baseline, < ${TARGETS.firstSyncMaxRoundTrips} round trips`,
          met: first.ratio >= TARGETS.firstSyncMinRatio && first.ours.roundTrips < TARGETS.firstSyncMaxRoundTrips,
          detail: `${first.ratio.toFixed(1)}×, ${first.ours.roundTrips} round trips`,
        }
      : { target: `first sync of ${TARGETS.firstSyncN}`, met: false, detail: `N=${TARGETS.firstSyncN} not measured in this run` },
  );
  const noChange = results.rows.filter((r) => r.scenario === "no change");
  verdicts.push({
    target: "no-change sync and preview: zero requests to the appliance",
    met: noChange.length > 0 && noChange.every((r) => r.ours.requests === 0) && results.previews.every((p) => p.requests === 0),
    detail: [...noChange.map((r) => `sync N=${r.n}: ${r.ours.requests}`), ...results.previews.map((p) => `preview N=${p.n}: ${p.requests}`)].join(", "),
  });
  verdicts.push(flatRoundTrips(results, "renew 10%"), flatRoundTrips(results, "remove 10%"));
  const preview = results.previews.find((p) => p.n === TARGETS.previewN);
  verdicts.push(
    preview
      ? {
          target: `check + diff + plan for ${TARGETS.previewN}: < ${TARGETS.previewMaxCpuMs} ms CPU, < ${TARGETS.previewMaxRssMb} MB peak`,
          met: preview.cpuMs < TARGETS.previewMaxCpuMs && preview.peakRssMb < TARGETS.previewMaxRssMb,
          detail: `${preview.cpuMs} ms CPU, ${preview.peakRssMb} MB peak RSS`,
        }
      : { target: `check + diff + plan for ${TARGETS.previewN}`, met: false, detail: `N=${TARGETS.previewN} not measured in this run` },
  );
  const largest = Math.max(0, ...results.providerSizes.map((p) => p.bytes));
  verdicts.push({
    target: `serialized provider < ${TARGETS.providerMaxBytes / 1024} KB regardless of N`,
    met: results.providerSizes.length > 0 && largest < TARGETS.providerMaxBytes,
    detail: results.providerSizes.map((p) => `N=${p.n}: ${p.bytes} B`).join(", "),
  });
  return verdicts;
}
