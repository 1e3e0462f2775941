// The benchmark at N=10 with a small latency, so the benchmark itself cannot rot. Asserts the
// structural targets (requests and round trips), not timings that depend on the machine.
import { expect } from "chai";
import { runBenchmark } from "../../bench/benchmark";
import { renderChart } from "../../bench/chart";
import { consoleReport, markdownReport } from "../../bench/table";
import { SCENARIOS, type BenchResults, type ScenarioName, type ScenarioRow } from "../../bench/types";

describe("bench: a small run (N=10, 3 ms latency)", function () {
  this.timeout(120_000);
  let results: BenchResults;
  const row = (scenario: ScenarioName): ScenarioRow => {
    const found = results.rows.find((r) => r.scenario === scenario);
    if (!found) throw new Error(`no row for ${scenario}`);
    return found;
  };

  before(async () => {
    results = await runBenchmark({ sizes: [10], latencyMs: 3, sharedKeys: 2 });
  });

  it("measures every scenario on both sides, each leaving the appliance as asked", () => {
    // runBenchmark verifies each side's appliance after every step and throws otherwise
    expect(results.rows.map((r) => r.scenario)).to.deep.equal([...SCENARIOS]);
    expect(row("renew 10%").affected).to.equal(1);
    expect(row("remove 10%").affected).to.equal(1);
    for (const r of results.rows.filter((r) => r.scenario !== "no change")) expect(r.ours.requests, r.scenario).to.be.greaterThan(0);
  });

  it("a sync with nothing changed and a preview send no request to the appliance", () => {
    expect(row("no change").ours.requests).to.equal(0);
    expect(row("no change").ours.engineCalls).to.deep.equal(["check", "diff"]);
    expect(results.previews).to.have.length(1);
    expect(results.previews[0]).to.include({ n: 10, requests: 0, changes: true });
    expect(results.previews[0].cpuMs).to.be.greaterThan(0);
    expect(results.previews[0].peakRssMb).to.be.greaterThan(10);
  });

  it("our first sync takes far fewer round trips than the baseline's, which is strictly sequential", () => {
    const first = row("first sync");
    expect(first.baseline.roundTrips).to.equal(first.baseline.requests);
    expect(first.baseline.requests).to.be.at.least(4 * 10);
    expect(first.ours.roundTrips).to.be.at.most(first.baseline.roundTrips / 3);
    expect(first.ours.roundTrips).to.be.at.most(first.ours.requests);
  });

  it("ours is faster than the baseline overall (ratio > 1)", () => {
    const total = (side: "ours" | "baseline"): number => results.rows.reduce((sum, r) => sum + r[side].wallMs, 0);
    expect(total("baseline") / total("ours")).to.be.greaterThan(1);
    expect(row("no change").ratio).to.be.greaterThan(1);
  });

  it("keeps the serialized provider small and reports the targets", () => {
    expect(results.providerSizes).to.have.length(1);
    expect(results.providerSizes[0].bytes).to.be.within(100, 50 * 1024);
    const verdict = (start: string) => results.targets.find((t) => t.target.startsWith(start));
    expect(verdict("no-change sync and preview")?.met).to.equal(true);
    expect(verdict("serialized provider")?.met).to.equal(true);
    expect(verdict("first sync of 1000")).to.include({ met: false, detail: "N=1000 not measured in this run" });
  });

  it("renders the table, the Markdown and the chart", () => {
    const text = consoleReport(results);
    for (const scenario of SCENARIOS) expect(text).to.include(scenario);
    expect(markdownReport(results)).to.match(/^\| first sync \| 10 \| 10 \| \d+ \| \d+ \|/m);
    const svg = renderChart(results);
    expect(svg).to.match(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.match(/<polyline /g)).to.have.length(6);
    expect(svg).to.include("ours: first sync").and.to.include("baseline: first sync");
  });
});
