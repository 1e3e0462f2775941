// Faults at every phase of a sync, injected with the emulator's controls: the run either
// succeeds or stops with a message naming what failed; either way no vserver ever lacks a
// valid certificate, the saved configuration stays loadable, and the next run (fault gone)
// converges with no manual cleanup.
import { expect } from "chai";
import type { DropRule, FaultRule, RequestLogEntry } from "../../emulator";
import { emptyRecordedState, type DesiredState, type RecordedState } from "../../provider/model";
import { encryptKey } from "../support/certs";
import {
  after,
  attempt,
  desiredFrom,
  expectConverged,
  expectNeverUnserved,
  expectSavedConfigLoadable,
  makeMaterial,
  PASSWORD,
  pem,
  startRig,
  sync,
  type Material,
  type Outcome,
  type Rig,
} from "./support";

type Scenario = "deploy" | "renew" | "drop";

interface Stage {
  /** What the recorded state is before the faulty run (after any set-up runs). */
  from: RecordedState;
  desired: DesiredState;
}

describe("reliability: faults during a sync", function () {
  this.timeout(20_000);
  let m: Material;
  let rig: Rig;

  const both = (): DesiredState => desiredFrom({ certificates: { shop: pem(m.shop, [m.pki.intermediate]), blog: pem(m.blog, [m.pki.intermediate]) } });
  const renewed = (): DesiredState => desiredFrom({ certificates: { shop: pem(m.shopRenewed, [m.pki.intermediate]), blog: pem(m.blog, [m.pki.intermediate]) } });
  const shopOnly = (): DesiredState => desiredFrom({ certificates: { shop: pem(m.shop, [m.pki.intermediate]) } });

  /** Brings the appliance to the state a scenario starts from, without faults. */
  async function stage(scenario: Scenario): Promise<Stage> {
    if (scenario === "deploy") return { from: emptyRecordedState(), desired: both() };
    const deployed = await sync(rig, both(), emptyRecordedState());
    return { from: deployed.recorded, desired: scenario === "renew" ? renewed() : shopOnly() };
  }

  /** The faulty run, checks that hold right after it, then the run that must converge. */
  async function faultThenRecover(s: Stage): Promise<Outcome> {
    const first = await attempt(rig, s.desired, s.from);
    if (!first.ok) {
      expect(first.error.message).to.match(/NITRO|NetScaler|operation/);
      expect(first.error.message).not.to.include(PASSWORD);
    }
    // A reboot could come right now: what is saved must still load, and nothing went unserved.
    expectNeverUnserved(rig);
    expectSavedConfigLoadable(rig.emu.state());
    rig.emu.faults.clear();
    // Pulumi keeps the old state when a step throws.
    const recorded = first.ok ? first.result.recorded : s.from;
    const second = await sync(rig, s.desired, recorded);
    await expectConverged(rig, [{ desired: s.desired, recorded: second.recorded }]);
    return first;
  }

  before(() => {
    m = makeMaterial("Faults");
  });
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => rig?.close());

  const POINTS: Array<{ phase: string; scenario: Scenario; rule: Omit<DropRule, "when" | "count">; nth?: number }> = [
    { phase: "upload", scenario: "deploy", rule: { method: "POST", pathIncludes: "/config/systemfile" } },
    { phase: "add (CA certkey)", scenario: "deploy", rule: { method: "POST", pathIncludes: "/config/sslcertkey" } },
    { phase: "add (leaf certkeys)", scenario: "deploy", rule: { method: "POST", pathIncludes: "/config/sslcertkey" }, nth: 2 },
    { phase: "link", scenario: "deploy", rule: { method: "POST", pathIncludes: "sslcertkey?action=link" } },
    { phase: "bind", scenario: "deploy", rule: { method: "PUT", pathIncludes: "/config/sslvserver_sslcertkey_binding" } },
    { phase: "save", scenario: "deploy", rule: { method: "POST", pathIncludes: "nsconfig?action=save" } },
    { phase: "update (renewal in place)", scenario: "renew", rule: { method: "POST", pathIncludes: "sslcertkey?action=update" } },
    { phase: "delete (old files of a renewal)", scenario: "renew", rule: { method: "POST", pathIncludes: "systemfile?action=rm" } },
    { phase: "save (renewal)", scenario: "renew", rule: { method: "POST", pathIncludes: "nsconfig?action=save" } },
    { phase: "bind (rebind as default)", scenario: "drop", rule: { method: "PUT", pathIncludes: "/config/sslvserver_sslcertkey_binding" } },
    { phase: "unbind", scenario: "drop", rule: { method: "POST", pathIncludes: "sslvserver_sslcertkey_binding?action=unbind" } },
    { phase: "delete (certkey)", scenario: "drop", rule: { method: "DELETE", pathIncludes: "/config/sslcertkey/" } },
    { phase: "delete (files)", scenario: "drop", rule: { method: "POST", pathIncludes: "systemfile?action=rm" } },
  ];

  /** The rule goes in after the (nth-1)-th matching request, so it hits the nth. */
  function inject(rule: Omit<DropRule, "when" | "count">, nth: number, apply: () => void): void {
    if (nth <= 1) return apply();
    const matches = (e: RequestLogEntry) => (rule.method === undefined || e.method === rule.method) && e.path.includes(rule.pathIncludes);
    after(rig, matches, apply, nth - 1);
  }

  for (const point of POINTS) {
    for (const when of ["before", "after"] as const) {
      it(`connection dropped ${when} the appliance applied the ${point.phase} (${point.scenario})`, async () => {
        const s = await stage(point.scenario);
        inject(point.rule, point.nth ?? 1, () => rig.emu.faults.dropNext({ ...point.rule, when, count: 1 }));
        await faultThenRecover(s);
        const dropped = rig.emu.requests().filter((e) => e.dropped === when);
        expect(dropped, "the fault fired").to.have.length(1);
      });
    }
  }

  const ANSWERS: Array<{ title: string; scenario: Scenario; rule: FaultRule; succeeds: boolean; message?: RegExp }> = [
    {
      title: "503 without an errorcode on bind (retried)",
      scenario: "deploy",
      rule: { method: "PUT", pathIncludes: "sslvserver_sslcertkey_binding", count: 1, status: 503, errorcode: 0, message: "Service Unavailable" },
      succeeds: true,
    },
    {
      title: "500 on the leaf certkey add",
      scenario: "deploy",
      rule: { method: "POST", pathIncludes: "/config/sslcertkey", count: 2, status: 500, errorcode: 1, message: "Internal error" },
      succeeds: false,
      message: /add sslcertkey.*HTTP 500.*errorcode 1.*Internal error/s,
    },
    {
      title: "599 on the in-place update",
      scenario: "renew",
      rule: { method: "POST", pathIncludes: "sslcertkey?action=update", count: 1, status: 599, errorcode: 1537, message: "Invalid private key, or PEM pass phrase required" },
      succeeds: false,
      message: /update certkey certsync-shop.*errorcode 1537.*give its passphrase/s,
    },
    {
      title: "599 on a bulk unbind (sent again one by one)",
      scenario: "drop",
      rule: { method: "POST", pathIncludes: "sslvserver_sslcertkey_binding?action=unbind", count: 1, status: 599, errorcode: 2, message: "Appliance busy" },
      succeeds: true,
    },
    {
      title: "599 on the certkey delete",
      scenario: "drop",
      rule: { method: "DELETE", pathIncludes: "/config/sslcertkey/", count: 1, status: 599, errorcode: 2, message: "Appliance busy" },
      succeeds: false,
      message: /configuration was not saved.*delete certkey certsync-blog: NITRO delete sslcertkey "certsync-blog" failed \(HTTP 599, errorcode 2\): Appliance busy/s,
    },
    {
      title: "599 on a file removal after the save",
      scenario: "renew",
      rule: { method: "POST", pathIncludes: "systemfile?action=rm", count: 1, status: 599, errorcode: 2, message: "Appliance busy" },
      succeeds: true,
    },
  ];

  for (const a of ANSWERS) {
    it(`answer ${a.title}`, async () => {
      const s = await stage(a.scenario);
      rig.emu.faults.failNext(a.rule);
      const first = await faultThenRecover(s);
      expect(first.ok, first.ok ? "" : first.error.message).to.equal(a.succeeds);
      if (!first.ok && a.message) expect(first.error.message).to.match(a.message);
    });
  }

  it("session expired in the middle of a sync: logs in again and finishes", async () => {
    const s = await stage("deploy");
    after(rig, (e) => e.method === "POST" && e.path.includes("/config/sslcertkey"), () => rig.emu.faults.expireSessions());
    const first = await faultThenRecover(s);
    expect(first.ok, first.ok ? "" : first.error.message).to.equal(true);
    expect(rig.emu.requests().filter((e) => e.errorcode === 444)).to.have.length.greaterThan(0);
    expect(rig.logs.some((l) => /session expired or was killed; logging in again/.test(l))).to.equal(true);
  });

  it("save already in progress (293): waits for the other save, then saves", async () => {
    const s = await stage("renew");
    rig.emu.faults.setSaveDuration(250);
    // Someone else saves just as our sync gets to its save.
    after(rig, (e) => e.path.includes("sslcertkey?action=update"), () => void rig.admin.post("nsconfig?action=save", { nsconfig: {} }));
    rig.deps.nitro = { ...rig.deps.nitro, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))) };
    const first = await faultThenRecover(s);
    expect(first.ok, first.ok ? "" : first.error.message).to.equal(true);
    expect(rig.emu.requests().filter((e) => e.errorcode === 293).length).to.be.greaterThan(0);
  });

  it("latency spikes beyond the timeout in the middle of a sync", async () => {
    const s = await stage("deploy");
    // From the first write on, four requests take longer than the client waits.
    after(rig, (e) => e.method === "POST" && e.path.includes("/config/systemfile"), () => {
      rig.emu.faults.setLatency(450);
      after(rig, () => true, () => rig.emu.faults.setLatency(0), 4);
    });
    const first = await attempt(rig, s.desired, s.from, { timeoutMs: 300 });
    if (!first.ok) expect(first.error.message).to.match(/did not answer in time|outcome is unknown|timeout/i);
    // Requests the client gave up on still land on the appliance: let them.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    rig.emu.faults.clear();
    expectNeverUnserved(rig);
    expectSavedConfigLoadable(rig.emu.state());
    const second = await sync(rig, s.desired, first.ok ? first.result.recorded : s.from);
    await expectConverged(rig, [{ desired: s.desired, recorded: second.recorded }]);
  });

  it("a renewal stopped after its upload, retried with the key encrypted anew, converges", async () => {
    const s = await stage("deploy");
    const deployed = await sync(rig, s.desired, s.from);
    const withKey = (keyPem: string) =>
      desiredFrom({
        certificates: {
          shop: { certificate: m.shopRenewed.certificatePem, privateKey: keyPem, privateKeyPassphrase: "phrase-1", chain: m.pki.intermediate.certificatePem },
          blog: pem(m.blog, [m.pki.intermediate]),
        },
      });
    rig.emu.faults.failNext({ method: "POST", pathIncludes: "sslcertkey?action=update", count: 1, status: 599, errorcode: 2, message: "Appliance busy" });
    const first = await attempt(rig, withKey(encryptKey(m.shopRenewed.key, "phrase-1")), deployed.recorded);
    expect(first.ok).to.equal(false);
    // Same key, same passphrase, other ciphertext (encryption is salted): the key file left by the
    // first run has the name this run wants but other bytes.
    const desired = withKey(encryptKey(m.shopRenewed.key, "phrase-1"));
    const second = await sync(rig, desired, deployed.recorded);
    await expectConverged(rig, [{ desired, recorded: second.recorded }]);
  });

  for (const scenario of ["renew", "drop"] as const) {
    it(`appliance reboots while the sync's save is running (${scenario})`, async () => {
      const s = await stage(scenario);
      rig.emu.faults.setSaveDuration(300);
      // The reboot lands while the save runs; the client then logs in again and saves what the
      // reboot brought back. The run must notice, and must not remove files that config needs.
      const lastBeforeSave = scenario === "renew" ? "sslcertkey?action=update" : "/config/sslcertkey/";
      after(rig, (e) => e.path.includes(lastBeforeSave), () => void setTimeout(() => rig.emu.reboot(), 100));
      const first = await attempt(rig, s.desired, s.from);
      expect(first.ok ? "" : first.error.message).to.match(/^After the configuration save, the appliance no longer holds what this run applied \(certkey certsync-(shop|blog)\): it was probably restarted during the save\. No file was removed\./);
      rig.emu.faults.clear();
      expectSavedConfigLoadable(rig.emu.state());
      const second = await sync(rig, s.desired, first.ok ? first.result.recorded : s.from);
      await expectConverged(rig, [{ desired: s.desired, recorded: second.recorded }]);
    });
  }

  for (const scenario of ["deploy", "renew"] as const) {
    it(`appliance reboots between two runs before the save completed (${scenario})`, async () => {
      const s = await stage(scenario);
      rig.emu.faults.failNext({ method: "POST", pathIncludes: "nsconfig?action=save", count: 50, status: 599, errorcode: 293, message: "Operation already in progress [save ns config]" });
      const first = await attempt(rig, s.desired, s.from);
      expect(first.ok).to.equal(false);
      if (!first.ok) expect(first.error.message).to.match(/save.*errorcode 293.*Another configuration save is running/s);
      rig.emu.faults.clear();
      // What a reboot would load must be complete: certkeys whose files were removed do not load.
      expectSavedConfigLoadable(rig.emu.state());
      rig.emu.reboot();
      const second = await sync(rig, s.desired, s.from);
      await expectConverged(rig, [{ desired: s.desired, recorded: second.recorded }]);
    });
  }
});
