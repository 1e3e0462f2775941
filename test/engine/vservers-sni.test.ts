// Plan cases 6 and 7 against the emulator: a changed vserver gets the certificate before the
// old one loses it, a cleared one is unbound; several certificates on one vserver go as SNI,
// and a vserver that cannot take SNI fails in planning instead of one default replacing another.
import { expect } from "chai";
import type { SyncInputs } from "../../provider/inputs";
import { emptyRecordedState } from "../../provider/model";
import { PlanError } from "../../provider/plan";
import { makePki, type IssuedCertificate, type TestPki } from "../support/certs";
import {
  caName,
  desiredOf,
  entry,
  expectRunning,
  expectSavedAfterReboot,
  FOREIGN_CERTKEY,
  linked,
  saves,
  startBench,
  sync,
  unservedMoments,
  writes,
  type Bench,
  type Intended,
} from "./support";

describe("engine: vservers and SNI", function () {
  this.timeout(30_000);
  let pki: TestPki;
  let foreignPki: TestPki;
  let bench: Bench;
  let a: IssuedCertificate;
  let b: IssuedCertificate;
  let c: IssuedCertificate;
  let ca: string;

  before(() => {
    pki = makePki("Vservers");
    foreignPki = makePki("Foreign", { root: 3, intermediate: 4 });
    [a, b, c] = ["a.example.com", "b.example.com", "c.example.com"].map((cn) => pki.leaf(cn));
    ca = caName(pki.intermediate);
  });
  beforeEach(async () => {
    bench = await startBench(foreignPki);
  });
  afterEach(async () => bench.close());

  const certs = (...ids: Array<"a" | "b" | "c">): NonNullable<SyncInputs["certificates"]> =>
    Object.fromEntries(ids.map((id) => [id, entry({ a, b, c }[id], [pki.intermediate])]));

  /** Index of the first write matching each pattern. */
  const order = (patterns: RegExp[]): number[] => patterns.map((p) => writes(bench.emu).findIndex((w) => p.test(w)));

  /** Expects a planning failure and that nothing was written. */
  async function expectPlanFailure(inputs: Partial<SyncInputs>, recorded = emptyRecordedState()): Promise<string> {
    bench.emu.clearRequests();
    let failure: unknown;
    try {
      await sync(bench, desiredOf(inputs, bench.now()), recorded);
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(PlanError);
    expect(writes(bench.emu), "nothing written").to.deep.equal([]);
    return (failure as PlanError).message;
  }

  it("a changed vserver: binds to the new one before unbinding from the old one", async () => {
    const first = await sync(bench, desiredOf({ vserverName: "vs_plain", certificates: certs("a") }, bench.now()), emptyRecordedState());
    bench.emu.clearRequests();

    const second = await sync(bench, desiredOf({ vserverName: "vs_api", certificates: certs("a") }, bench.now()), first.recorded);

    const [bound, unbound] = order([/^(PUT|POST) .*sslvserver_sslcertkey_binding$/, /vs_plain.*certsync-a|unbind/]);
    expect(bound).to.be.greaterThan(-1);
    expect(unbound).to.be.greaterThan(bound);
    // Leaving vs_plain is what was asked: it is the only vserver left without a certificate.
    expect(unservedMoments(bench.emu).every((m) => m.endsWith(": vs_plain"))).to.equal(true);
    expect(second.recorded.certificates.a.certkeys[0].bindings).to.deep.equal([{ vserver: "vs_api", sni: false }]);
    const intended: Intended = { certkeys: { "certsync-a": linked(a, ca), [ca]: pki.intermediate }, bindings: ["vs_api <- certsync-a"] };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, second.recorded);
  });

  it("a cleared vserver: the certificate is unbound and stays uploaded", async () => {
    const first = await sync(bench, desiredOf({ vserverNames: ["vs_plain", "vs_api"], certificates: certs("a") }, bench.now()), emptyRecordedState());

    const second = await sync(bench, desiredOf({ certificates: certs("a") }, bench.now()), first.recorded);

    expect(second.recorded.certificates.a.certkeys[0].bindings).to.deep.equal([]);
    const intended: Intended = { certkeys: { "certsync-a": linked(a, ca), [ca]: pki.intermediate }, bindings: [] };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, second.recorded);
  });

  it("several certificates on one vserver are bound as SNI", async () => {
    const result = await sync(bench, desiredOf({ vserverName: "vs_api", certificates: certs("a", "b", "c") }, bench.now()), emptyRecordedState());

    expect(saves(bench.emu)).to.equal(1);
    const intended: Intended = {
      certkeys: { "certsync-a": linked(a, ca), "certsync-b": linked(b, ca), "certsync-c": linked(c, ca), [ca]: pki.intermediate },
      bindings: ["vs_api <- certsync-a (SNI)", "vs_api <- certsync-b (SNI)", "vs_api <- certsync-c (SNI)"],
    };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, result.recorded);
  });

  it("a second certificate turns the default binding into SNI, the SNI binding made first; the vserver is served throughout", async () => {
    const first = await sync(bench, desiredOf({ vserverName: "vs_api", certificates: certs("a") }, bench.now()), emptyRecordedState());
    expectRunning(bench, { certkeys: { "certsync-a": linked(a, ca), [ca]: pki.intermediate }, bindings: ["vs_api <- certsync-a"] });
    bench.emu.clearRequests();

    const second = await sync(bench, desiredOf({ vserverName: "vs_api", certificates: certs("a", "b") }, bench.now()), first.recorded);

    expect(unservedMoments(bench.emu)).to.deep.equal([]);
    const [bound, unbound] = order([/^(PUT|POST) .*sslvserver_sslcertkey_binding$/, /vs_api\?args=certkeyname:certsync-a$|action=unbind/]);
    expect(bound).to.be.greaterThan(-1);
    expect(unbound).to.be.greaterThan(bound);
    const intended: Intended = {
      certkeys: { "certsync-a": linked(a, ca), "certsync-b": linked(b, ca), [ca]: pki.intermediate },
      bindings: ["vs_api <- certsync-a (SNI)", "vs_api <- certsync-b (SNI)"],
    };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, second.recorded);
  });

  it("binds as SNI beside a default certificate that is not ours, which stays the default", async () => {
    await bench.client.login();
    await bench.client.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: "vs_api", certkeyname: FOREIGN_CERTKEY, snicert: false } });
    await bench.client.post("nsconfig?action=save", { nsconfig: {} });

    const result = await sync(bench, desiredOf({ vserverName: "vs_api", certificates: certs("a") }, bench.now()), emptyRecordedState());

    const intended: Intended = {
      certkeys: { "certsync-a": linked(a, ca), [ca]: pki.intermediate },
      bindings: [`vs_api <- ${FOREIGN_CERTKEY}`, "vs_api <- certsync-a (SNI)"],
    };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, result.recorded);
  });

  it("several certificates on a vserver without SNI fail in planning with a message saying so", async () => {
    const message = await expectPlanFailure({ vserverName: "vs_plain", certificates: certs("a", "b") });

    expect(message).to.match(/vserver vs_plain needs SNI/);
    expect(message).to.match(/SNI is disabled/);
    expectRunning(bench, { certkeys: {}, bindings: [] });
  });

  it("adding a second certificate to a vserver without SNI fails and leaves the first one as it is", async () => {
    const first = await sync(bench, desiredOf({ vserverName: "vs_plain", certificates: certs("a") }, bench.now()), emptyRecordedState());

    const message = await expectPlanFailure({ vserverName: "vs_plain", certificates: certs("a", "b") }, first.recorded);

    expect(message).to.match(/vs_plain.*SNI/);
    const intended: Intended = { certkeys: { "certsync-a": linked(a, ca), [ca]: pki.intermediate }, bindings: ["vs_plain <- certsync-a"] };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, first.recorded);
  });

  it("never replaces a default certificate that is not ours on a vserver without SNI", async () => {
    const message = await expectPlanFailure({ vserverName: "vs_other", certificates: certs("a") });

    expect(message).to.include(FOREIGN_CERTKEY);
    expect(message).to.match(/vs_other/);
    expectRunning(bench, { certkeys: {}, bindings: [] });
  });

  it('sniCertificates false ("never") with two certificates on one vserver fails in planning', async () => {
    const message = await expectPlanFailure({ vserverName: "vs_api", sniCertificates: false, certificates: certs("a", "b") });

    expect(message).to.match(/options\.sni.*never/);
    expectRunning(bench, { certkeys: {}, bindings: [] });
  });

  it("a vserver that does not exist fails in planning naming it", async () => {
    const message = await expectPlanFailure({ vserverName: "vs_missing", certificates: certs("a") });

    expect(message).to.match(/vs_missing does not exist/);
  });
});
