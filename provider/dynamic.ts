// The dynamic provider's implementation: a thin adapter from Pulumi's calls to the sync
// engine (validate → plan → apply). The serialized shim in resource.ts require()s this
// module at call time, so this file is what runs for every stack, old or new.
import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionSettings } from "./inputs";
import { resolveConnection } from "./inputs";
import { canonicalJson } from "./canonical-json";
import { scanPem, sha256Hex } from "./certificates";
import { emptyRecordedState, type DesiredState, type RecordedState } from "./model";
import type { NitroConnectionOptions } from "./nitro";
import { summarizeDeployed } from "./outputs";
import { OUTPUTS_VERSION, readOutputs, type SyncOutputs } from "./outputs-state";
import { changesRecord, plan } from "./plan";
import { inspectAppliance, removeCertificates, syncCertificates, type EngineDeps } from "./sync";
import { validateInputs, type ValidatedSettings } from "./validate";

export interface ProviderDeps {
  now(): Date;
  env: Record<string, string | undefined>;
  engine: EngineDeps;
}

type Inputs = Record<string, unknown>;

const CONFIG_KEYS = ["netscaler:url", "netscaler:username", "netscaler:password"];

function stderrLogger(env: Record<string, string | undefined>): EngineDeps["logger"] {
  const write = (level: string) => (message: string) => process.stderr.write(`[netscaler-certsync] ${level}: ${message}\n`);
  return { info: write("info"), warn: write("warning"), ...(env.CERTSYNC_DEBUG ? { debug: write("debug") } : {}) };
}

export function defaultDeps(): ProviderDeps {
  return { now: () => new Date(), env: process.env, engine: { logger: stderrLogger(process.env) } };
}

/** SHA-256 fingerprints of the certificates in a PEM text (previous inputs: only compared, never reported). */
function pemFingerprints(text: unknown): string[] {
  if (typeof text !== "string") return [];
  return scanPem(text)
    .blocks.filter((block) => block.label === "CERTIFICATE")
    .map((block) => sha256Hex(block.der));
}

function toNitroOptions(connection: ConnectionSettings): NitroConnectionOptions {
  return {
    url: connection.url,
    username: connection.username,
    password: connection.password,
    insecureSkipTlsVerify: connection.insecureSkipTlsVerify,
    allowHttp: connection.allowHttp,
    timeoutMs: connection.timeoutSeconds * 1000,
    ...(connection.partition !== undefined ? { partition: connection.partition } : {}),
    ...(connection.caCertificate !== undefined ? { caCertificate: connection.caCertificate } : {}),
    ...(connection.proxyUrl !== undefined ? { proxyUrl: connection.proxyUrl } : {}),
  };
}

/** The outputs that come from settings alone: a change there is an update even when the appliance needs none. */
function settingsOf(outputs: SyncOutputs): unknown[] {
  return [outputs.syncName, outputs.description, outputs.appliance, outputs.appliancePassword, outputs.vservers, outputs.options, outputs.syncTrigger];
}

/** Same appliance and partition? Anything else is another set of objects: replace. */
function applianceIdentity(url: string, partition: string | undefined): string {
  let normalized = url;
  try {
    const parsed = new URL(url);
    normalized = `${parsed.protocol}//${parsed.host.toLowerCase()}`;
  } catch {
    // kept as written: validation reports bad URLs
  }
  return `${normalized}|${partition ?? "default"}`;
}

export class SyncProvider implements pulumi.dynamic.ResourceProvider {
  private stackConfig: Record<string, string | undefined> = {};

