// A bounded pool: at most `size` tasks run at once, the rest wait in order.
export class Pool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Highest number of tasks seen running at once (tests and benchmarks). */
  peak = 0;

  constructor(readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    this.peak = Math.max(this.peak, this.running);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter, so `running` never overshoots.
      if (next) next();
      else this.running--;
    }
  }
}

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 8;

export function poolSize(requested: number | undefined): number {
  if (requested === undefined) return DEFAULT_CONCURRENCY;
  if (!Number.isFinite(requested)) return DEFAULT_CONCURRENCY;
  return Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(requested)));
}
