// Command-line options of `npm run bench`.

export interface BenchOptions {
  sizes: number[];
  latencyMs: number;
  /** Where latest.json and latest.svg go. */
  outDir: string;
}

export const USAGE = "usage: npm run bench -- [--sizes 10,100,1000] [--latency 20] [--out bench/results]";

export class UsageError extends Error {}

export function parseBenchArgs(argv: readonly string[], defaults: BenchOptions): BenchOptions {
  const options = { ...defaults, sizes: [...defaults.sizes] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === "--help" || flag === "-h") throw new UsageError(USAGE);
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value; ${USAGE}`);
    i++;
    if (flag === "--sizes") {
      const sizes = value.split(",").map((s) => Number(s.trim()));
      if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
        throw new UsageError(`--sizes "${value}" must be positive whole numbers separated by commas, e.g. 10,100,1000`);
      }
      options.sizes = [...new Set(sizes)].sort((a, b) => a - b);
    } else if (flag === "--latency") {
      const latency = Number(value);
      if (!Number.isFinite(latency) || latency < 0) throw new UsageError(`--latency "${value}" must be a number of milliseconds ≥ 0`);
      options.latencyMs = latency;
    } else if (flag === "--out") {
      options.outDir = value;
    } else {
      throw new UsageError(`unknown option ${flag}; ${USAGE}`);
    }
  }
  return options;
}
