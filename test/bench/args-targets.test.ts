import { expect } from "chai";
import { parseBenchArgs, UsageError } from "../../bench/args";
import { checkTargets } from "../../bench/targets";
import type { PreviewRow, ScenarioName, ScenarioRow } from "../../bench/types";

const DEFAULTS = { sizes: [10, 100, 1000], latencyMs: 20, outDir: "bench/results" };

describe("bench: command-line options", () => {
  it("keeps the defaults without arguments", () => {
    expect(parseBenchArgs([], DEFAULTS)).to.deep.equal(DEFAULTS);
  });

  it("reads --sizes (sorted, deduplicated), --latency and --out", () => {
    expect(parseBenchArgs(["--sizes", "100, 10,100", "--latency", "5", "--out", "/tmp/x"], DEFAULTS)).to.deep.equal({ sizes: [10, 100], latencyMs: 5, outDir: "/tmp/x" });
  });

  for (const [argv, message] of [
    [["--sizes", "10,x"], /--sizes "10,x" must be positive whole numbers/],
    [["--sizes", "0"], /must be positive whole numbers/],
    [["--latency", "-1"], /--latency "-1" must be a number of milliseconds/],
    [["--latency"], /--latency needs a value/],
    [["--size", "10"], /unknown option --size; usage: npm run bench/],
  ] as const) {
    it(`refuses ${argv.join(" ")}`, () => {
      expect(() => parseBenchArgs(argv, DEFAULTS)).to.throw(UsageError, message);
    });
  }
});

function scenarioRow(scenario: ScenarioName, n: number, affected: number, ours: { requests: number; roundTrips: number; wallMs: number }, ratio: number): ScenarioRow {
  return {
    scenario,
    n,
    affected,
    ours: { ...ours, errors: 0, engineCalls: [], log: [] },
    baseline: { requests: 4 * n, roundTrips: 4 * n, wallMs: ours.wallMs * ratio, errors: 0 },
    ratio,
  };
}

describe("bench: targets", () => {
  const preview = (n: number, cpuMs: number, peakRssMb: number, requests = 0): PreviewRow => ({ n, requests, changes: true, cpuMs, wallMs: cpuMs, peakRssMb });
  const passing = () => ({
    rows: [
      scenarioRow("first sync", 10, 10, { requests: 12, roundTrips: 10, wallMs: 100 }, 3),
      scenarioRow("first sync", 1000, 1000, { requests: 34, roundTrips: 15, wallMs: 2000 }, 40),
      scenarioRow("no change", 10, 10, { requests: 0, roundTrips: 0, wallMs: 10 }, 100),
      scenarioRow("no change", 1000, 1000, { requests: 0, roundTrips: 0, wallMs: 900 }, 100),
      scenarioRow("renew 10%", 10, 1, { requests: 10, roundTrips: 8, wallMs: 100 }, 8),
      scenarioRow("renew 10%", 1000, 100, { requests: 10, roundTrips: 8, wallMs: 1000 }, 80),
      scenarioRow("remove 10%", 10, 1, { requests: 10, roundTrips: 8, wallMs: 100 }, 8),
      scenarioRow("remove 10%", 1000, 100, { requests: 10, roundTrips: 8, wallMs: 1000 }, 80),
    ],
    previews: [preview(10, 50, 110), preview(1000, 1500, 200)],
    providerSizes: [{ n: 10, bytes: 2783 }, { n: 1000, bytes: 2783 }],
  });

  it("are all met by results that meet them", () => {
    const verdicts = checkTargets(passing());
    expect(verdicts.filter((v) => !v.met)).to.deep.equal([]);
    expect(verdicts).to.have.length(6);
  });

  it("miss when ours is under 30× at N=1000, a no-change sync sends a request, round trips grow with k, or the preview is heavy", () => {
    const results = passing();
    results.rows[1] = scenarioRow("first sync", 1000, 1000, { requests: 34, roundTrips: 15, wallMs: 2000 }, 29);
    results.rows[3].ours.requests = 1;
    results.rows[5].ours.roundTrips = 9;
    results.previews[1] = preview(1000, 2500, 200);
    results.providerSizes[1].bytes = 60_000;
    expect(checkTargets(results).map((v) => v.met)).to.deep.equal([false, false, false, true, false, false]);
  });

  it("allows one more round trip per extra bulk chunk of k", () => {
    const results = passing();
    results.rows[7] = scenarioRow("remove 10%", 5000, 500, { requests: 14, roundTrips: 10, wallMs: 1000 }, 80);
    expect(checkTargets(results).find((v) => v.target.startsWith("remove"))).to.include({ met: true });
  });
});
