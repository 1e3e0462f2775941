// The resource's outputs as stored by Pulumi, and reading them back. Every call after create
// (diff, update, read, delete) gets these outputs, not the inputs, so they hold everything
// needed to plan, refresh and delete: the recorded state and the connection. Outputs written
// by any earlier version must stay readable: readOutputs() is the one place that knows them.
import type { ConnectionSettings } from "./inputs";
import { emptyRecordedState, type RecordedState, type SyncOptions } from "./model";
import type { DeployedCertificate } from "./outputs";

export const OUTPUTS_VERSION = 1;

/** The connection without its password (which lives in the secret `appliancePassword`). */
export type ApplianceOutput = Omit<ConnectionSettings, "password">;

export interface SyncOutputs {
  outputsVersion: number;
  syncName: string;
  description: string;
  appliance: ApplianceOutput;
  /** Marked secret through additionalSecretOutputs; "" when the password comes from config or env. */
  appliancePassword: string;
  vservers: string[];
  options: Omit<SyncOptions, "vservers"> & { certificateNameSchema: string; autoSync: boolean };
  /** The trigger the last sync ran with (null: none). */
  syncTrigger: string | number | null;
  deployed: Record<string, DeployedCertificate>;
  state: RecordedState;
  /** Differences between the appliance and `state` found by the last refresh; an up repairs them. */
  drift: string[];
  notes: string[];
  /** ISO time of the last sync that wrote to the appliance ("" before any). */
  lastWriteAt: string;
}

export class OutputsError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The recorded state in stored outputs; rejects state from a newer version instead of guessing. */
export function readRecordedState(outputs: unknown): RecordedState {
  if (!isRecord(outputs) || !isRecord(outputs.state)) return emptyRecordedState();
  const state = outputs.state;
  if (state.schemaVersion !== 1) {
    throw new OutputsError(
      `the stored state has schema version ${String(state.schemaVersion)}, which this version of pulumi-netscaler-certsync does not know; upgrade the package`,
    );
  }
  return {
    schemaVersion: 1,
    certificates: isRecord(state.certificates) ? (state.certificates as RecordedState["certificates"]) : {},
    caCertkeys: isRecord(state.caCertkeys) ? (state.caCertkeys as RecordedState["caCertkeys"]) : {},
  };
}

/** The stored outputs, typed; fields an older version did not write get neutral values. */
export function readOutputs(outputs: unknown): SyncOutputs {
  if (!isRecord(outputs)) throw new OutputsError("the stored outputs of this NetScalerCertificateSync are missing or not an object");
  if (typeof outputs.outputsVersion === "number" && outputs.outputsVersion > OUTPUTS_VERSION) {
    throw new OutputsError(
      `the stored outputs were written by a newer pulumi-netscaler-certsync (format ${outputs.outputsVersion}); upgrade the package`,
    );
  }
  const appliance = isRecord(outputs.appliance) ? (outputs.appliance as unknown as ApplianceOutput) : undefined;
  if (!appliance || typeof appliance.url !== "string") {
    throw new OutputsError("the stored outputs hold no appliance connection; run `pulumi refresh` or recreate the resource");
  }
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
  return {
    outputsVersion: OUTPUTS_VERSION,
    syncName: typeof outputs.syncName === "string" ? outputs.syncName : "",
    description: typeof outputs.description === "string" ? outputs.description : "",
    appliance,
    appliancePassword: typeof outputs.appliancePassword === "string" ? outputs.appliancePassword : "",
    vservers: strings(outputs.vservers),
    options: outputs.options as SyncOutputs["options"],
    syncTrigger: typeof outputs.syncTrigger === "string" || typeof outputs.syncTrigger === "number" ? outputs.syncTrigger : null,
    deployed: isRecord(outputs.deployed) ? (outputs.deployed as SyncOutputs["deployed"]) : {},
    state: readRecordedState(outputs),
    drift: strings(outputs.drift),
    notes: strings(outputs.notes),
    lastWriteAt: typeof outputs.lastWriteAt === "string" ? outputs.lastWriteAt : "",
  };
}
