// Plan case 5 against the emulator: revoked, expired and dropped certificates are removed
// (unbind, certkey, files, CA certkeys nothing of ours links to) with removal on, and left in
// place and reported as retained with removal off; destroy removes what the sync recorded.
import { expect } from "chai";
import type { SyncInputs } from "../../provider/inputs";
import { emptyRecordedState } from "../../provider/model";
import { makePki, type IssuedCertificate, type TestPki } from "../support/certs";
import { addCertkey } from "../support/emulator-fixtures";
import {
  caName,
  DAY_MS,
  desiredOf,
  destroy,
  entry,
  expectRunning,
  expectSavedAfterReboot,
  leafNames,
  linked,
  saves,
  startBench,
  sync,
  unservedMoments,
  writes,
  type Bench,
  type Intended,
} from "./support";

describe("engine: revoked, expired and dropped certificates", function () {
  this.timeout(30_000);
  let pki: TestPki;
  let foreignPki: TestPki;
  let bench: Bench;
  let a: IssuedCertificate;
  let b: IssuedCertificate;
  let ca: string;

  before(() => {
    pki = makePki("Removal");
    foreignPki = makePki("Foreign", { root: 3, intermediate: 4 });
    const now = Date.now();
    a = pki.leaf("a.example.com", { notBefore: new Date(now - 80 * DAY_MS), notAfter: new Date(now + 10 * DAY_MS) });
    b = pki.leaf("b.example.com");
    ca = caName(pki.intermediate);
  });
  beforeEach(async () => {
    bench = await startBench(foreignPki);
  });
  afterEach(async () => bench.close());

  /** Inputs with a and b (each entry overridable, or left out with null) on vs_web and vs_api. */
  function inputs(removal: boolean, overrides: { a?: object | null; b?: object | null } = {}): Partial<SyncInputs> {
    const certificates: NonNullable<SyncInputs["certificates"]> = {};
    if (overrides.a !== null) certificates.a = entry(a, [pki.intermediate], overrides.a ?? {});
    if (overrides.b !== null) certificates.b = entry(b, [pki.intermediate], overrides.b ?? {});
    return { removeExpiredOrRevoked: removal, vserverNames: ["vs_web", "vs_api"], certificates };
  }

  async function both(removal: boolean) {
    const first = await sync(bench, desiredOf(inputs(removal), bench.now()), emptyRecordedState());
    bench.emu.clearRequests();
    return first.recorded;
  }

  const bothIntended = (): Intended => ({
    certkeys: { "certsync-a": linked(a, ca), "certsync-b": linked(b, ca), [ca]: pki.intermediate },
    bindings: ["vs_api <- certsync-a (SNI)", "vs_api <- certsync-b (SNI)", "vs_web <- certsync-a (SNI)", "vs_web <- certsync-b (SNI)"],
  });

  describe("with removeExpiredOrRevoked on", () => {
    it("a revoked certificate is unbound and deleted with its files; the CA certkey stays while b links to it", async () => {
      const recorded = await both(true);
      expectRunning(bench, bothIntended());

      const result = await sync(bench, desiredOf(inputs(true, { a: { revoked: true } }), bench.now()), recorded);

      const files = leafNames("certsync-a", a);
      expect(Object.keys(result.recorded.certificates)).to.deep.equal(["b"]);
      expect(Object.keys(result.recorded.caCertkeys)).to.deep.equal([ca]);
      expect(unservedMoments(bench.emu)).to.deep.equal([]);
      expect(saves(bench.emu)).to.equal(1);
      // b alone now: it becomes the default certificate of both vservers, bound so before its SNI binding goes.
      const intended: Intended = {
        certkeys: { "certsync-b": linked(b, ca), [ca]: pki.intermediate },
        bindings: ["vs_api <- certsync-b", "vs_web <- certsync-b"],
        files: { [`${ca}.cer`]: pki.intermediate.certificatePem },
        absentFiles: [files.certFile, files.keyFile],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, result.recorded);
    });

    it("the last certificate issued by a CA takes the CA certkey and its file with it", async () => {
      const recorded = await both(true);

      const result = await sync(bench, desiredOf(inputs(true, { a: { revoked: true }, b: { revoked: true } }), bench.now()), recorded);

      expect(result.recorded.certificates).to.deep.equal({});
      expect(result.recorded.caCertkeys).to.deep.equal({});
      const deletes = writes(bench.emu).filter((w) => w.startsWith("DELETE") || w.includes("action=rm") || w.includes("action=unbind"));
      expect(deletes.length, "removal requests").to.be.greaterThan(0);
      const intended: Intended = {
        certkeys: {},
        bindings: [],
        absentFiles: [`${ca}.cer`, ...[leafNames("certsync-a", a), leafNames("certsync-b", b)].flatMap((f) => [f.certFile, f.keyFile])],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, result.recorded);
    });

    it("an expired certificate is removed at the first sync after its expiry", async () => {
      const recorded = await both(true);
      bench.advanceDays(11);

      const result = await sync(bench, desiredOf(inputs(true), bench.now(), recorded), recorded);

      expect(Object.keys(result.recorded.certificates)).to.deep.equal(["b"]);
      expect(result.operationsApplied).to.be.greaterThan(0);
      const intended: Intended = {
        certkeys: { "certsync-b": linked(b, ca), [ca]: pki.intermediate },
        bindings: ["vs_api <- certsync-b", "vs_web <- certsync-b"],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, result.recorded);
    });

    it("a certificate dropped from the inputs is removed", async () => {
      const recorded = await both(true);

      const result = await sync(bench, desiredOf(inputs(true, { b: null }), bench.now()), recorded);

      expect(Object.keys(result.recorded.certificates)).to.deep.equal(["a"]);
      const intended: Intended = {
        certkeys: { "certsync-a": linked(a, ca), [ca]: pki.intermediate },
        bindings: ["vs_api <- certsync-a", "vs_web <- certsync-a"],
        absentFiles: [leafNames("certsync-b", b).certFile, leafNames("certsync-b", b).keyFile],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, result.recorded);
    });

    it("a CA certkey a hand-made certkey still links to stays on the appliance, with its file, and leaves the record", async () => {
      const recorded = await both(true);
      const handMade = pki.leaf("hand.example.com");
      await bench.client.login();
      expect((await addCertkey(bench.client, "hand-made", handMade)).status).to.equal(201);
      expect((await bench.client.post("sslcertkey?action=link", { sslcertkey: { certkey: "hand-made", linkcertkeyname: ca } })).status).to.equal(200);
      await bench.client.post("nsconfig?action=save", { nsconfig: {} });

      const result = await sync(bench, desiredOf(inputs(true, { a: null, b: null }), bench.now()), recorded);

      expect(result.recorded).to.deep.equal(emptyRecordedState());
      expect(result.notes.join("\n")).to.match(new RegExp(`${ca}.*still used`));
      const intended: Intended = {
        certkeys: { "hand-made": linked(handMade, ca), [ca]: pki.intermediate },
        bindings: [],
        files: { [`${ca}.cer`]: pki.intermediate.certificatePem, "hand-made.cer": handMade.certificatePem, "hand-made.key": handMade.key.privateKeyPem },
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, result.recorded);
    });
  });

  describe("with removeExpiredOrRevoked off", () => {
    it("revoked, expired and dropped certificates stay where they are and are reported as retained", async () => {
      const recorded = await both(false);
      bench.advanceDays(11); // a expires

      const result = await sync(bench, desiredOf(inputs(false, { b: { revoked: true } }), bench.now(), recorded), recorded);

      expect(result.wrote).to.equal(false);
      expect(writes(bench.emu)).to.deep.equal([]);
      const roles = Object.values(result.recorded.certificates).map((c) => [c.id, c.certkeys.map((k) => k.role)]);
      expect(roles).to.deep.equal([
        ["a", ["retained"]],
        ["b", ["retained"]],
      ]);
      const notes = result.notes.join("\n");
      expect(notes).to.match(/retained: a expired/);
      expect(notes).to.match(/retained: b is revoked/);
      expectRunning(bench, bothIntended());
      await expectSavedAfterReboot(bench, bothIntended(), result.recorded);

      const dropped = await sync(bench, desiredOf({ removeExpiredOrRevoked: false, vserverNames: ["vs_web", "vs_api"], certificates: {} }, bench.now()), result.recorded);

      expect(dropped.wrote).to.equal(false);
      expect(Object.keys(dropped.recorded.certificates)).to.deep.equal(["a", "b"]);
      expect(dropped.notes.join("\n")).to.match(/retained: a was dropped/);
      expectRunning(bench, bothIntended());
      await expectSavedAfterReboot(bench, bothIntended(), dropped.recorded);
    });
  });

  describe("destroy", () => {
    it("removes everything the sync recorded, retained certkeys included, and nothing else", async () => {
      const recorded = await both(false);
      const retained = (await sync(bench, desiredOf(inputs(false, { a: { revoked: true } }), bench.now()), recorded)).recorded;
      bench.emu.clearRequests();

      const result = await destroy(bench, retained);

      expect(result.recorded).to.deep.equal(emptyRecordedState());
      expect(saves(bench.emu)).to.equal(1);
      const intended: Intended = {
        certkeys: {},
        bindings: [],
        absentFiles: [`${ca}.cer`, ...[leafNames("certsync-a", a), leafNames("certsync-b", b)].flatMap((f) => [f.certFile, f.keyFile])],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended);
      bench.emu.clearRequests();
      expect((await destroy(bench, result.recorded)).wrote, "destroying nothing writes nothing").to.equal(false);
      expect(bench.emu.requests()).to.deep.equal([]);
    });
  });
});
