// Shared set-up for the engine's integration tests: an emulator with a movable clock, objects
// that belong to someone else (placed before every case, checked after it), desired states
// built through validateInputs, and assertions on the running and the saved configuration.
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { expect } from "chai";
import { isConfigurationSaved, startEmulator, unsavedChanges, type Emulator, type PartitionConfigSnapshot, type VserverOption } from "../../emulator";
import type { CertificateInput, SyncInputs } from "../../provider/inputs";
import { emptyRecordedState, type DesiredState, type RecordedState } from "../../provider/model";
import type { NitroConnectionOptions } from "../../provider/nitro";
import { caCertkeyName, certificateFileName, keyFileName } from "../../provider/naming";
import { inspectAppliance, syncCertificates, removeCertificates, type EngineDeps, type SyncResult } from "../../provider/sync";
import { validateInputs } from "../../provider/validate";
import type { IssuedCertificate, TestPki } from "../support/certs";
import { TestClient } from "../support/emulator-client";
import { addCertkey } from "../support/emulator-fixtures";

export const DAY_MS = 24 * 3600 * 1000;

/** vs_web and vs_api take SNI, vs_plain does not; vs_other holds only the foreign certificate. */
export const DEFAULT_VSERVERS: VserverOption[] = [
  { name: "vs_web", sni: true },
  { name: "vs_api", sni: true },
  { name: "vs_plain", sni: false },
  { name: "vs_other", sni: false },
];

/** The normalised configuration tests compare: certkeys by name and bindings as lines. */
export interface ConfigView {
  /** certkey → "<fingerprint>" or "<fingerprint> -> <linked CA certkey>". */
  certkeys: Record<string, string>;
  /** "vserver <- certkey" plus " (SNI)", sorted. */
  bindings: string[];
}

export interface Foreign {
  config: ConfigView;
  /** Full path → base64 content. */
  files: Record<string, string>;
}

export interface Bench {
  emu: Emulator;
  client: TestClient;
  connection: NitroConnectionOptions;
  /** The clock shared by the emulator and the syncs. */
  now(): Date;
  /** Moves both clocks forward. */
  advanceDays(days: number): void;
  foreign: Foreign;
  logs: string[];
  close(): Promise<void>;
}

export const FOREIGN_CERTKEY = "app-other";

/**
 * An emulator with someone else's certificate already saved on it: certkey app-other (its own
 * files, linked to its own CA certkey other-ca) bound as default on vs_other and as SNI on vs_web.
 */
export async function startBench(foreignPki: TestPki, options: { vservers?: VserverOption[]; latencyMs?: number } = {}): Promise<Bench> {
  let offsetMs = 0;
  const now = (): Date => new Date(Date.now() + offsetMs);
  const emu = await startEmulator({ vservers: options.vservers ?? DEFAULT_VSERVERS, now, ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}) });
  const client = new TestClient(emu);
  await client.login();
  const names = new Set((options.vservers ?? DEFAULT_VSERVERS).map((v) => v.name));
  await placeForeign(client, foreignPki, names);
  const logs: string[] = [];
  const bench: Bench = {
    emu,
    client,
    connection: { url: emu.url, username: "nsroot", password: "nsroot", caCertificate: emu.caCertificatePem },
    now,
    advanceDays: (days) => {
      offsetMs += days * DAY_MS;
    },
    foreign: foreignOf(emu),
    logs,
    close: async () => {
      client.close();
      await emu.close();
    },
  };
  emu.clearRequests();
  return bench;
}

async function placeForeign(client: TestClient, pki: TestPki, vservers: Set<string>): Promise<void> {
  const ok = (status: number, what: string): void => {
    if (status >= 300) throw new Error(`setting up the foreign ${what} failed with HTTP ${status}`);
  };
  ok((await client.upload("other-ca.cer", pki.intermediate.certificatePem)).status, "CA file");
  ok((await client.post("sslcertkey", { sslcertkey: { certkey: "other-ca", cert: "other-ca.cer", inform: "PEM" } })).status, "CA certkey");
  ok((await addCertkey(client, FOREIGN_CERTKEY, pki.leaf("other.example.org"))).status, "certkey");
  ok((await client.post("sslcertkey?action=link", { sslcertkey: { certkey: FOREIGN_CERTKEY, linkcertkeyname: "other-ca" } })).status, "link");
  const binds: Array<[string, boolean]> = [
    ["vs_other", false],
    ["vs_web", true],
  ];
  for (const [vserver, sni] of binds) {
    if (!vservers.has(vserver)) continue;
    ok((await client.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: vserver, certkeyname: FOREIGN_CERTKEY, snicert: sni } })).status, "binding");
  }
  ok((await client.post("nsconfig?action=save", { nsconfig: {} })).status, "save");
}

