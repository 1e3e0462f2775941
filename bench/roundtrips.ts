// Sequential round trips: what a sync costs behind a WAN link, where each request waits for
// the latency once, however many others fly beside it.

export interface TimedRequest {
  startedAtMs: number;
  durationMs: number;
}

/**
 * The length of the longest chain of requests in which each starts after the previous one
 * ended. Interval scheduling: sorted by end time, greedily take every request that starts
 * at or after the end of the last one taken (the greedy choice is optimal for this).
 */
export function sequentialRoundTrips(requests: readonly TimedRequest[]): number {
  const byEnd = requests.map((r) => ({ start: r.startedAtMs, end: r.startedAtMs + r.durationMs })).sort((a, b) => a.end - b.end);
  let chain = 0;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const request of byEnd) {
    if (request.start >= lastEnd) {
      chain++;
      lastEnd = request.end;
    }
  }
  return chain;
}
