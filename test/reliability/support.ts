// Shared rig for the reliability tests: an emulator with objects this sync does not own, the
// engine wired to it with a captured logger and no backoff waits, and the invariants every
// run must leave behind (served vservers, no duplicates or orphans, foreign objects intact,
// configuration saved, the record matching the appliance).
import { expect } from "chai";
import { startEmulator, unsavedChanges, type Emulator, type EmulatorOptions, type EmulatorSnapshot, type RequestLogEntry } from "../../emulator";
import type { DesiredState, RecordedState } from "../../provider/model";
import type { NitroConnectionOptions } from "../../provider/nitro";
import { inspectAppliance, syncCertificates, type EngineDeps, type SyncResult } from "../../provider/sync";
import { validateInputs } from "../../provider/validate";
import { makePki, pooledKey, type IssuedCertificate, type TestPki } from "../support/certs";
import { TestClient } from "../support/emulator-client";

export const USERNAME = "certsync";
/** Distinctive, so a scan finds any leak. */
export const PASSWORD = "Rel-Pa55-7c1e93-never-log";
export const FOREIGN_CERTKEY = "legacy";

export interface Rig {
  emu: Emulator;
  /** nsroot session for out-of-band actions. */
  admin: TestClient;
  connection: NitroConnectionOptions;
  deps: EngineDeps;
  /** Everything the engine logged, as "level: message". */
  logs: string[];
  /** The appliance before the sync touched it (foreign objects only). */
  baseline: EmulatorSnapshot;
  /** Runs after each NITRO request is logged; hooks return true to stay installed. */
  hooks: Array<(entry: RequestLogEntry) => boolean>;
  close(): Promise<void>;
}

/** Certificates reused across a test file: keys are pooled, signing is cheap. */
export interface Material {
  pki: TestPki;
  shop: IssuedCertificate;
  blog: IssuedCertificate;
  shopRenewed: IssuedCertificate;
}

export function makeMaterial(name = "Rel"): Material {
  const pki = makePki(name);
  return {
    pki,
    shop: pki.leaf("shop.example.com", { key: pooledKey(3) }),
    blog: pki.leaf("blog.example.com", { key: pooledKey(4) }),
    shopRenewed: pki.leaf("shop.example.com", { key: pooledKey(5) }),
  };
}

export async function startRig(options: EmulatorOptions = {}): Promise<Rig> {
  const hooks: Rig["hooks"] = [];
  const emu = await startEmulator({
    users: [{ username: USERNAME, password: PASSWORD }, { username: "nsroot", password: "nsroot" }, { username: "viewer", password: "viewer-pw", readOnly: true }],
    vservers: [{ name: "vs_web", sni: true }, { name: "vs_other", sni: true }, { name: "vs_plain", sni: false }],
    onRequest: (entry) => {
      for (const hook of [...hooks]) if (!hook(entry)) hooks.splice(hooks.indexOf(hook), 1);
    },
    ...options,
  });
  const admin = new TestClient(emu);
  await admin.login("nsroot", "nsroot");
  // Objects another team owns: every run must leave them exactly as they are.
  const legacy = makePki("Legacy", { root: 6, intermediate: 7 }).leaf("legacy.example.com", { key: pooledKey(8) });
  await admin.upload("legacy.cer", legacy.certificatePem);
  await admin.upload("legacy.key", legacy.key.privateKeyPem);
  await admin.post("sslcertkey", { sslcertkey: { certkey: FOREIGN_CERTKEY, cert: "legacy.cer", key: "legacy.key" } });
  await admin.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: "vs_other", certkeyname: FOREIGN_CERTKEY } });
  await admin.post("nsconfig?action=save", { nsconfig: {} });
  const baseline = emu.state();
  emu.clearRequests();
  const logs: string[] = [];
  const deps: EngineDeps = {
    logger: { info: (m) => logs.push(`info: ${m}`), warn: (m) => logs.push(`warn: ${m}`), debug: (m) => logs.push(`debug: ${m}`) },
    nitro: { sleep: async () => undefined, env: {} },
  };
  return {
    emu,
    admin,
    connection: { url: emu.url, username: USERNAME, password: PASSWORD, caCertificate: emu.caCertificatePem },
    deps,
    logs,
    baseline,
    hooks,
    close: async () => {
      admin.close();
      await emu.close();
    },
  };
}

/** Raw inputs as users write them; validated like `pulumi up` would. */
export type RawInputs = Record<string, unknown>;

export function desiredFrom(inputs: RawInputs): DesiredState {
  const result = validateInputs(
    { connection: { url: "https://127.0.0.1", username: USERNAME, password: PASSWORD }, vserverName: "vs_web", ...inputs },
    { now: new Date(), resourceName: "web", env: {} },
  );
  if (!result.ok) throw new Error(`test inputs do not validate: ${JSON.stringify(result.problems)}`);
  return result.desired;
}

export function pem(cert: IssuedCertificate, chain: IssuedCertificate[] = []): { certificate: string; privateKey: string; chain?: string } {
  return { certificate: cert.certificatePem, privateKey: cert.key.privateKeyPem, ...(chain.length ? { chain: chain.map((c) => c.certificatePem).join("") } : {}) };
}

export type Outcome = { ok: true; result: SyncResult } | { ok: false; error: Error };

