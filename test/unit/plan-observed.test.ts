// Plan cases 8 and 9 (issue 3): objects we did not record, adoption, and drift repair when
// the appliance was observed. Without an observation the record is taken as true.
import { expect } from "chai";
import { emptyRecordedState, type ObservedState, type PlanInput, type RecordedState } from "../../provider/model";
import { caCertificateFileName, caCertkeyName, renewedCertkeyName } from "../../provider/naming";
import { describePlan, plan, PlanError } from "../../provider/plan";
import {
  caFacts,
  checkPlanRow,
  desiredCert,
  desiredState,
  filesOf,
  NOW,
  observedFrom,
  type PlanRow,
  recordedCa,
  recordedCertkey,
  recordedState,
} from "../support/facts";

const CA = caFacts("Issuing CA");
const CA_NAME = caCertkeyName(CA.fingerprint);
const CA_FILE = caCertificateFileName(CA.fingerprint);
const shop = desiredCert("shop", { chain: [CA] });
const S = filesOf("certsync-shop", shop.leaf);
const vs1Default = [{ vserver: "vs1", sni: false }];

const shopDeployed = (): RecordedState =>
  recordedState({ shop: [recordedCertkey(shop, { bindings: vs1Default })] }, [recordedCa(CA)]);

/** An observation of `recorded` with a change made by someone else. */
function drifted(recorded: RecordedState, change: (o: ObservedState) => void): ObservedState {
  const observed = observedFrom(recorded, ["vs1"]);
  change(observed);
  return observed;
}

/** An appliance where certkey certsync-shop (and maybe files) exist, made by someone else. */
function foreignShop(withFiles: boolean): ObservedState {
  const observed = observedFrom(emptyRecordedState(), ["vs1"]);
  observed.certkeys["certsync-shop"] = { certkeyName: "certsync-shop", certFile: "manual-shop.cer", keyFile: "manual-shop.key", serial: "99" };
  observed.certkeys[CA_NAME] = null;
  observed.files[S.cer] = withFiles;
  observed.files[S.key] = withFiles;
  return observed;
}

