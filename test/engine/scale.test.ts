// Against an emulator with 20 ms latency per request: syncing 100 new certificates takes a
// number of requests that does not grow one-per-certificate (bulk writes, fixed reads), and
// the same sync again only reads.
import { expect } from "chai";
import type { SyncInputs } from "../../provider/inputs";
import { emptyRecordedState, type RecordedState } from "../../provider/model";
import { makePki, pooledKey, type TestPki } from "../support/certs";
import { desiredOf, entry, expectRunning, expectSavedAfterReboot, linked, caName, saves, startBench, sync, unservedMoments, writes, type Bench, type Intended } from "./support";

const COUNT = 100;
const LATENCY_MS = 20;

describe(`engine: ${COUNT} certificates at ${LATENCY_MS} ms latency`, function () {
  this.timeout(120_000);
  let pki: TestPki;
  let bench: Bench;
  let inputs: Partial<SyncInputs>;
  let intended: Intended;
  let recorded: RecordedState;

  before(async () => {
    pki = makePki("Scale");
    const certificates: NonNullable<SyncInputs["certificates"]> = {};
    const ca = caName(pki.intermediate);
    intended = { certkeys: { [ca]: pki.intermediate }, bindings: [] };
    for (let i = 0; i < COUNT; i++) {
      const id = `site${String(i).padStart(3, "0")}`;
      const leaf = pki.leaf(`${id}.example.com`, { key: pooledKey(i % 3) });
      certificates[id] = entry(leaf, [pki.intermediate]);
      intended.certkeys[`certsync-${id}`] = linked(leaf, ca);
      intended.bindings.push(`vs_api <- certsync-${id} (SNI)`);
    }
    inputs = { vserverName: "vs_api", certificates };
    bench = await startBench(makePki("Foreign", { root: 3, intermediate: 4 }), { latencyMs: LATENCY_MS });
  });
  after(async () => bench?.close());

  it(`syncs ${COUNT} new certificates in fewer than ${COUNT} requests`, async () => {
    const started = performance.now();
    const result = await sync(bench, desiredOf(inputs, bench.now()), emptyRecordedState());
    const elapsed = Math.round(performance.now() - started);
    recorded = result.recorded;

    const requests = bench.emu.requests();
    console.log(`      ${COUNT} new certificates: ${requests.length} requests (${writes(bench.emu).length} writes), ${elapsed} ms`);
    expect(requests.length).to.be.lessThan(COUNT);
    expect(requests.every((r) => r.status < 300), "every request succeeded").to.equal(true);
    expect(saves(bench.emu)).to.equal(1);
    expect(Object.keys(result.recorded.certificates)).to.have.length(COUNT);
    expectRunning(bench, intended);
    await expectSavedAfterReboot(bench, intended, result.recorded);
  });

  it(`the same ${COUNT} certificates again: a fixed handful of reads and no write`, async () => {
    bench.emu.clearRequests();
    const result = await sync(bench, desiredOf(inputs, bench.now()), recorded);

    const requests = bench.emu.requests();
    console.log(`      ${COUNT} unchanged certificates: ${requests.length} requests`);
    expect(result.wrote).to.equal(false);
    expect(writes(bench.emu)).to.deep.equal([]);
    expect(requests.length).to.be.at.most(8);
  });

  it(`renews the ${COUNT} certificates in place in fewer than ${COUNT} requests, the vserver served throughout`, async () => {
    const certificates: NonNullable<SyncInputs["certificates"]> = {};
    const ca = caName(pki.intermediate);
    const renewed: Intended = { certkeys: { [ca]: pki.intermediate }, bindings: intended.bindings };
    for (const id of Object.keys(inputs.certificates ?? {})) {
      const leaf = pki.leaf(`${id}.example.com`, { key: pooledKey(3 + (Number(id.slice(4)) % 3)) });
      certificates[id] = entry(leaf, [pki.intermediate]);
      renewed.certkeys[`certsync-${id}`] = linked(leaf, ca);
    }
    bench.emu.clearRequests();

    const result = await sync(bench, desiredOf({ ...inputs, certificates }, bench.now()), recorded);

    const requests = bench.emu.requests();
    console.log(`      ${COUNT} renewals in place: ${requests.length} requests (${writes(bench.emu).length} writes)`);
    expect(requests.length).to.be.lessThan(COUNT);
    expect(unservedMoments(bench.emu)).to.deep.equal([]);
    expect(saves(bench.emu)).to.equal(1);
    expectRunning(bench, renewed);
    await expectSavedAfterReboot(bench, renewed, result.recorded);
  });
});
