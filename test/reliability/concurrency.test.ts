// Two syncs (two resources, or two stacks) pointed at the same appliance and vserver, run at
// the same time: neither deletes nor rebinds the other's objects, and both converge.
import { expect } from "chai";
import { emptyRecordedState, type DesiredState, type RecordedState } from "../../provider/model";
import { removeCertificates } from "../../provider/sync";
import { desiredFrom, expectConverged, expectNeverUnserved, makeMaterial, pem, startRig, sync, type Material, type Rig } from "./support";

describe("reliability: two syncs on one appliance and vserver at the same time", function () {
  this.timeout(20_000);
  let m: Material;
  let rig: Rig;

  before(() => {
    m = makeMaterial("Twins");
  });
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => rig?.close());

  // Both chains hold the same intermediate: the two syncs share its CA certkey.
  const syncA = (extra: Record<string, unknown> = {}): DesiredState =>
    desiredFrom({ certificateNameSchema: "team-a-{{certificateId}}", certificates: { shop: pem(m.shop, [m.pki.intermediate]) }, ...extra });
  const syncB = (extra: Record<string, unknown> = {}): DesiredState =>
    desiredFrom({ certificateNameSchema: "team-b-{{certificateId}}", certificates: { blog: pem(m.blog, [m.pki.intermediate]) }, ...extra });

  function bindingsOn(vserver: string): string[] {
    return rig.emu
      .state()
      .running.default.bindings.filter((b) => b.vservername === vserver)
      .map((b) => `${b.certkeyname}${b.snicert ? " (SNI)" : ""}`)
      .sort();
  }

  async function both(a: DesiredState, b: DesiredState, from: [RecordedState, RecordedState]): Promise<[RecordedState, RecordedState]> {
    const [ra, rb] = await Promise.all([sync(rig, a, from[0]), sync(rig, b, from[1])]);
    return [ra.recorded, rb.recorded];
  }

  it("with SNI on: both certificates end up bound, a second concurrent run changes nothing", async () => {
    const [a, b] = [syncA({ sniCertificates: true }), syncB({ sniCertificates: true })];
    const first = await both(a, b, [emptyRecordedState(), emptyRecordedState()]);
    expect(bindingsOn("vs_web")).to.deep.equal(["team-a-shop (SNI)", "team-b-blog (SNI)"]);
    rig.emu.clearRequests();
    const second = await both(a, b, first);
    expect(rig.emu.requests().filter((e) => e.method !== "GET" && !/login|logout/.test(e.path))).to.deep.equal([]);
    await expectConverged(rig, [
      { desired: a, recorded: second[0] },
      { desired: b, recorded: second[1] },
    ]);
  });

  it("with SNI auto on an empty vserver: neither deletes the other's objects, and a re-run binds both", async () => {
    const [a, b] = [syncA(), syncB()];
    const first = await Promise.allSettled([sync(rig, a, emptyRecordedState()), sync(rig, b, emptyRecordedState())]);
    const running = rig.emu.state().running.default;
    for (const name of ["team-a-shop", "team-b-blog"]) expect(running.certkeys[name], `certkey ${name}`).not.to.equal(undefined);
    expectNeverUnserved(rig);
    // Both saw an empty vserver and bound as its default certificate: the appliance keeps one.
    // The next runs see the other's default and bind as SNI instead (see the skipped test below).
    const recordedA = first[0].status === "fulfilled" ? first[0].value.recorded : emptyRecordedState();
    const recordedB = first[1].status === "fulfilled" ? first[1].value.recorded : emptyRecordedState();
    const againA = await sync(rig, a, recordedA);
    const againB = await sync(rig, b, recordedB);
    const finalA = await sync(rig, a, againA.recorded);
    expect(bindingsOn("vs_web")).to.have.length(2);
    await expectConverged(rig, [
      { desired: a, recorded: finalA.recorded },
      { desired: b, recorded: againB.recorded },
    ]);
  });

  // KNOWN LIMITATION, not shown: two syncs that both find a vserver empty at the same moment
  // both bind as its default certificate, and NetScaler keeps the second (NITRO has no
  // compare-and-bind). The first sync reports success although its binding was replaced; its
  // next run repairs it as SNI (test above). Closing the window needs the client to send binds
  // with ?warning=yes and surface 1546 "replaces the previous binding" (provider/nitro), or
  // sniCertificates: true, which the first test in this file shows to be safe.
  it.skip("with SNI auto on an empty vserver: a sync never reports success while its default binding was replaced", async () => {
    const [a, b] = [syncA(), syncB()];
    const first = await Promise.allSettled([sync(rig, a, emptyRecordedState()), sync(rig, b, emptyRecordedState())]);
    const bound = bindingsOn("vs_web");
    first.forEach((r, i) => {
      const name = i === 0 ? "team-a-shop" : "team-b-blog";
      if (r.status === "fulfilled") expect(bound.some((b) => b.startsWith(name)), `${name} reported success but is not bound`).to.equal(true);
    });
  });

  it("one sync renews while the other is destroyed: the shared CA certkey and the other's objects stay", async () => {
    const [a, b] = [syncA({ sniCertificates: true }), syncB({ sniCertificates: true })];
    const [ra, rb] = await both(a, b, [emptyRecordedState(), emptyRecordedState()]);
    const renewedA = desiredFrom({ certificateNameSchema: "team-a-{{certificateId}}", sniCertificates: true, certificates: { shop: pem(m.shopRenewed, [m.pki.intermediate]) } });
    const [renewal, removal] = await Promise.all([sync(rig, renewedA, ra), removeCertificates(rig.connection, rb, rig.deps)]);
    expect(removal.recorded.certificates).to.deep.equal({});
    const running = rig.emu.state().running.default;
    expect(running.certkeys["team-b-blog"]).to.equal(undefined);
    expect(running.certkeys["team-a-shop"]?.fingerprint).to.equal(renewedA.certificates.shop.leaf.fingerprint);
    const ca = running.certkeys["team-a-shop"]?.linkcertkeyname;
    expect(ca, "the CA certkey team-a-shop links to").to.match(/^certsync-ca-/);
    expect(running.certkeys[ca!], "the shared CA certkey is still there").not.to.equal(undefined);
    expect(bindingsOn("vs_web")).to.deep.equal(["team-a-shop (SNI)"]);
    await expectConverged(rig, [{ desired: renewedA, recorded: renewal.recorded }]);
  });
});