  constructor(private readonly deps: ProviderDeps = defaultDeps()) {}

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    for (const key of CONFIG_KEYS) this.stackConfig[key] = req.config.get(key);
  }

  private validate(news: Inputs, recorded: RecordedState | undefined, previousInputs?: Inputs) {
    const accepted = new Set<string>();
    for (const certificate of Object.values(recorded?.certificates ?? {})) {
      for (const certkey of certificate.certkeys) accepted.add(certkey.fingerprint);
    }
    const previousCertificates = (previousInputs?.certificates ?? {}) as Record<string, { certificate?: unknown }>;
    for (const entry of Object.values(previousCertificates)) for (const fp of pemFingerprints(entry?.certificate)) accepted.add(fp);
    return validateInputs(news, {
      now: this.deps.now(),
      resourceName: typeof news.name === "string" ? news.name : "certsync",
      config: this.stackConfig,
      env: this.deps.env,
      acceptExpiredFingerprints: accepted,
    });
  }

  async check(olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult> {
    const result = this.validate(news, undefined, olds);
    if (!result.ok) return { inputs: news, failures: result.problems.map((p) => ({ property: p.path, reason: p.message })) };
    return { inputs: news };
  }

  async diff(_id: string, oldOutputs: SyncOutputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
    const olds = readOutputs(oldOutputs);
    const result = this.validate(news, olds.state);
    if (!result.ok) return { changes: true };
    const { desired, settings, unknowns } = result;
    const replaces: string[] = [];
    if (!unknowns.includes("connection.url") &&
        applianceIdentity(settings.connection.url, settings.connection.partition) !== applianceIdentity(olds.appliance.url, olds.appliance.partition)) {
      replaces.push("connection");
    }
    if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
    if (unknowns.length > 0) return { changes: true };
    const planned = plan({ desired, recorded: olds.state, now: this.deps.now(), deferRenewals: this.defersRenewals(settings, olds) });
    const next = this.outputs(settings, desired, planned.next, olds.lastWriteAt, this.passwordFromInputs(news), planned.notes);
    const settingsChanged = canonicalJson(settingsOf(next)) !== canonicalJson(settingsOf(olds));
    // A record that changes without any operation (e.g. a certificate now retained) is an update too.
    const recordChanged = changesRecord(planned, olds.state);
    // So is news worth telling, such as a renewal now waiting for a sync trigger.
    const newNotes = planned.notes.some((note) => !olds.notes.includes(note));
    return { changes: planned.phases.length > 0 || olds.drift.length > 0 || settingsChanged || recordChanged || newNotes };
  }

  async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult> {
    const { desired, settings } = this.validated(inputs, undefined);
    const result = await syncCertificates(toNitroOptions(settings.connection), { desired, recorded: emptyRecordedState(), now: this.deps.now() }, this.deps.engine);
    const outputs = this.outputs(settings, desired, result.recorded, this.deps.now().toISOString(), this.passwordFromInputs(inputs), result.notes);
    return { id: `certsync-${settings.name}`, outs: outputs };
  }

  async update(_id: string, oldOutputs: SyncOutputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult> {
    const olds = readOutputs(oldOutputs);
    const { desired, settings } = this.validated(news, olds.state);
    const result = await syncCertificates(
      toNitroOptions(settings.connection),
      { desired, recorded: olds.state, now: this.deps.now(), deferRenewals: this.defersRenewals(settings, olds) },
      this.deps.engine,
    );
    const lastWriteAt = result.wrote ? this.deps.now().toISOString() : olds.lastWriteAt;
    return { outs: this.outputs(settings, desired, result.recorded, lastWriteAt, this.passwordFromInputs(news), result.notes) };
  }

  async read(id: string, props: SyncOutputs): Promise<pulumi.dynamic.ReadResult> {
    const olds = readOutputs(props);
    const { drift } = await inspectAppliance(this.connectionFromOutputs(olds), olds.state, undefined, this.deps.engine);
    return { id, props: { ...props, drift } };
  }

  async delete(_id: string, props: SyncOutputs): Promise<void> {
    const olds = readOutputs(props);
    const result = await removeCertificates(this.connectionFromOutputs(olds), olds.state, this.deps.engine);
    for (const note of result.notes) this.deps.engine.logger.info(note);
  }

  /** autoSync off: renewed contents wait until syncTrigger changes. */
  private defersRenewals(settings: ValidatedSettings, olds: SyncOutputs): boolean {
    return !settings.autoSync && (settings.syncTrigger ?? null) === olds.syncTrigger;
  }

  private validated(news: Inputs, recorded: RecordedState | undefined): { desired: DesiredState; settings: ValidatedSettings } {
    const result = this.validate(news, recorded);
    if (!result.ok) {
      throw new Error(`invalid NetScalerCertificateSync inputs:\n${result.problems.map((p) => `- ${p.path}: ${p.message}`).join("\n")}`);
    }
    return result;
  }

  private passwordFromInputs(inputs: Inputs): boolean {
    const connection = inputs.connection as { password?: unknown } | undefined;
    return typeof connection?.password === "string" && connection.password !== "";
  }

  private connectionFromOutputs(olds: SyncOutputs): NitroConnectionOptions {
    const { appliance } = olds;
    const resolved = resolveConnection(
      { ...appliance, ...(olds.appliancePassword ? { password: olds.appliancePassword } : {}) },
      this.stackConfig,
      this.deps.env,
    );
    if (!resolved.ok) throw new Error(`cannot connect to ${appliance.url}: ${resolved.problems.map((p) => `${p.path} ${p.message}`).join("; ")}`);
    return toNitroOptions(resolved.settings);
  }

  private outputs(
    settings: ValidatedSettings,
    desired: DesiredState,
    recorded: RecordedState,
    lastWriteAt: string,
    storePassword: boolean,
    notes: string[],
  ): SyncOutputs {
    const { password, ...appliance } = settings.connection;
    const { vservers, ...options } = desired.options;
    return {
      outputsVersion: OUTPUTS_VERSION,
      syncName: settings.name,
      description: settings.description ?? "",
      appliance,
      appliancePassword: storePassword ? password : "",
      vservers,
      options: { ...options, certificateNameSchema: settings.certificateNameSchema, autoSync: settings.autoSync },
      syncTrigger: settings.syncTrigger ?? null,
      deployed: summarizeDeployed(recorded),
      state: recorded,
      drift: [],
      notes,
      lastWriteAt,
    };
  }
}

/** The instance the shim calls; configure() fills its stack config once per host process. */
export const provider = new SyncProvider();
