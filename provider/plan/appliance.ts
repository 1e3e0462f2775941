// The appliance as the planner sees it: the recorded state, corrected by what was observed.
// Without an observation (preview/diff) the record is taken as true.
import { normalizeSerial } from "../serial";
import type { ObservedCertkey, ObservedState, ObservedVserver, RecordedBinding } from "../model";

export class ApplianceView {
  constructor(private readonly observed: ObservedState | undefined) {}

  get isObserved(): boolean {
    return this.observed !== undefined;
  }

  /** undefined: not looked up (or nothing observed); null: looked up and absent. */
  certkey(name: string): ObservedCertkey | null | undefined {
    if (!this.observed || !Object.hasOwn(this.observed.certkeys, name)) return undefined;
    return this.observed.certkeys[name];
  }

  /** A recorded certkey is there unless the appliance showed it missing. */
  recordedCertkeyPresent(name: string): boolean {
    return this.certkey(name) !== null;
  }

  /** True when the observed certkey's serial differs from the recorded one. */
  serialDrift(name: string, recordedSerial: string): string | undefined {
    const seen = this.certkey(name);
    if (!seen) return undefined;
    return normalizeSerial(seen.serial) === normalizeSerial(recordedSerial) ? undefined : normalizeSerial(seen.serial);
  }

  /** A recorded file is there unless the appliance showed it missing. */
  recordedFilePresent(file: string): boolean {
    return !this.observed || !Object.hasOwn(this.observed.files, file) || this.observed.files[file] !== false;
  }

  /** An unrecorded file only counts as there when the appliance showed it. */
  observedFileExists(file: string): boolean {
    return !!this.observed && Object.hasOwn(this.observed.files, file) && this.observed.files[file] === true;
  }

  vserver(name: string): ObservedVserver | undefined {
    if (!this.observed || !Object.hasOwn(this.observed.vservers, name)) return undefined;
    return this.observed.vservers[name];
  }

  /**
   * The modes (true = SNI) a certkey is bound with on a vserver: as observed when that
   * vserver was looked at, else as recorded.
   */
  bindingModes(certkey: string, vserver: string, recorded: RecordedBinding[] | undefined, present: boolean): boolean[] {
    if (!present) return [];
    const seen = this.vserver(vserver);
    if (seen) {
      if (!seen.exists) return [];
      return unique(seen.bindings.filter((b) => b.certkeyName === certkey && !b.ca).map((b) => b.sni));
    }
    return unique((recorded ?? []).filter((b) => b.vserver === vserver).map((b) => b.sni));
  }
}

function unique(modes: boolean[]): boolean[] {
  return [...new Set(modes)].sort((a, b) => Number(a) - Number(b));
}