function problemsOf(input: PlanInput): string[] {
  try {
    plan(input);
  } catch (e) {
    if (e instanceof PlanError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  throw new Error("expected a PlanError");
}

function runTable(rows: PlanRow[]): void {
  for (const row of rows) it(row.name, () => checkPlanRow(plan(row.input()), row));
}

describe("plan with an observed appliance", () => {
  describe("8. objects this sync did not record", () => {
    const problemCases: Array<[string, () => PlanInput, RegExp]> = [
      [
        "a certkey under the name it would create",
        () => ({ desired: desiredState([shop], { vservers: ["vs1"] }), recorded: emptyRecordedState(), observed: foreignShop(false), now: NOW }),
        /^certificates\.shop: certkey certsync-shop already exists on the appliance but this sync did not create it; .*set adoptExisting to take it over$/,
      ],
      [
        "a file under the name it would upload",
        () => {
          const observed = observedFrom(emptyRecordedState(), ["vs1"]);
          observed.files[S.key] = true;
          return { desired: desiredState([shop], { vservers: ["vs1"] }), recorded: emptyRecordedState(), observed, now: NOW };
        },
        new RegExp(`^certificates\\.shop: file ${S.key.replace(/\./g, "\\.")} already exists in /nsconfig/ssl/ but this sync did not create it; delete it, or set adoptExisting`),
      ],
    ];
    for (const [name, input, expected] of problemCases) {
      it(`refuses ${name}`, () => {
        const problems = problemsOf(input());
        expect(problems).to.have.length(1);
        expect(problems[0]).to.match(expected);
      });
    }

    runTable([
      {
        name: "adoptExisting: updates the existing certkey to our files instead of adding it",
        input: () => ({ desired: desiredState([shop], { vservers: ["vs1"], adoptExisting: true }), recorded: emptyRecordedState(), observed: foreignShop(false), now: NOW }),
        phases: [
          [`uploadFile ${CA_FILE}`, `uploadFile ${S.cer}`, `uploadFile ${S.key}`],
          [`addCertkey ${CA_NAME}`],
          ["updateCertkey certsync-shop"],
          [`linkCertkey certsync-shop ${CA_NAME}`],
          ["bind vs1 certsync-shop default"],
        ],
        next: (next, p) => {
          expect(next.certificates.shop.certkeys[0]).to.deep.include({ certkeyName: "certsync-shop", certFile: S.cer, role: "current" });
          expect(describePlan(p)).to.include(`update certkey certsync-shop to ${S.cer}: adopting existing certkey certsync-shop (adoptExisting is on): new certificate shop (CN=shop.example.com, expires 2027-03-01)`);
          // its old files were never ours: they stay
          expect(p.phases.flat().some((op) => op.kind === "deleteFile")).to.equal(false);
        },
      },
      {
        name: "adoptExisting: files already there under our content-derived names are not uploaded again",
        input: () => ({ desired: desiredState([shop], { vservers: ["vs1"], adoptExisting: true }), recorded: emptyRecordedState(), observed: foreignShop(true), now: NOW }),
        phases: [[`uploadFile ${CA_FILE}`], [`addCertkey ${CA_NAME}`], ["updateCertkey certsync-shop"], [`linkCertkey certsync-shop ${CA_NAME}`], ["bind vs1 certsync-shop default"]],
      },
      {
        name: "an existing CA certkey with our CA name is simply used and recorded as not ours",
        input: () => {
          const observed = observedFrom(emptyRecordedState(), ["vs1"]);
          observed.certkeys[CA_NAME] = { certkeyName: CA_NAME, certFile: "their-ca.cer", serial: "01" };
          return { desired: desiredState([shop], { vservers: ["vs1"] }), recorded: emptyRecordedState(), observed, now: NOW };
        },
        phases: [[`uploadFile ${S.cer}`, `uploadFile ${S.key}`], ["addCertkey certsync-shop"], [`linkCertkey certsync-shop ${CA_NAME}`], ["bind vs1 certsync-shop default"]],
        next: (next) => expect(next.caCertkeys[CA_NAME].createdBySync).to.equal(false),
      },
      {
        name: "a shared CA certkey is never deleted, only forgotten",
        input: () => ({
          desired: desiredState([], { vservers: ["vs1"] }),
          recorded: recordedState({ shop: [recordedCertkey(shop, { bindings: vs1Default })] }, [recordedCa(CA, { createdBySync: false })]),
          observed: observedFrom(recordedState({ shop: [recordedCertkey(shop, { bindings: vs1Default })] }, [recordedCa(CA, { createdBySync: false })])),
          now: NOW,
        }),
        phases: [["unbind vs1 certsync-shop default"], ["deleteCertkey certsync-shop"], [`deleteFile ${S.cer}`, `deleteFile ${S.key}`]],
        next: (next) => expect(next).to.deep.equal(emptyRecordedState()),
      },
    ]);
  });

  describe("9. drift of recorded objects", () => {
    runTable([
      {
        name: "current certkey and its files missing: re-upload, re-add, relink, rebind",
        input: () => ({
          desired: desiredState([shop], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          observed: drifted(shopDeployed(), (o) => {
            o.certkeys["certsync-shop"] = null;
            o.files[S.cer] = false;
            o.files[S.key] = false;
            o.vservers.vs1.bindings = [];
          }),
          now: NOW,
        }),
        phases: [[`uploadFile ${S.cer}`, `uploadFile ${S.key}`], ["addCertkey certsync-shop"], [`linkCertkey certsync-shop ${CA_NAME}`], ["bind vs1 certsync-shop default"]],
        next: (next) => expect(next).to.deep.equal(shopDeployed()),
      },
      {
        name: "current certkey missing, files still there: re-add only what is missing",
        input: () => ({
          desired: desiredState([shop], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          observed: drifted(shopDeployed(), (o) => {
            o.certkeys["certsync-shop"] = null;
            o.vservers.vs1.bindings = [];
          }),
          now: NOW,
        }),
        phases: [["addCertkey certsync-shop"], [`linkCertkey certsync-shop ${CA_NAME}`], ["bind vs1 certsync-shop default"]],
        next: (_next, p) => expect(describePlan(p)[0]).to.equal(`add certkey certsync-shop: drift: certkey certsync-shop missing on the appliance`),
      },
      {
        name: "serial changed out of band: update the certkey back",
        input: () => ({
          desired: desiredState([shop], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          observed: drifted(shopDeployed(), (o) => {
            const ck = o.certkeys["certsync-shop"];
            if (ck) ck.serial = "7F";
          }),
          now: NOW,
        }),
        phases: [["updateCertkey certsync-shop"]],
        next: (_next, p) => expect(describePlan(p)[0]).to.match(/drift: certkey certsync-shop has serial 7F on the appliance instead of 0A/),
      },
      {
        name: "a recorded binding missing: bind again",
        input: () => ({
          desired: desiredState([shop], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          observed: drifted(shopDeployed(), (o) => (o.vservers.vs1.bindings = [])),
          now: NOW,
        }),
        phases: [["bind vs1 certsync-shop default"]],
        next: (_next, p) => expect(describePlan(p)[0]).to.match(/: drift: binding of certsync-shop to vs1 missing on the appliance$/),
      },
      {
        name: "a recorded file missing while the certkey exists: upload it again",
        input: () => ({
          desired: desiredState([shop], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          observed: drifted(shopDeployed(), (o) => (o.files[S.key] = false)),
          now: NOW,
        }),
        phases: [[`uploadFile ${S.key}`]],
        next: (_next, p) => expect(describePlan(p)[0]).to.equal(`upload /nsconfig/ssl/${S.key}: drift: file ${S.key} missing on the appliance`),
      },
      {
        name: "the CA link removed out of band: link again",
        input: () => ({
          desired: desiredState([shop], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          observed: drifted(shopDeployed(), (o) => {
            const ck = o.certkeys["certsync-shop"];
            if (ck) delete ck.linkedCaCertkeyName;
          }),
          now: NOW,
        }),
        phases: [[`linkCertkey certsync-shop ${CA_NAME}`]],
      },
      {
        name: "a CA certkey we created is missing: add it again from the chain (its file is still there)",
        input: () => ({
          desired: desiredState([shop], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          observed: drifted(shopDeployed(), (o) => {
            o.certkeys[CA_NAME] = null;
            const ck = o.certkeys["certsync-shop"];
            if (ck) delete ck.linkedCaCertkeyName;
          }),
          now: NOW,
        }),
        phases: [[`addCertkey ${CA_NAME}`], [`linkCertkey certsync-shop ${CA_NAME}`]],
      },
      {
        name: "without an observation the record is taken as true",
        input: () => ({ desired: desiredState([shop], { vservers: ["vs1"] }), recorded: shopDeployed(), now: NOW }),
        phases: [],
      },
      {
        name: "a removed certificate already gone: no certkey delete, leftover files still go",
        input: () => ({
          desired: desiredState([], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          observed: drifted(shopDeployed(), (o) => {
            o.certkeys["certsync-shop"] = null;
            o.files[S.key] = false;
            o.vservers.vs1.bindings = [];
          }),
          now: NOW,
        }),
        phases: [[`deleteCertkey ${CA_NAME}`], [`deleteFile ${CA_FILE}`, `deleteFile ${S.cer}`]],
      },
      {
        name: "a vserver that vanished is not unbound from",
        input: () => ({
          desired: desiredState([shop], { vservers: ["vs2"] }),
          recorded: shopDeployed(),
          observed: (() => {
            const o = observedFrom(shopDeployed(), ["vs2"]);
            o.vservers.vs1 = { name: "vs1", exists: false, sniEnabled: false, bindings: [] };
            return o;
          })(),
          now: NOW,
        }),
        phases: [["bind vs2 certsync-shop default"]],
      },
      {
        name: "a superseded certkey gone from the appliance leaves the record, with a note",
        input: () => {
          const shopB = desiredCert("shop", { chain: [CA], serial: "0B" });
          const recorded = plan({ desired: desiredState([shopB], { vservers: ["vs1"], preserveOnRenewal: false }), recorded: shopDeployed(), now: NOW }).next;
          const observed = observedFrom(recorded, ["vs1"]);
          observed.certkeys["certsync-shop"] = null;
          return { desired: desiredState([shopB], { vservers: ["vs1"], preserveOnRenewal: false }), recorded, observed, now: NOW };
        },
        phases: [[`deleteFile ${S.cer}`, `deleteFile ${S.key}`]],
        notes: [/^superseded certkey certsync-shop of shop is gone from the appliance; dropped from the record$/],
        next: (next, p) => {
          expect(describePlan(p).join("\n")).to.match(/: superseded certkey certsync-shop of shop is gone from the appliance/);
          const shopB = desiredCert("shop", { chain: [CA], serial: "0B" });
          expect(next.certificates.shop.certkeys.map((c) => c.certkeyName)).to.deep.equal([renewedCertkeyName("certsync-shop", shopB.leaf.fingerprint)]);
        },
      },
    ]);
  });
});
