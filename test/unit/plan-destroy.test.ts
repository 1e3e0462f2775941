// planDestroy: remove everything the record says this sync created, in a safe order, and nothing else.
import { expect } from "chai";
import { emptyRecordedState, type RecordedState } from "../../provider/model";
import { caCertificateFileName, caCertkeyName } from "../../provider/naming";
import { describePlan, planDestroy } from "../../provider/plan";
import { caFacts, checkPlanRow, desiredCert, filesOf, type PlanRow, recordedCa, recordedCertkey, recordedState } from "../support/facts";

const ROOT = caFacts("Policy CA");
const SUB = caFacts("Sub CA", ROOT);
const SHARED = caFacts("Shared CA");
const [ROOT_NAME, SUB_NAME, SHARED_NAME] = [ROOT, SUB, SHARED].map((ca) => caCertkeyName(ca.fingerprint));

const shop = desiredCert("shop", { chain: [SUB, ROOT], serial: "0B" });
const shopOld = desiredCert("shop", { chain: [SUB, ROOT], serial: "0A" });
const blog = desiredCert("blog", { chain: [SHARED] });
const S = filesOf("certsync-shop-new", shop.leaf);
const SO = filesOf("certsync-shop", shopOld.leaf);
const B = filesOf("certsync-blog", blog.leaf);

/** A current and a superseded certkey, a retained one still bound, two CA certkeys of ours and a shared one. */
const everything = (): RecordedState =>
  recordedState(
    {
      shop: [
        recordedCertkey(shop, { certkeyName: "certsync-shop-new", certFile: S.cer, keyFile: S.key, bindings: [{ vserver: "vs1", sni: true }] }),
        recordedCertkey(shopOld, { role: "superseded", note: "superseded by certsync-shop-new (serial 0B)" }),
      ],
      blog: [recordedCertkey(blog, { role: "retained", note: "blog is revoked; removeExpiredOrRevoked is off", bindings: [{ vserver: "vs2", sni: false }] })],
    },
    [recordedCa(ROOT), recordedCa(SUB, { caCertkeyName: ROOT_NAME }), recordedCa(SHARED, { createdBySync: false })],
  );

describe("planDestroy", () => {
  const rows: Array<Omit<PlanRow, "input"> & { recorded: () => RecordedState }> = [
    {
      name: "unbind → delete certkeys → delete our CA certkeys, children first → save → delete files",
      recorded: everything,
      phases: [
        ["unbind vs2 certsync-blog default", "unbind vs1 certsync-shop-new sni"],
        ["deleteCertkey certsync-blog", "deleteCertkey certsync-shop", "deleteCertkey certsync-shop-new"],
        [`deleteCertkey ${SUB_NAME}`],
        [`deleteCertkey ${ROOT_NAME}`],
        [
          `deleteFile ${B.cer}`,
          `deleteFile ${B.key}`,
          `deleteFile ${SO.cer}`,
          `deleteFile ${SO.key}`,
          `deleteFile ${S.cer}`,
          `deleteFile ${S.key}`,
          `deleteFile ${caCertificateFileName(ROOT.fingerprint)}`,
          `deleteFile ${caCertificateFileName(SUB.fingerprint)}`,
        ].sort(),
      ],
      next: (next, p) => {
        expect(next).to.deep.equal(emptyRecordedState());
        const touched = JSON.stringify(p.phases);
        expect(touched).to.not.contain(SHARED_NAME);
        expect(describePlan(p)[0]).to.match(/: the sync is being destroyed$/);
      },
    },
    {
      name: "nothing recorded: nothing to do, no save",
      recorded: emptyRecordedState,
      phases: [],
    },
    {
      name: "only a shared CA certkey recorded: it is left alone",
      recorded: () => recordedState({}, [recordedCa(SHARED, { createdBySync: false })]),
      phases: [],
    },
  ];
  for (const row of rows) it(row.name, () => checkPlanRow(planDestroy(row.recorded()), row));

  it("touches only objects named in the record", () => {
    const recorded = everything();
    const names = new Set<string>();
    for (const r of Object.values(recorded.certificates)) {
      for (const c of r.certkeys) [c.certkeyName, c.certFile, c.keyFile].forEach((n) => names.add(n));
    }
    for (const ca of Object.values(recorded.caCertkeys)) [ca.certkeyName, ca.certFile].forEach((n) => names.add(n));
    for (const op of planDestroy(recorded).phases.flat()) {
      if (op.kind === "saveConfig") continue;
      expect(op.kind).to.be.oneOf(["unbind", "deleteCertkey", "deleteFile"]);
      expect(names.has("fileName" in op ? op.fileName : op.certkeyName), JSON.stringify(op)).to.equal(true);
    }
  });
});
