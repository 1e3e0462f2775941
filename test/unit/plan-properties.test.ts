// Properties every plan must have, over a few hundred seeded random scenarios, and a
// sanity check that a plan of thousands of certificates stays linear (maps, no nested scans).
import { expect } from "chai";
import {
  emptyRecordedState,
  type CertificateFacts,
  type DesiredCertificate,
  type DesiredState,
  type ObservedState,
  type Plan,
  type RecordedState,
  type SyncOptions,
} from "../../provider/model";
import { hasChanges, plan, PlanError } from "../../provider/plan";
import { caFacts, desiredCert, desiredState, NOW, observedFrom, opSummary, seededRandom, syncOptions } from "../support/facts";

const IDS = ["a", "b", "c", "d", "e", "f"];
const VSERVERS = ["vs1", "vs2", "vs3"];
const ROOT = caFacts("Prop Root CA");
const SUB = caFacts("Prop Sub CA", ROOT);
const OTHER = caFacts("Prop Other CA");
const CHAINS: CertificateFacts[][] = [[], [OTHER], [SUB, ROOT], [ROOT]];
const EXPIRIES = ["2026-09-01T00:00:00.000Z", "2027-03-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z"];
const LATER = new Date("2026-12-01T00:00:00Z");

type Random = () => number;
const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)];

function randomOptions(rnd: Random): SyncOptions {
  return syncOptions({
    removeExpiredOrRevoked: rnd() < 0.7,
    preserveOnRenewal: rnd() < 0.6,
    vservers: VSERVERS.filter(() => rnd() < 0.5),
    sni: rnd() < 0.65 ? "auto" : rnd() < 0.85 ? "always" : "never",
  });
}

function freshCert(rnd: Random, id: string, serial: number): DesiredCertificate {
  return desiredCert(id, { serial: serial.toString(16).toUpperCase(), chain: pick(rnd, CHAINS), notAfter: pick(rnd, EXPIRIES) });
}

function firstDesired(rnd: Random): DesiredState {
  const certs = IDS.filter(() => rnd() < 0.6).map((id) => freshCert(rnd, id, 10));
  return { options: randomOptions(rnd), certificates: Object.fromEntries(certs.map((c) => [c.id, c])) };
}

function secondDesired(rnd: Random, first: DesiredState): DesiredState {
  const certificates: Record<string, DesiredCertificate> = {};
  for (const id of IDS) {
    const before = first.certificates[id];
    const r = rnd();
    if (!before) {
      if (r < 0.4) certificates[id] = freshCert(rnd, id, 10);
    } else if (r < 0.15) {
      // dropped
    } else if (r < 0.25) {
      certificates[id] = { ...before, revoked: true };
    } else if (r < 0.55) {
      certificates[id] = freshCert(rnd, id, 11 + Math.floor(rnd() * 3));
    } else {
      certificates[id] = before;
    }
  }
  const options = rnd() < 0.5 ? first.options : randomOptions(rnd);
  return { options, certificates };
}

/** What the appliance shows: the record, with some things changed or removed behind our back. */
function driftedObservation(rnd: Random, recorded: RecordedState): ObservedState {
  const observed = observedFrom(recorded, VSERVERS);
  for (const r of Object.values(recorded.certificates)) {
    for (const c of r.certkeys) {
      const x = rnd();
      if (x < 0.08) {
        observed.certkeys[c.certkeyName] = null;
        for (const v of Object.values(observed.vservers)) v.bindings = v.bindings.filter((b) => b.certkeyName !== c.certkeyName);
      } else if (x < 0.16) {
        observed.files[pick(rnd, [c.certFile, c.keyFile])] = false;
      } else if (x < 0.24) {
        const ck = observed.certkeys[c.certkeyName];
        if (ck) ck.serial = "FF";
      } else if (x < 0.32) {
        for (const v of Object.values(observed.vservers)) v.bindings = v.bindings.filter((b) => b.certkeyName !== c.certkeyName);
      }
    }
  }
  if (rnd() < 0.1) observed.vservers.vs2.bindings.push({ certkeyName: "someone-elses", sni: false, ca: false });
  return observed;
}

interface Start {
  recorded: RecordedState;
  observed?: ObservedState;
}