export async function attempt(rig: Rig, desired: DesiredState, recorded: RecordedState, connection: Partial<NitroConnectionOptions> = {}): Promise<Outcome> {
  try {
    return { ok: true, result: await syncCertificates({ ...rig.connection, ...connection }, { desired, recorded, now: new Date() }, rig.deps) };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

/** A run that must succeed. */
export async function sync(rig: Rig, desired: DesiredState, recorded: RecordedState): Promise<SyncResult> {
  const outcome = await attempt(rig, desired, recorded);
  if (!outcome.ok) throw new Error(`sync failed unexpectedly: ${outcome.error.message}`);
  return outcome.result;
}

/** Installs a one-shot action to run after the n-th (1-based) logged request matching `match`. */
export function after(rig: Rig, match: (e: RequestLogEntry) => boolean, action: () => void, nth = 1): void {
  let seen = 0;
  rig.hooks.push((entry) => {
    if (!match(entry)) return true;
    if (++seen < nth) return true;
    action();
    return false;
  });
}

export const isWrite = (e: RequestLogEntry): boolean => e.method !== "GET" && !/\/config\/(login|logout)\b/.test(e.path);

export function writes(rig: Rig): string[] {
  return rig.emu.requests().filter(isWrite).map((e) => `${e.method} ${decodeURIComponent(e.path)}`);
}

// ---- invariants ---------------------------------------------------------------------------

/** Certkey names the records say the syncs own (leaves and CA certkeys). */
function ownedNames(records: RecordedState[]): Set<string> {
  const names = new Set<string>();
  for (const r of records) {
    for (const c of Object.values(r.certificates)) for (const k of c.certkeys) names.add(k.certkeyName);
    for (const ca of Object.values(r.caCertkeys)) names.add(ca.certkeyName);
  }
  return names;
}

const base = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/** No vserver went without a valid certificate at any request so far. */
export function expectNeverUnserved(rig: Rig): void {
  const unserved = rig.emu.requests().filter((e) => e.unservedVservers.length > 0).map((e) => `${e.method} ${e.path} left ${e.unservedVservers.join(", ")} unserved`);
  expect(unserved).to.deep.equal([]);
}

/** Every certkey of the saved configuration can load after a reboot: its files are there. */
export function expectSavedConfigLoadable(snapshot: EmulatorSnapshot): void {
  const files = new Set(Object.keys(snapshot.files.default ?? {}).map(base));
  const missing: string[] = [];
  for (const ck of Object.values(snapshot.saved.default.certkeys)) {
    for (const file of [ck.cert, ck.key]) if (file !== undefined && !files.has(base(file))) missing.push(`${ck.certkey} needs ${base(file)}`);
  }
  expect(missing, "saved certkeys whose files are gone (they would not load after a reboot)").to.deep.equal([]);
}

/** Objects outside the syncs' own are exactly as before. */
export function expectForeignUntouched(rig: Rig, snapshot: EmulatorSnapshot, owned: Set<string>): void {
  const before = rig.baseline.running.default;
  const now = snapshot.running.default;
  for (const [name, ck] of Object.entries(before.certkeys)) expect(now.certkeys[name], `foreign certkey ${name}`).to.deep.equal(ck);
  const foreignBindings = (bs: typeof now.bindings) => bs.filter((b) => !owned.has(b.certkeyname));
  expect(foreignBindings(now.bindings)).to.deep.equal(foreignBindings(before.bindings));
  expect(now.vservers).to.deep.equal(before.vservers);
  for (const [path, file] of Object.entries(rig.baseline.files.default)) expect(snapshot.files.default[path]?.contentBase64, `foreign file ${path}`).to.equal(file.contentBase64);
}

/**
 * After a converged run: the appliance holds exactly the recorded objects (no duplicates, no
 * orphaned files), every desired certificate is live and bound, foreign objects are intact,
 * the configuration is saved, and a further run finds no drift and writes nothing.
 */
export async function expectConverged(rig: Rig, syncs: Array<{ desired: DesiredState; recorded: RecordedState }>): Promise<void> {
  const snapshot = rig.emu.state();
  const running = snapshot.running.default;
  const owned = ownedNames(syncs.map((s) => s.recorded));
  const foreign = new Set(Object.keys(rig.baseline.running.default.certkeys));

  expectNeverUnserved(rig);
  expect(unsavedChanges(snapshot), "running configuration differs from the saved one").to.deep.equal([]);
  expectSavedConfigLoadable(snapshot);
  expectForeignUntouched(rig, snapshot, owned);

  const present = Object.keys(running.certkeys).filter((n) => !foreign.has(n)).sort();
  expect(present, "certkeys on the appliance vs recorded").to.deep.equal([...owned].sort());
  const fingerprints = Object.values(running.certkeys).map((c) => c.fingerprint);
  expect(new Set(fingerprints).size, "one certificate under two certkey names").to.equal(fingerprints.length);
  const referenced = new Set(Object.values(running.certkeys).flatMap((c) => [c.cert, c.key].filter((f): f is string => f !== undefined).map(base)));
  const orphans = Object.keys(snapshot.files.default)
    .filter((p) => !(p in rig.baseline.files.default))
    .map(base)
    .filter((f) => !referenced.has(f));
  expect(orphans, "files no certkey uses").to.deep.equal([]);

  for (const { desired, recorded } of syncs) {
    for (const d of Object.values(desired.certificates)) {
      const ck = running.certkeys[d.certkeyName];
      expect(ck?.fingerprint, `certkey ${d.certkeyName} serves ${d.id}`).to.equal(d.leaf.fingerprint);
      for (const v of desired.options.vservers) {
        expect(running.bindings.some((b) => b.vservername === v && b.certkeyname === d.certkeyName), `${d.certkeyName} bound to ${v}`).to.equal(true);
      }
    }
    const inspected = await inspectAppliance(rig.connection, recorded, desired, rig.deps);
    expect(inspected.drift, "drift after convergence").to.deep.equal([]);
    const again = await sync(rig, desired, recorded);
    expect(again.wrote, "a further run writes nothing").to.equal(false);
  }
}
