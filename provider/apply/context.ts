// What one apply run carries from phase to phase.
import type { NitroSession } from "../nitro";
import type { Operation, OperationKind, RecordedState } from "../model";

export interface ApplyLogger {
  info(message: string): void;
  warn(message: string): void;
}

export type OperationOf<K extends OperationKind> = Extract<Operation, { kind: K }>;

/** What apply learned while running that changes later phases and the recorded state. */
export interface ApplyContext {
  session: NitroSession;
  logger: ApplyLogger;
  /** CA certkey name planned → name of the certkey that already holds that CA on the appliance. */
  caRenames: Map<string, string>;
  /** The state before this plan: tells CA certkeys apart and where their files are. */
  previous: RecordedState;
  /** Files of CA certkeys the appliance kept because something else still uses them: not deleted. */
  filesStillInUse: Set<string>;
  notes: string[];
  /** Files uploaded for a CA that turned out to exist under another name: removed at the end. */
  unusedCaFiles: string[];
}