/** Walks the phases over a model of the appliance and checks the safety properties. */
function checkSafety(p: Plan, start: Start): void {
  const { recorded, observed } = start;
  const recordedNames = new Set<string>();
  const ownedFiles = new Set<string>();
  const certkeys = new Set<string>();
  const files = new Set<string>();
  const bound = new Set<string>();
  const key = (v: string, ck: string, sni: boolean) => `${v}|${ck}|${sni}`;
  for (const r of Object.values(recorded.certificates)) {
    for (const c of r.certkeys) {
      recordedNames.add(c.certkeyName);
      [c.certFile, c.keyFile].forEach((f) => ownedFiles.add(f));
      if (observed?.certkeys[c.certkeyName] !== null) certkeys.add(c.certkeyName);
      for (const f of [c.certFile, c.keyFile]) if (observed?.files[f] !== false) files.add(f);
      if (!observed) for (const b of c.bindings) bound.add(key(b.vserver, c.certkeyName, b.sni));
    }
  }
  for (const ca of Object.values(recorded.caCertkeys)) {
    recordedNames.add(ca.certkeyName);
    if (ca.createdBySync) ownedFiles.add(ca.certFile);
    if (observed?.certkeys[ca.certkeyName] !== null) certkeys.add(ca.certkeyName);
    if (observed?.files[ca.certFile] !== false) files.add(ca.certFile);
  }
  if (observed) {
    for (const v of Object.values(observed.vservers)) for (const b of v.bindings) if (!b.ca) bound.add(key(v.name, b.certkeyName, b.sni));
    for (const [f, there] of Object.entries(observed.files)) if (there) files.add(f);
  }

  const perVserver = (set: Set<string>) => {
    const counts = new Map<string, number>();
    for (const k of set) counts.set(k.split("|")[0], (counts.get(k.split("|")[0]) ?? 0) + 1);
    return counts;
  };
  // First pass: where does each vserver end up?
  const finalBound = new Set(bound);
  for (const op of p.phases.flat()) {
    if (op.kind === "bind") finalBound.add(key(op.vserver, op.certkeyName, op.sni));
    if (op.kind === "unbind") finalBound.delete(key(op.vserver, op.certkeyName, op.sni));
  }
  const before = perVserver(bound);
  const after = perVserver(finalBound);

  const nextFiles = new Set<string>();
  for (const r of Object.values(p.next.certificates)) for (const c of r.certkeys) [c.certFile, c.keyFile].forEach((f) => nextFiles.add(f));
  for (const ca of Object.values(p.next.caCertkeys)) nextFiles.add(ca.certFile);

  for (const phase of p.phases) {
    for (const op of phase) {
      const what = opSummary(op);
      switch (op.kind) {
        case "uploadFile":
          expect(files.has(op.fileName), `${what}: file already there`).to.equal(false);
          break;
        case "addCertkey":
          expect(certkeys.has(op.certkeyName), `${what}: certkey already there`).to.equal(false);
          for (const f of [op.certFile, op.keyFile]) if (f !== undefined) expect(files.has(f), `${what}: file ${f} missing`).to.equal(true);
          break;
        case "updateCertkey":
          expect(recordedNames.has(op.certkeyName), `${what}: not recorded`).to.equal(true);
          expect(certkeys.has(op.certkeyName), `${what}: certkey missing`).to.equal(true);
          for (const f of [op.certFile, op.keyFile]) expect(files.has(f), `${what}: file ${f} missing`).to.equal(true);
          break;
        case "linkCertkey":
          expect(certkeys.has(op.certkeyName) && certkeys.has(op.caCertkeyName), `${what}: a certkey is missing`).to.equal(true);
          break;
        case "unlinkCertkey":
          expect(certkeys.has(op.certkeyName), `${what}: certkey missing`).to.equal(true);
          break;
        case "bind":
          expect(certkeys.has(op.certkeyName), `${what}: certkey missing`).to.equal(true);
          expect(bound.has(key(op.vserver, op.certkeyName, op.sni)), `${what}: already bound`).to.equal(false);
          break;
        case "unbind":
          expect(bound.has(key(op.vserver, op.certkeyName, op.sni)), `${what}: not bound`).to.equal(true);
          break;
        case "deleteCertkey":
          expect(recordedNames.has(op.certkeyName), `${what}: not recorded`).to.equal(true);
          expect([...bound].some((k) => k.split("|")[1] === op.certkeyName), `${what}: still bound`).to.equal(false);
          break;
        case "deleteFile":
          expect(ownedFiles.has(op.fileName), `${what}: not ours`).to.equal(true);
          expect(nextFiles.has(op.fileName), `${what}: still used in next`).to.equal(false);
          break;
        case "saveConfig":
          expect(phase).to.have.length(1);
          // Only file removals come after the save.
          expect(p.phases.slice(p.phases.indexOf(phase) + 1).flat().every((later) => later.kind === "deleteFile")).to.equal(true);
          break;
      }
    }
    for (const op of phase) {
      if (op.kind === "uploadFile") files.add(op.fileName);
      if (op.kind === "addCertkey") certkeys.add(op.certkeyName);
      if (op.kind === "bind") bound.add(key(op.vserver, op.certkeyName, op.sni));
      if (op.kind === "unbind") bound.delete(key(op.vserver, op.certkeyName, op.sni));
      if (op.kind === "deleteCertkey") certkeys.delete(op.certkeyName);
      if (op.kind === "deleteFile") files.delete(op.fileName);
    }
    // A vserver that had certificates and keeps some never goes without one in between.
    const now = perVserver(bound);
    for (const [v, n] of before) {
      if (n > 0 && (after.get(v) ?? 0) > 0) expect(now.get(v) ?? 0, `vserver ${v} left without a certificate`).to.be.greaterThan(0);
    }
  }
  // The model of the appliance after the plan matches what `next` records for our certkeys.
  for (const r of Object.values(p.next.certificates)) {
    for (const c of r.certkeys) {
      expect(certkeys.has(c.certkeyName), `next records ${c.certkeyName}, which is not there`).to.equal(true);
      for (const b of c.bindings) expect(finalBound.has(key(b.vserver, c.certkeyName, b.sni)), `next records binding ${b.vserver}/${c.certkeyName}`).to.equal(true);
    }
  }
}