function foreignOf(emu: Emulator): Foreign {
  const state = emu.state();
  const config = viewOf(state.running.default);
  const files = Object.fromEntries(Object.entries(state.files.default).map(([path, f]) => [path, f.contentBase64]));
  return { config, files };
}

export function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, "").toLowerCase();
}

/** What a PEM file holds, independent of its encoding: a certificate's fingerprint or a key's public half. */
function materialOf(pem: string): string {
  if (pem.includes("CERTIFICATE")) return `certificate ${fingerprintOf(pem)}`;
  return `key ${createPublicKey(createPrivateKey(pem)).export({ type: "spki", format: "pem" }).toString()}`;
}

export function viewOf(config: PartitionConfigSnapshot): ConfigView {
  const certkeys: Record<string, string> = {};
  for (const [name, c] of Object.entries(config.certkeys)) certkeys[name] = c.linkcertkeyname ? `${c.fingerprint} -> ${c.linkcertkeyname}` : c.fingerprint;
  const bindings = config.bindings.map((b) => `${b.vservername} <- ${b.certkeyname}${b.snicert ? " (SNI)" : ""}${b.ca ? " (CA)" : ""}`).sort();
  return { certkeys: sortKeys(certkeys), bindings };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// ---- desired state ---------------------------------------------------------------------

export function entry(leaf: IssuedCertificate, chain: IssuedCertificate[] = [], extra: Partial<CertificateInput> = {}): CertificateInput {
  return {
    certificate: leaf.certificatePem,
    privateKey: leaf.key.privateKeyPem,
    ...(chain.length > 0 ? { chain: chain.map((c) => c.certificatePem).join("") } : {}),
    ...extra,
  };
}

/** A desired state from resource-style inputs; certificates the record already holds may be expired. */
export function desiredOf(inputs: Partial<SyncInputs>, now: Date, recorded: RecordedState = emptyRecordedState()): DesiredState {
  const accepted = new Set(Object.values(recorded.certificates).flatMap((c) => c.certkeys.map((k) => k.fingerprint)));
  const result = validateInputs(
    { connection: { url: "https://127.0.0.1", username: "nsroot", password: "nsroot" }, ...inputs },
    { now, resourceName: "t", env: {}, acceptExpiredFingerprints: accepted },
  );
  if (!result.ok) throw new Error(`test inputs do not validate: ${result.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  return result.desired;
}

// ---- running the engine ----------------------------------------------------------------

function deps(bench: Bench): EngineDeps {
  return {
    logger: { info: (m) => bench.logs.push(`info: ${m}`), warn: (m) => bench.logs.push(`warn: ${m}`), debug: () => undefined },
    nitro: { env: {}, sleep: async () => undefined },
  };
}

export function sync(bench: Bench, desired: DesiredState, recorded: RecordedState, now: Date = bench.now()): Promise<SyncResult> {
  return syncCertificates(bench.connection, { desired, recorded, now }, deps(bench));
}

export function destroy(bench: Bench, recorded: RecordedState): Promise<SyncResult> {
  return removeCertificates(bench.connection, recorded, deps(bench));
}

/** Drift between the record and the appliance (empty when they agree). */
export async function driftOf(bench: Bench, recorded: RecordedState): Promise<string[]> {
  return (await inspectAppliance(bench.connection, recorded, undefined, deps(bench))).drift;
}

/** Requests that change something (everything but reads, login and logout), in order. */
export function writes(emu: Emulator): string[] {
  return emu
    .requests()
    .filter((r) => r.method !== "GET" && !/\/config\/(login|logout)\b/.test(r.path))
    .map((r) => `${r.method} ${decodeURIComponent(r.path)}`);
}

export function saves(emu: Emulator): number {
  return writes(emu).filter((w) => w.includes("nsconfig?action=save")).length;
}

/** Every request after which a vserver that served a valid certificate served none. */
export function unservedMoments(emu: Emulator): string[] {
  return emu
    .requests()
    .filter((r) => r.unservedVservers.length > 0)
    .map((r) => `${r.method} ${r.path}: ${r.unservedVservers.join(", ")}`);
}

// ---- expectations ----------------------------------------------------------------------

/** Names and expected view of one of our leaf certkeys. */
export function leafNames(certkeyName: string, leaf: IssuedCertificate): { certFile: string; keyFile: string; fingerprint: string } {
  const fingerprint = fingerprintOf(leaf.certificatePem);
  return { certFile: certificateFileName(certkeyName, fingerprint), keyFile: keyFileName(certkeyName, fingerprint), fingerprint };
}

export function caName(ca: IssuedCertificate): string {
  return caCertkeyName(fingerprintOf(ca.certificatePem));
}

export interface Linked {
  cert: IssuedCertificate;
  link: string;
}

export const linked = (cert: IssuedCertificate, link: string): Linked => ({ cert, link });

export interface Intended {
  /** Our certkeys: name → its certificate, or linked(certificate, CA certkey). */
  certkeys: Record<string, IssuedCertificate | Linked>;
  /** Our bindings as "vserver <- certkey[ (SNI)]". */
  bindings: string[];
  /** Our files that must be there (with the certificate or the key of this PEM), and ones that must not. */
  files?: Record<string, string>;
  absentFiles?: string[];
}

/** The whole configuration as intended: ours plus the untouched foreign objects. */
function intendedView(bench: Bench, intended: Intended): ConfigView {
  const certkeys: Record<string, string> = { ...bench.foreign.config.certkeys };
  for (const [name, value] of Object.entries(intended.certkeys)) {
    const fingerprint = fingerprintOf(("link" in value ? value.cert : value).certificatePem);
    certkeys[name] = "link" in value ? `${fingerprint} -> ${value.link}` : fingerprint;
  }
  return { certkeys: sortKeys(certkeys), bindings: [...bench.foreign.config.bindings, ...intended.bindings].sort() };
}

function expectFiles(bench: Bench, intended: Intended, when: string): void {
  const files = bench.emu.state().files.default;
  for (const [path, content] of Object.entries(bench.foreign.files)) {
    expect(files[path]?.contentBase64, `${when}: foreign file ${path}`).to.equal(content);
  }
  for (const [name, pem] of Object.entries(intended.files ?? {})) {
    const file = files[`/nsconfig/ssl/${name}`];
    expect(file, `${when}: file ${name}`).not.to.equal(undefined);
    expect(materialOf(Buffer.from(file.contentBase64, "base64").toString("utf8")), `${when}: content of ${name}`).to.equal(materialOf(pem));
  }
  for (const name of intended.absentFiles ?? []) expect(Object.keys(files), `${when}: file ${name} is gone`).not.to.include(`/nsconfig/ssl/${name}`);
}

/** The running configuration is the intended one (foreign objects included, files too). */
export function expectRunning(bench: Bench, intended: Intended): void {
  expect(viewOf(bench.emu.state().running.default), "running configuration").to.deep.equal(intendedView(bench, intended));
  expectFiles(bench, intended, "running");
}

/**
 * Ends a case: everything is saved, and after a reboot the configuration is still the
 * intended one; when a record is given, the appliance also agrees with it (no drift).
 */
export async function expectSavedAfterReboot(bench: Bench, intended: Intended, recorded?: RecordedState): Promise<void> {
  expect(unsavedChanges(bench.emu.state()), "unsaved changes").to.deep.equal([]);
  expect(isConfigurationSaved(bench.emu.state())).to.equal(true);
  bench.emu.reboot();
  expect(viewOf(bench.emu.state().running.default), "configuration after reboot").to.deep.equal(intendedView(bench, intended));
  expectFiles(bench, intended, "after reboot");
  if (recorded) expect(await driftOf(bench, recorded), "drift after reboot").to.deep.equal([]);
}
