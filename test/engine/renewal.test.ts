// Plan cases 3 and 4 against the emulator: renewal in place (preserve on) keeps the certkey
// and its bindings, and renewal beside the original (preserve off) adds a new certkey; the
// vserver serves a valid certificate after every single request.
import { expect } from "chai";
import { emptyRecordedState } from "../../provider/model";
import { renewedCertkeyName } from "../../provider/naming";
import { makePki, type TestPki } from "../support/certs";
import {
  caName,
  DAY_MS,
  desiredOf,
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

describe("engine: renewals", function () {
  this.timeout(30_000);
  let pki: TestPki;
  let otherPki: TestPki;
  let foreignPki: TestPki;
  let bench: Bench;

  before(() => {
    pki = makePki("Renew");
    otherPki = makePki("Next", { root: 5, intermediate: 6 });
    foreignPki = makePki("Foreign", { root: 3, intermediate: 4 });
  });
  beforeEach(async () => {
    bench = await startBench(foreignPki);
  });
  afterEach(async () => bench.close());

  describe("with preserveOnRenewal on", () => {
    it("updates the same certkey to new files, keeps its bindings, deletes the old files; the vserver is served throughout", async () => {
      const original = pki.leaf("shop.example.com");
      const renewed = pki.leaf("shop.example.com");
      const ca = caName(pki.intermediate);
      const inputs = (leaf: typeof original) => ({ vserverNames: ["vs_web", "vs_api"], certificates: { shop: entry(leaf, [pki.intermediate]) } });
      const first = await sync(bench, desiredOf(inputs(original), bench.now()), emptyRecordedState());
      bench.emu.clearRequests();

      const second = await sync(bench, desiredOf(inputs(renewed), bench.now()), first.recorded);

      const oldFiles = leafNames("certsync-shop", original);
      const newFiles = leafNames("certsync-shop", renewed);
      expect(unservedMoments(bench.emu)).to.deep.equal([]);
      expect(writes(bench.emu).filter((w) => w.includes("sslvserver_sslcertkey_binding")), "no binding touched").to.deep.equal([]);
      expect(writes(bench.emu).some((w) => w.includes("sslcertkey?action=update"))).to.equal(true);
      expect(saves(bench.emu)).to.equal(1);
      const shop = second.recorded.certificates.shop.certkeys;
      expect(shop.map((c) => [c.certkeyName, c.fingerprint, c.role])).to.deep.equal([["certsync-shop", newFiles.fingerprint, "current"]]);
      const intended: Intended = {
        certkeys: { "certsync-shop": linked(renewed, ca), [ca]: pki.intermediate },
        bindings: ["vs_api <- certsync-shop", "vs_web <- certsync-shop"],
        files: { [newFiles.certFile]: renewed.certificatePem, [newFiles.keyFile]: renewed.key.privateKeyPem },
        absentFiles: [oldFiles.certFile, oldFiles.keyFile],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, second.recorded);
    });

    it("relinks to the new issuer's CA certkey and deletes the old CA certkey nothing links to any more", async () => {
      const original = pki.leaf("shop.example.com");
      const renewed = otherPki.leaf("shop.example.com");
      const oldCa = caName(pki.intermediate);
      const newCa = caName(otherPki.intermediate);
      const first = await sync(bench, desiredOf({ vserverName: "vs_plain", certificates: { shop: entry(original, [pki.intermediate]) } }, bench.now()), emptyRecordedState());
      bench.emu.clearRequests();

      const second = await sync(bench, desiredOf({ vserverName: "vs_plain", certificates: { shop: entry(renewed, [otherPki.intermediate]) } }, bench.now()), first.recorded);

      expect(unservedMoments(bench.emu)).to.deep.equal([]);
      expect(saves(bench.emu)).to.equal(1);
      expect(Object.keys(second.recorded.caCertkeys)).to.deep.equal([newCa]);
      const intended: Intended = {
        certkeys: { "certsync-shop": linked(renewed, newCa), [newCa]: otherPki.intermediate },
        bindings: ["vs_plain <- certsync-shop"],
        files: { [`${newCa}.cer`]: otherPki.intermediate.certificatePem },
        absentFiles: [`${oldCa}.cer`],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, second.recorded);
    });

    it("renews to a certificate for another domain (update with nodomaincheck)", async () => {
      const original = pki.leaf("old-name.example.com");
      const renewed = pki.leaf("new-name.example.net");
      const ca = caName(pki.intermediate);
      const first = await sync(bench, desiredOf({ vserverName: "vs_plain", certificates: { shop: entry(original, [pki.intermediate]) } }, bench.now()), emptyRecordedState());
      bench.emu.clearRequests();

      const second = await sync(bench, desiredOf({ vserverName: "vs_plain", certificates: { shop: entry(renewed, [pki.intermediate]) } }, bench.now()), first.recorded);

      expect(unservedMoments(bench.emu)).to.deep.equal([]);
      const intended: Intended = { certkeys: { "certsync-shop": linked(renewed, ca), [ca]: pki.intermediate }, bindings: ["vs_plain <- certsync-shop"] };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, second.recorded);
    });
    it("relinks to a new issuer while the old CA certkey stays for another certificate it still issues; SNI bindings kept", async () => {
      const shopOld = pki.leaf("shop.example.com");
      const shopNew = otherPki.leaf("shop.example.com");
      const api = pki.leaf("api.example.com");
      const oldCa = caName(pki.intermediate);
      const newCa = caName(otherPki.intermediate);
      const inputs = (shop: typeof shopOld, chain: typeof shopOld) => ({
        vserverName: "vs_api",
        certificates: { shop: entry(shop, [chain]), api: entry(api, [pki.intermediate]) },
      });
      const first = await sync(bench, desiredOf(inputs(shopOld, pki.intermediate), bench.now()), emptyRecordedState());
      bench.emu.clearRequests();

      const second = await sync(bench, desiredOf(inputs(shopNew, otherPki.intermediate), bench.now()), first.recorded);

      expect(unservedMoments(bench.emu)).to.deep.equal([]);
      expect(writes(bench.emu).filter((w) => w.includes("sslvserver_sslcertkey_binding")), "no binding touched").to.deep.equal([]);
      expect(Object.keys(second.recorded.caCertkeys).sort()).to.deep.equal([oldCa, newCa].sort());
      const intended: Intended = {
        certkeys: { "certsync-shop": linked(shopNew, newCa), "certsync-api": linked(api, oldCa), [oldCa]: pki.intermediate, [newCa]: otherPki.intermediate },
        bindings: ["vs_api <- certsync-api (SNI)", "vs_api <- certsync-shop (SNI)"],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, second.recorded);
    });
  });

  describe("with preserveOnRenewal off", () => {
    const now = Date.now();
    const soonExpiring = (p: TestPki, cn: string) => p.leaf(cn, { notBefore: new Date(now - 80 * DAY_MS), notAfter: new Date(now + 10 * DAY_MS) });

    it("adds a new certkey beside the original and binds it before the original is unbound; the original stays", async () => {
      const original = soonExpiring(pki, "shop.example.com");
      const renewed = pki.leaf("shop.example.com");
      const ca = caName(pki.intermediate);
      const inputs = (leaf: typeof original) => ({ preserveOnRenewal: false, vserverName: "vs_web", certificates: { shop: entry(leaf, [pki.intermediate]) } });
      const first = await sync(bench, desiredOf(inputs(original), bench.now()), emptyRecordedState());
      bench.emu.clearRequests();

      const second = await sync(bench, desiredOf(inputs(renewed), bench.now()), first.recorded);

      const fresh = renewedCertkeyName("certsync-shop", leafNames("certsync-shop", renewed).fingerprint);
      expect(unservedMoments(bench.emu)).to.deep.equal([]);
      expect(saves(bench.emu)).to.equal(1);
      const bindingWrites = writes(bench.emu).filter((w) => w.includes("sslvserver_sslcertkey_binding"));
      expect(bindingWrites[0], "the first binding write binds the new certkey").to.match(/^(PUT|POST) \/nitro\/v1\/config\/sslvserver_sslcertkey_binding$/);
      const shop = second.recorded.certificates.shop.certkeys;
      expect(shop.map((c) => [c.certkeyName, c.role])).to.deep.equal([
        [fresh, "current"],
        ["certsync-shop", "superseded"],
      ]);
      expect(shop[1].bindings).to.deep.equal([]);
      const intended: Intended = {
        certkeys: { "certsync-shop": linked(original, ca), [fresh]: linked(renewed, ca), [ca]: pki.intermediate },
        bindings: [`vs_web <- ${fresh}`],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, second.recorded);
    });

    it("removes the original once it has expired (removal on), with its files", async () => {
      const original = soonExpiring(pki, "shop.example.com");
      const renewed = pki.leaf("shop.example.com");
      const ca = caName(pki.intermediate);
      const inputs = (leaf: typeof original) => ({ preserveOnRenewal: false, vserverName: "vs_web", certificates: { shop: entry(leaf, [pki.intermediate]) } });
      const first = await sync(bench, desiredOf(inputs(original), bench.now()), emptyRecordedState());
      const second = await sync(bench, desiredOf(inputs(renewed), bench.now()), first.recorded);
      bench.advanceDays(15);
      bench.emu.clearRequests();

      const third = await sync(bench, desiredOf(inputs(renewed), bench.now(), second.recorded), second.recorded);

      const fresh = renewedCertkeyName("certsync-shop", leafNames("certsync-shop", renewed).fingerprint);
      const gone = leafNames("certsync-shop", original);
      expect(third.recorded.certificates.shop.certkeys.map((c) => c.certkeyName)).to.deep.equal([fresh]);
      expect(saves(bench.emu)).to.equal(1);
      const intended: Intended = {
        certkeys: { [fresh]: linked(renewed, ca), [ca]: pki.intermediate },
        bindings: [`vs_web <- ${fresh}`],
        absentFiles: [gone.certFile, gone.keyFile],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, third.recorded);
    });

    // NetScaler refuses a second SNI certificate with the same common name on one vserver (3629),
    // so the original is unbound just before the new one is bound: the vserver keeps serving
    // (its other certificate stays), and the request order shows unbind → bind.
    it("on an SNI vserver the new certkey is bound as SNI next to the other certificate, the original unbound just before", async () => {
      const original = pki.leaf("shop.example.com");
      const renewed = pki.leaf("shop.example.com");
      const api = pki.leaf("api.example.com");
      const ca = caName(pki.intermediate);
      const inputs = (leaf: typeof original) => ({ preserveOnRenewal: false, vserverName: "vs_api", certificates: { shop: entry(leaf, [pki.intermediate]), api: entry(api, [pki.intermediate]) } });
      const first = await sync(bench, desiredOf(inputs(original), bench.now()), emptyRecordedState());
      bench.emu.clearRequests();

      const second = await sync(bench, desiredOf(inputs(renewed), bench.now()), first.recorded);

      const fresh = renewedCertkeyName("certsync-shop", leafNames("certsync-shop", renewed).fingerprint);
      expect(unservedMoments(bench.emu)).to.deep.equal([]);
      const bindingWrites = writes(bench.emu).filter((w) => w.includes("sslvserver_sslcertkey_binding"));
      expect(bindingWrites.map((w) => (w.includes("action=unbind") || w.startsWith("DELETE") ? "unbind" : "bind"))).to.deep.equal(["unbind", "bind"]);
      const intended: Intended = {
        certkeys: { "certsync-shop": linked(original, ca), [fresh]: linked(renewed, ca), "certsync-api": linked(api, ca), [ca]: pki.intermediate },
        bindings: ["vs_api <- certsync-api (SNI)", `vs_api <- ${fresh} (SNI)`],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, second.recorded);
    });

    it("going back to the original certificate makes the original certkey current again instead of adding it twice", async () => {
      const original = pki.leaf("shop.example.com");
      const renewed = pki.leaf("shop.example.com");
      const ca = caName(pki.intermediate);
      const inputs = (leaf: typeof original) => ({ preserveOnRenewal: false, vserverName: "vs_plain", certificates: { shop: entry(leaf, [pki.intermediate]) } });
      const first = await sync(bench, desiredOf(inputs(original), bench.now()), emptyRecordedState());
      const second = await sync(bench, desiredOf(inputs(renewed), bench.now()), first.recorded);

      const third = await sync(bench, desiredOf(inputs(original), bench.now()), second.recorded);

      const fresh = renewedCertkeyName("certsync-shop", leafNames("certsync-shop", renewed).fingerprint);
      expect(third.recorded.certificates.shop.certkeys.map((c) => [c.certkeyName, c.role])).to.deep.equal([
        ["certsync-shop", "current"],
        [fresh, "superseded"],
      ]);
      const intended: Intended = {
        certkeys: { "certsync-shop": linked(original, ca), [fresh]: linked(renewed, ca), [ca]: pki.intermediate },
        bindings: ["vs_plain <- certsync-shop"],
      };
      expectRunning(bench, intended);
      await expectSavedAfterReboot(bench, intended, third.recorded);
    });

    it("keeps the expired original when removal is off, and removes both certkeys when the id is then dropped with removal on", async () => {
      const original = soonExpiring(pki, "shop.example.com");
      const renewed = pki.leaf("shop.example.com");
      const ca = caName(pki.intermediate);
      const inputs = (leaf: typeof original, removal: boolean) => ({
        preserveOnRenewal: false,
        removeExpiredOrRevoked: removal,
        vserverName: "vs_web",
        certificates: { shop: entry(leaf, [pki.intermediate]) },
      });
      const first = await sync(bench, desiredOf(inputs(original, false), bench.now()), emptyRecordedState());
      const second = await sync(bench, desiredOf(inputs(renewed, false), bench.now()), first.recorded);
      bench.advanceDays(15);
      bench.emu.clearRequests();

      const third = await sync(bench, desiredOf(inputs(renewed, false), bench.now(), second.recorded), second.recorded);

      const fresh = renewedCertkeyName("certsync-shop", leafNames("certsync-shop", renewed).fingerprint);
      expect(third.wrote).to.equal(false);
      expect(writes(bench.emu)).to.deep.equal([]);
      expect(third.recorded.certificates.shop.certkeys.map((c) => c.certkeyName)).to.deep.equal([fresh, "certsync-shop"]);
      const kept: Intended = {
        certkeys: { "certsync-shop": linked(original, ca), [fresh]: linked(renewed, ca), [ca]: pki.intermediate },
        bindings: [`vs_web <- ${fresh}`],
      };
      expectRunning(bench, kept);
      await expectSavedAfterReboot(bench, kept, third.recorded);

      const dropped = await sync(bench, desiredOf({ removeExpiredOrRevoked: true, preserveOnRenewal: false, vserverName: "vs_web", certificates: {} }, bench.now()), third.recorded);

      expect(dropped.recorded.certificates).to.deep.equal({});
      expect(dropped.recorded.caCertkeys).to.deep.equal({});
      const before = leafNames("certsync-shop", original);
      const after = leafNames(fresh, renewed);
      const empty: Intended = { certkeys: {}, bindings: [], absentFiles: [before.certFile, before.keyFile, after.certFile, after.keyFile, `${ca}.cer`] };
      expectRunning(bench, empty);
      await expectSavedAfterReboot(bench, empty, dropped.recorded);
    });
  });
});
