// Plan cases 1, 2 and 9 against the emulator: a new certificate (files, certkey, CA link,
// binding), an unchanged second sync that writes nothing, and one save at the end.
import { expect } from "chai";
import { emptyRecordedState } from "../../provider/model";
import { issueCertificate, makePki, pooledKey, type TestPki } from "../support/certs";
import { caName, desiredOf, entry, expectRunning, expectSavedAfterReboot, leafNames, linked, saves, startBench, sync, writes, type Bench, type Intended } from "./support";

describe("engine: new and unchanged certificates", function () {
  this.timeout(30_000);
  let pki: TestPki;
  let foreignPki: TestPki;
  let bench: Bench;

  before(() => {
    pki = makePki("New");
    foreignPki = makePki("Foreign", { root: 3, intermediate: 4 });
  });
  beforeEach(async () => {
    bench = await startBench(foreignPki);
  });
  afterEach(async () => bench.close());

  it("uploads the files, adds the certkey, links it to its CA certkey, binds it and saves once at the end", async () => {
    const leaf = pki.leaf("shop.example.com");
    const names = leafNames("certsync-shop", leaf);
    const ca = caName(pki.intermediate);
    const desired = desiredOf({ vserverName: "vs_plain", certificates: { shop: entry(leaf, [pki.intermediate]) } }, bench.now());

    const result = await sync(bench, desired, emptyRecordedState());

    expect(result.wrote).to.equal(true);
    const written = writes(bench.emu);
    expect(saves(bench.emu)).to.equal(1);
    expect(written[written.length - 1], "the save comes last").to.match(/nsconfig\?action=save/);
    const intended: Intended = {
      certkeys: { "certsync-shop": linked(leaf, ca), [ca]: pki.intermediate },
      bindings: ["vs_plain <- certsync-shop"],
      files: { [names.certFile]: leaf.certificatePem, [names.keyFile]: leaf.key.privateKeyPem, [`${ca}.cer`]: pki.intermediate.certificatePem },
    };
    expectRunning(bench, intended);
    const shop = result.recorded.certificates.shop.certkeys;
    expect(shop).to.have.length(1);
    expect(shop[0]).to.include({ certkeyName: "certsync-shop", certFile: names.certFile, keyFile: names.keyFile, fingerprint: names.fingerprint, caCertkeyName: ca, role: "current" });
    expect(shop[0].bindings).to.deep.equal([{ vserver: "vs_plain", sni: false }]);
    expect(result.recorded.caCertkeys[ca]).to.include({ certkeyName: ca, createdBySync: true });
    await expectSavedAfterReboot(bench, intended, result.recorded);
  });

  it("adds a CA certkey shared by two certificates once, and uploads without binding when no vserver is named", async () => {
    const a = pki.leaf("a.example.com");
    const b = pki.leaf("b.example.com");
    const ca = caName(pki.intermediate);
    const desired = desiredOf({ certificates: { a: entry(a, [pki.intermediate]), b: entry(b, [pki.intermediate]) } }, bench.now());

    const result = await sync(bench, desired, emptyRecordedState());

    const adds = bench.emu.requests().filter((r) => r.method === "POST" && /\/sslcertkey$/.test(r.path));
    expect(adds.every((r) => r.status < 300), "every certkey add succeeded").to.equal(true);
    expect(adds.reduce((n, r) => n + (r.bulkItems ?? 1), 0), "certkeys added: two leaves and one CA").to.equal(3);
    const intended: Intended = {
      certkeys: { "certsync-a": linked(a, ca), "certsync-b": linked(b, ca), [ca]: pki.intermediate },
      bindings: [],
    };
    expectRunning(bench, intended);
    expect(Object.keys(result.recorded.caCertkeys)).to.deep.equal([ca]);
    expect(saves(bench.emu)).to.equal(1);
    await expectSavedAfterReboot(bench, intended, result.recorded);
  });

  it("links a chain of two intermediates: leaf → intermediate → its issuer, the root left out", async () => {
    const sub = makePki("Sub", { root: 5, intermediate: 6 });
    const lower = issueCertificate({ commonName: "Sub Issuing CA", isCa: true, key: pooledKey(7), issuer: sub.intermediate });
    const leaf = issueCertificate({ commonName: "deep.example.com", issuer: lower });
    const lowerName = caName(lower);
    const upperName = caName(sub.intermediate);
    const desired = desiredOf({ vserverName: "vs_plain", certificates: { deep: entry(leaf, [lower, sub.intermediate, sub.root]) } }, bench.now());

    const result = await sync(bench, desired, emptyRecordedState());

    const intended: Intended = {
      certkeys: {
        "certsync-deep": linked(leaf, lowerName),
        [lowerName]: linked(lower, upperName),
        [upperName]: sub.intermediate,
      },
      bindings: ["vs_plain <- certsync-deep"],
    };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, result.recorded);
  });

  it("a second sync with the same inputs writes nothing and does not save", async () => {
    const leaf = pki.leaf("same.example.com");
    const ca = caName(pki.intermediate);
    const desired = desiredOf({ vserverName: "vs_web", certificates: { same: entry(leaf, [pki.intermediate]) } }, bench.now());
    const first = await sync(bench, desired, emptyRecordedState());
    bench.emu.clearRequests();

    const second = await sync(bench, desiredOf({ vserverName: "vs_web", certificates: { same: entry(leaf, [pki.intermediate]) } }, bench.now()), first.recorded);

    expect(second.wrote).to.equal(false);
    expect(second.operationsApplied).to.equal(0);
    expect(writes(bench.emu)).to.deep.equal([]);
    expect(second.recorded).to.deep.equal(first.recorded);
    const reads = bench.emu.requests().filter((r) => r.method === "GET").length;
    expect(reads, "reads of an unchanged sync").to.be.at.most(6);
    const intended: Intended = {
      certkeys: { "certsync-same": linked(leaf, ca), [ca]: pki.intermediate },
      bindings: ["vs_web <- certsync-same"],
    };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, second.recorded);
  });

  it("repairs a binding removed out of band: writes only that binding, then saves once", async () => {
    const leaf = pki.leaf("repair.example.com");
    const ca = caName(pki.intermediate);
    const desired = desiredOf({ vserverName: "vs_plain", certificates: { repair: entry(leaf, [pki.intermediate]) } }, bench.now());
    const first = await sync(bench, desired, emptyRecordedState());
    // Someone unbinds it by hand and saves.
    await bench.client.login();
    await bench.client.delete("sslvserver_sslcertkey_binding/vs_plain?args=certkeyname:certsync-repair");
    await bench.client.post("nsconfig?action=save", { nsconfig: {} });
    bench.emu.clearRequests();

    const second = await sync(bench, desired, first.recorded);

    expect(second.wrote).to.equal(true);
    expect(writes(bench.emu).filter((w) => !w.includes("nsconfig"))).to.have.length(1);
    expect(saves(bench.emu)).to.equal(1);
    const intended: Intended = {
      certkeys: { "certsync-repair": linked(leaf, ca), [ca]: pki.intermediate },
      bindings: ["vs_plain <- certsync-repair"],
    };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, second.recorded);
  });
});