describe("plan properties (seeded random scenarios)", () => {
  it("every plan is safe, saves once before removing files, and is idempotent", () => {
    const rnd = seededRandom(20260601);
    let planned = 0;
    let refused = 0;
    for (let scenario = 0; scenario < 300; scenario++) {
      const first = firstDesired(rnd);
      let deployed: Plan;
      try {
        deployed = plan({ desired: first, recorded: emptyRecordedState(), now: NOW });
      } catch (e) {
        if (!(e instanceof PlanError)) throw e;
        refused++;
        continue;
      }
      checkSafety(deployed, { recorded: emptyRecordedState() });
      const second = secondDesired(rnd, first);
      const observed = rnd() < 0.5 ? driftedObservation(rnd, deployed.next) : undefined;
      const now = rnd() < 0.3 ? LATER : NOW;
      const deferRenewals = rnd() < 0.2;
      const input = { desired: second, recorded: deployed.next, ...(observed ? { observed } : {}), now, deferRenewals };
      let p: Plan;
      try {
        p = plan(input);
      } catch (e) {
        if (!(e instanceof PlanError)) throw e;
        refused++;
        continue;
      }
      planned++;
      try {
        checkSafety(p, { recorded: deployed.next, ...(observed ? { observed } : {}) });
        const again = plan({ desired: second, recorded: p.next, now, deferRenewals });
        expect(again.phases.map((ph) => ph.map(opSummary)), "a second plan must do nothing").to.deep.equal([]);
        expect(again.next).to.deep.equal(p.next);
        expect(JSON.parse(JSON.stringify(p.next))).to.deep.equal(p.next);
      } catch (e) {
        (e as Error).message += `\nscenario ${scenario}: ${JSON.stringify({ options: second.options, ids: Object.keys(second.certificates), observed: !!observed, now, deferRenewals })}`;
        throw e;
      }
    }
    expect(planned, `only ${planned} of 300 scenarios planned (${refused} refused)`).to.be.greaterThan(200);
  });
});

describe("plan at scale", () => {
  const CA = caFacts("Scale CA");
  const many = (n: number, serial: string): DesiredState =>
    desiredState(
      Array.from({ length: n }, (_, i) => desiredCert(`cert${i}`, { serial, chain: [CA] })),
      { vservers: ["vs1", "vs2"] },
    );

  it("plans 5000 new certificates, then nothing, then 5000 renewals against an observed appliance", () => {
    const first = plan({ desired: many(5000, "0A"), recorded: emptyRecordedState(), now: NOW });
    const ops = first.phases.flat();
    expect(ops.filter((op) => op.kind === "addCertkey")).to.have.length(5001);
    expect(ops.filter((op) => op.kind === "bind" && op.sni)).to.have.length(10000);
    expect(hasChanges(plan({ desired: many(5000, "0A"), recorded: first.next, now: NOW }))).to.equal(false);
    const renewal = plan({ desired: many(5000, "0B"), recorded: first.next, observed: observedFrom(first.next, ["vs1", "vs2"]), now: NOW });
    expect(renewal.phases.flat().filter((op) => op.kind === "updateCertkey")).to.have.length(5000);
    expect(renewal.phases.flat().filter((op) => op.kind === "deleteFile")).to.have.length(10000);
  });
});
