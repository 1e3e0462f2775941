// The pure pieces around the plan: drift between record and appliance (refresh), and the
// leftovers of an interrupted run that the plan must not mistake for someone else's objects.
import { expect } from "chai";
import { detectDrift } from "../../provider/drift";
import { observationScope } from "../../provider/gather";
import { hideOwnLeftovers } from "../../provider/leftovers";
import type { ObservedState, RecordedState } from "../../provider/model";
import { caCertkeyName, renewedCertkeyName } from "../../provider/naming";
import { normalizeSerial } from "../../provider/serial";
import { caFacts, desiredCert, desiredState, filesOf, observedFrom, recordedCa, recordedCertkey, recordedState } from "../support/facts";

const CA = caFacts("Issuing CA");
const shop = desiredCert("shop", { chain: [CA] });
const S = filesOf("certsync-shop", shop.leaf);
const deployed = (): RecordedState =>
  recordedState({ shop: [recordedCertkey(shop, { bindings: [{ vserver: "vs1", sni: true }] })] }, [recordedCa(CA)]);

describe("drift", () => {
  const rows: Array<[string, (o: ObservedState) => void, RegExp[]]> = [
    ["none when the appliance matches the record", () => undefined, []],
    ["a certkey deleted out of band", (o) => (o.certkeys["certsync-shop"] = null), [/certkey certsync-shop \(shop\) is missing/]],
    ["a certkey changed out of band", (o) => (o.certkeys["certsync-shop"]!.serial = "0F"), [/holds serial 0F, recorded 0A/]],
    ["a link removed", (o) => delete o.certkeys["certsync-shop"]!.linkedCaCertkeyName, [/is not linked to certsync-ca-/]],
    ["a file gone", (o) => (o.files[S.key] = false), [new RegExp(`file /nsconfig/ssl/${S.key} of certkey certsync-shop is missing`)]],
    ["a binding removed", (o) => (o.vservers.vs1.bindings = []), [/certkey certsync-shop is not bound to vserver vs1 as SNI/]],
    ["a binding turned into the default one", (o) => (o.vservers.vs1.bindings[0].sni = false), [/not bound to vserver vs1 as SNI/]],
    ["a CA certkey deleted", (o) => (o.certkeys[caCertkeyName(CA.fingerprint)] = null), [/CA certkey certsync-ca-\w+ is missing/]],
  ];
  for (const [name, change, expected] of rows) {
    it(name, () => {
      const recorded = deployed();
      const observed = observedFrom(recorded, ["vs1"]);
      change(observed);
      const drift = detectDrift(recorded, observed);
      expect(drift).to.have.length(expected.length);
      expected.forEach((pattern, i) => expect(drift[i]).to.match(pattern));
    });
  }
  it("ignores objects that were not looked up", () => {
    const observed: ObservedState = { vservers: {}, certkeys: {}, files: {} };
    expect(detectDrift(deployed(), observed)).to.deep.equal([]);
  });
  const serials: Array<[string, string]> = [
    ["0a", "A"],
    ["00:0A:FF", "AFF"],
    ["000", "0"],
    ["", "0"],
    ["1f2e", "1F2E"],
  ];
  for (const [given, normal] of serials) it(`normalizes serial ${given}`, () => expect(normalizeSerial(given)).to.equal(normal));
});

describe("leftovers of an interrupted run", () => {
  // What a first run that died after binding left: files, certkey and binding, but no record.
  const leftover = (): ObservedState => observedFrom(deployed(), ["vs1"]);

  it("hides a certkey with our name and our content-derived file, and its bindings, from the plan", () => {
    const hidden = hideOwnLeftovers(desiredState([shop], { vservers: ["vs1"] }), recordedState({}), leftover());
    expect(hidden.certkeys["certsync-shop"]).to.equal(null);
    expect(hidden.files[S.cer]).to.equal(false);
    expect(hidden.files[S.key]).to.equal(false);
    expect(hidden.vservers.vs1.bindings).to.deep.equal([]);
  });

  it("keeps a certkey with our name but another certificate file visible: it is someone else's", () => {
    const observed = leftover();
    observed.certkeys["certsync-shop"]!.certFile = "legacy-shop.cer";
    const hidden = hideOwnLeftovers(desiredState([shop], { vservers: ["vs1"] }), recordedState({}), observed);
    expect(hidden.certkeys["certsync-shop"]?.certFile).to.equal("legacy-shop.cer");
    expect(hidden.vservers.vs1.bindings.map((b) => b.certkeyName)).to.deep.equal(["certsync-shop"]);
  });

  it("leaves recorded objects alone", () => {
    const recorded = deployed();
    const observed = observedFrom(recorded, ["vs1"]);
    expect(hideOwnLeftovers(desiredState([shop], { vservers: ["vs1"] }), recorded, observed)).to.deep.equal(observed);
  });

  it("hides nothing when adoptExisting is on: the plan then takes the objects over itself", () => {
    const observed = leftover();
    expect(hideOwnLeftovers(desiredState([shop], { vservers: ["vs1"], adoptExisting: true }), recordedState({}), observed)).to.deep.equal(observed);
  });
});

describe("observation scope", () => {
  it("covers recorded objects and every name the desired state could create, nothing else", () => {
    const renewed = desiredCert("shop", { chain: [CA], serial: "0B" });
    const scope = observationScope(desiredState([renewed], { vservers: ["vs2"] }), deployed());
    const renewedName = renewedCertkeyName("certsync-shop", renewed.leaf.fingerprint);
    expect(scope.vservers).to.deep.equal(["vs1", "vs2"]);
    expect(scope.certkeyNames).to.have.members(["certsync-shop", renewedName, caCertkeyName(CA.fingerprint)]);
    expect(scope.fileNames).to.include.members([S.cer, S.key, filesOf("certsync-shop", renewed.leaf).cer, filesOf(renewedName, renewed.leaf).key]);
  });
});
