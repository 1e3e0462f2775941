// Internal vocabulary of the planner: what each recorded or desired certkey should become.
import type { CertificateFacts, RecordedCertkey } from "../model";

/** How a leaf certkey came to be in the target state (drives the reasons of its operations). */
export type LeafChange = "new" | "renewed" | "unchanged" | "reactivated" | "kept";

/** What to upload and apply when the appliance must match a desired certificate. */
export interface LeafContent {
  certPem: string;
  keyPem: string;
  passphrase?: string;
  chain: CertificateFacts[];
}

/** "options": bind to options.vservers; "keep": leave its bindings as they are; "none": unbind everywhere. */
export type BindingPolicy = "options" | "keep" | "none";

/** A leaf certkey that stays (or comes) on the appliance after the plan. */
export interface LeafTarget {
  id: string;
  /** Its record in `next`; `bindings` is filled in by the bindings step. */
  record: RecordedCertkey;
  /** The certkey of the same name in `recorded`, if any. */
  previous?: RecordedCertkey;
  /** Present: make the appliance match it (and repair drift). Absent: leave the certkey as it is. */
  content?: LeafContent;
  change: LeafChange;
  /** Why it is created or changed; empty when unchanged (drift reasons are used then). */
  story: string;
  bindings: BindingPolicy;
}

/** A recorded leaf certkey that leaves the appliance. */
export interface LeafRemoval {
  id: string;
  record: RecordedCertkey;
  story: string;
  /** False when the appliance no longer has it: only its leftover files are removed. */
  present: boolean;
}
