import type { PlanProblem } from "../model";

/** Planning cannot go ahead; `problems` lists every reason at once, each with what to do. */
export class PlanError extends Error {
  readonly problems: PlanProblem[];

  constructor(problems: PlanProblem[]) {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
    super(`cannot plan the certificate sync (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`);
    this.name = "PlanError";
    this.problems = problems;
  }
}
