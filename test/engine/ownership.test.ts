// Plan case 8 against the emulator: only objects this sync recorded are changed or deleted; a
// name this sync would create that already exists is an error naming the object, unless
// adoptExisting; two syncs side by side leave each other's objects alone.
import { expect } from "chai";
import type { SyncInputs } from "../../provider/inputs";
import { emptyRecordedState } from "../../provider/model";
import { PlanError } from "../../provider/plan";
import { makePki, type IssuedCertificate, type TestPki } from "../support/certs";
import { addCertkey } from "../support/emulator-fixtures";
import {
  caName,
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
  writes,
  type Bench,
  type Intended,
} from "./support";

describe("engine: ownership and adoption", function () {
  this.timeout(30_000);
  let pki: TestPki;
  let foreignPki: TestPki;
  let bench: Bench;
  let shop: IssuedCertificate;
  let ca: string;

  before(() => {
    pki = makePki("Owner");
    foreignPki = makePki("Foreign", { root: 3, intermediate: 4 });
    shop = pki.leaf("shop.example.com");
    ca = caName(pki.intermediate);
  });
  beforeEach(async () => {
    bench = await startBench(foreignPki);
    await bench.client.login();
  });
  afterEach(async () => bench.close());

  const shopInputs = (extra: Partial<SyncInputs> = {}): Partial<SyncInputs> => ({ vserverName: "vs_plain", certificates: { shop: entry(shop, [pki.intermediate]) }, ...extra });

  async function saveByHand(): Promise<void> {
    expect((await bench.client.post("nsconfig?action=save", { nsconfig: {} })).status).to.equal(200);
  }

  async function planFailure(inputs: Partial<SyncInputs>): Promise<string> {
    bench.emu.clearRequests();
    let failure: unknown;
    try {
      await sync(bench, desiredOf(inputs, bench.now()), emptyRecordedState());
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(PlanError);
    expect(writes(bench.emu), "nothing written").to.deep.equal([]);
    return (failure as PlanError).message;
  }

  it("a certkey under our name that this sync did not create is an error naming it; nothing is written", async () => {
    const theirs = pki.leaf("legacy.example.com");
    expect((await addCertkey(bench.client, "certsync-shop", theirs, { certFile: "legacy.cer", keyFile: "legacy.key" })).status).to.equal(201);
    await saveByHand();

    const message = await planFailure(shopInputs());

    expect(message).to.match(/certificates\.shop: certkey certsync-shop already exists on the appliance but this sync did not create it/);
    expect(message).to.include("adoptExisting");
    const intended: Intended = { certkeys: { "certsync-shop": theirs }, bindings: [], files: { "legacy.cer": theirs.certificatePem } };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended);
  });

  it("with adoptExisting the certkey is taken over: updated to our files, linked and bound; its old files are left alone", async () => {
    const theirs = pki.leaf("legacy.example.com");
    await addCertkey(bench.client, "certsync-shop", theirs, { certFile: "legacy.cer", keyFile: "legacy.key" });
    await bench.client.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: "vs_plain", certkeyname: "certsync-shop", snicert: false } });
    await saveByHand();

    const result = await sync(bench, desiredOf(shopInputs({ adoptExisting: true }), bench.now()), emptyRecordedState());

    const ours = leafNames("certsync-shop", shop);
    expect(result.recorded.certificates.shop.certkeys[0]).to.include({ certkeyName: "certsync-shop", certFile: ours.certFile, role: "current" });
    const adopted: Intended = {
      certkeys: { "certsync-shop": linked(shop, ca), [ca]: pki.intermediate },
      bindings: ["vs_plain <- certsync-shop"],
      files: { "legacy.cer": theirs.certificatePem, "legacy.key": theirs.key.privateKeyPem, [ours.certFile]: shop.certificatePem },
    };
    expectRunning(bench, adopted);
    await expectSavedAfterReboot(bench, adopted, result.recorded);

    await destroy(bench, result.recorded);

    const destroyed: Intended = { certkeys: {}, bindings: [], files: { "legacy.cer": theirs.certificatePem }, absentFiles: [ours.certFile, ours.keyFile] };
    expectRunning(bench, destroyed);
    await expectSavedAfterReboot(bench, destroyed);
  });

  it("a file under our name that this sync did not upload is an error naming it, unless adoptExisting", async () => {
    const ours = leafNames("certsync-shop", shop);
    expect((await bench.client.upload(ours.certFile, shop.certificatePem)).status).to.equal(201);

    // Its name is one this sync derives from the content, so it passes for a leftover of an
    // interrupted run; apply then finds the bytes are not the ones it would upload and refuses it.
    const refused = await sync(bench, desiredOf(shopInputs(), bench.now()), emptyRecordedState()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.be.instanceOf(Error);
    expect((refused as Error).message).to.match(new RegExp(`upload /nsconfig/ssl/${ours.certFile}.*1642`));
    expect(saves(bench.emu), "nothing saved").to.equal(0);

    const result = await sync(bench, desiredOf(shopInputs({ adoptExisting: true }), bench.now()), emptyRecordedState());

    const intended: Intended = { certkeys: { "certsync-shop": linked(shop, ca), [ca]: pki.intermediate }, bindings: ["vs_plain <- certsync-shop"], files: { [ours.certFile]: shop.certificatePem } };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, result.recorded);
  });

  it("leaves unrecorded certkeys alone, even ones that follow our naming scheme", async () => {
    const ghost = pki.leaf("ghost.example.com");
    await addCertkey(bench.client, "certsync-ghost", ghost);
    await bench.client.put("sslvserver_sslcertkey_binding", { sslvserver_sslcertkey_binding: { vservername: "vs_api", certkeyname: "certsync-ghost", snicert: false } });
    await saveByHand();

    const first = await sync(bench, desiredOf(shopInputs({ vserverName: "vs_api" }), bench.now()), emptyRecordedState());
    const second = await sync(bench, desiredOf({ vserverName: "vs_api", certificates: {} }, bench.now()), first.recorded);

    expect(second.recorded).to.deep.equal(emptyRecordedState());
    const intended: Intended = {
      certkeys: { "certsync-ghost": ghost },
      bindings: ["vs_api <- certsync-ghost"],
      files: { "certsync-ghost.cer": ghost.certificatePem, "certsync-ghost.key": ghost.key.privateKeyPem },
    };
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, second.recorded);
  });

  it("two syncs side by side share a CA certkey and never touch each other's objects", async () => {
    const api = pki.leaf("api.example.com");
    const web = (certificates: NonNullable<SyncInputs["certificates"]>) => desiredOf({ vserverName: "vs_api", certificates }, bench.now());
    const other = (certificates: NonNullable<SyncInputs["certificates"]>) =>
      desiredOf({ vserverName: "vs_api", certificateNameSchema: "team2-{{certificateId}}", certificates }, bench.now());

    const webFirst = await sync(bench, web({ shop: entry(shop, [pki.intermediate]) }), emptyRecordedState());
    const otherFirst = await sync(bench, other({ api: entry(api, [pki.intermediate]) }), emptyRecordedState());

    expect(otherFirst.recorded.caCertkeys[ca]?.createdBySync, "the second sync found the CA certkey there").to.equal(false);
    // The first sync's certificate is the vserver's default: the second one's goes beside it as SNI.
    const together: Intended = {
      certkeys: { "certsync-shop": linked(shop, ca), "team2-api": linked(api, ca), [ca]: pki.intermediate },
      bindings: ["vs_api <- certsync-shop", "vs_api <- team2-api (SNI)"],
    };
    expectRunning(bench, together);
    await expectSavedAfterReboot(bench, together, webFirst.recorded);

    const webDropped = await sync(bench, web({}), webFirst.recorded);

    expect(webDropped.recorded).to.deep.equal(emptyRecordedState());
    const left: Intended = {
      certkeys: { "team2-api": linked(api, ca), [ca]: pki.intermediate },
      bindings: ["vs_api <- team2-api (SNI)"],
      files: { [`${ca}.cer`]: pki.intermediate.certificatePem },
    };
    expectRunning(bench, left);
    await expectSavedAfterReboot(bench, left, otherFirst.recorded);
  });
});
