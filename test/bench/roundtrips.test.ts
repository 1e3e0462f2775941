import { expect } from "chai";
import { sequentialRoundTrips, type TimedRequest } from "../../bench/roundtrips";

const at = (startedAtMs: number, durationMs: number): TimedRequest => ({ startedAtMs, durationMs });

describe("bench: sequentialRoundTrips", () => {
  it("is zero without requests", () => {
    expect(sequentialRoundTrips([])).to.equal(0);
  });

  it("counts every request of a strictly sequential client", () => {
    expect(sequentialRoundTrips([at(0, 10), at(10, 10), at(21, 5), at(30, 1)])).to.equal(4);
  });

  it("counts requests in flight together once", () => {
    expect(sequentialRoundTrips([at(0, 20), at(1, 20), at(2, 20), at(3, 20)])).to.equal(1);
  });

  it("follows the longest chain through concurrent waves, whatever the log order", () => {
    // login; a wave of 3 concurrent reads; a wave of 2 writes; a save: 4 round trips
    const log = [at(75, 20), at(0, 20), at(50, 20), at(22, 20), at(23, 25), at(24, 21), at(51, 22)];
    expect(sequentialRoundTrips(log)).to.equal(4);
  });

  it("prefers the chain of short requests over one long request that overlaps them", () => {
    expect(sequentialRoundTrips([at(0, 100), at(1, 10), at(12, 10), at(25, 10), at(40, 10)])).to.equal(4);
  });

  it("does not mutate its input", () => {
    const log = [at(10, 5), at(0, 5)];
    sequentialRoundTrips(log);
    expect(log).to.deep.equal([at(10, 5), at(0, 5)]);
  });
});
