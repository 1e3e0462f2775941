// Plan cases 1–6, 10 and 11 (issue 3), as tables: input → phases → facts about `next`.
import { expect } from "chai";
import { emptyRecordedState, type RecordedState } from "../../provider/model";
import { caCertificateFileName, caCertkeyName, renewedCertkeyName } from "../../provider/naming";
import { describePlan, hasChanges, plan } from "../../provider/plan";
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
const ROOT_INT = caFacts("Policy CA");
const SUB_INT = caFacts("Sub CA", ROOT_INT);
const OTHER_CA = caFacts("Other Issuing CA");
const OTHER_CA_NAME = caCertkeyName(OTHER_CA.fingerprint);

const shop = desiredCert("shop", { chain: [CA] });
const S = filesOf("certsync-shop", shop.leaf);
const shopB = desiredCert("shop", { chain: [CA], serial: "0B" });
const SB = filesOf("certsync-shop", shopB.leaf);
const blog = desiredCert("blog", { chain: [CA] });
const B = filesOf("certsync-blog", blog.leaf);

const vs1Default = [{ vserver: "vs1", sni: false }];
/** shop deployed as current certkey, bound to vs1 as its default certificate. */
const shopDeployed = (): RecordedState =>
  recordedState({ shop: [recordedCertkey(shop, { bindings: vs1Default })] }, [recordedCa(CA)]);

function runTable(rows: PlanRow[]): void {
  for (const row of rows) {
    it(row.name, () => checkPlanRow(plan(row.input()), row));
  }
}

describe("plan", () => {
  describe("1. new certificate", () => {
    runTable([
      {
        name: "uploads files, adds the CA once and the certkey, links and binds",
        input: () => ({ desired: desiredState([shop], { vservers: ["vs1"] }), recorded: emptyRecordedState(), now: NOW }),
        phases: [
          [`uploadFile ${CA_FILE}`, `uploadFile ${S.cer}`, `uploadFile ${S.key}`],
          [`addCertkey ${CA_NAME}`],
          ["addCertkey certsync-shop"],
          [`linkCertkey certsync-shop ${CA_NAME}`],
          ["bind vs1 certsync-shop default"],
        ],
        next: (next) => {
          const [ck] = next.certificates.shop.certkeys;
          expect(ck).to.deep.include({ certkeyName: "certsync-shop", certFile: S.cer, keyFile: S.key, serial: "0A", role: "current" });
          expect(ck.caCertkeyName).to.equal(CA_NAME);
          expect(ck.bindings).to.deep.equal(vs1Default);
          expect(next.caCertkeys[CA_NAME]).to.deep.include({ certFile: CA_FILE, createdBySync: true });
          expect(next.caCertkeys[CA_NAME]).to.not.have.property("caCertkeyName");
        },
      },
      {
        name: "shares one CA certkey between certificates it issued",
        input: () => ({ desired: desiredState([shop, blog]), recorded: emptyRecordedState(), now: NOW }),
        phases: [
          [`uploadFile ${B.cer}`, `uploadFile ${B.key}`, `uploadFile ${CA_FILE}`, `uploadFile ${S.cer}`, `uploadFile ${S.key}`],
          [`addCertkey ${CA_NAME}`],
          ["addCertkey certsync-blog", "addCertkey certsync-shop"],
          [`linkCertkey certsync-blog ${CA_NAME}`, `linkCertkey certsync-shop ${CA_NAME}`],
        ],
      },
      {
        name: "links an intermediate to the intermediate that issued it",
        input: () => ({
          desired: desiredState([desiredCert("api", { chain: [SUB_INT, ROOT_INT] })]),
          recorded: emptyRecordedState(),
          now: NOW,
        }),
        phases: [
          [
            `uploadFile ${filesOf("certsync-api", desiredCert("api", { chain: [SUB_INT] }).leaf).cer}`,
            `uploadFile ${filesOf("certsync-api", desiredCert("api", { chain: [SUB_INT] }).leaf).key}`,
            `uploadFile ${caCertificateFileName(ROOT_INT.fingerprint)}`,
            `uploadFile ${caCertificateFileName(SUB_INT.fingerprint)}`,
          ].sort(),
          [`addCertkey ${caCertkeyName(ROOT_INT.fingerprint)}`, `addCertkey ${caCertkeyName(SUB_INT.fingerprint)}`].sort(),
          [`linkCertkey ${caCertkeyName(SUB_INT.fingerprint)} ${caCertkeyName(ROOT_INT.fingerprint)}`],
          ["addCertkey certsync-api"],
          [`linkCertkey certsync-api ${caCertkeyName(SUB_INT.fingerprint)}`],
        ],
        next: (next) => {
          expect(next.caCertkeys[caCertkeyName(SUB_INT.fingerprint)].caCertkeyName).to.equal(caCertkeyName(ROOT_INT.fingerprint));
          expect(next.caCertkeys[caCertkeyName(ROOT_INT.fingerprint)]).to.not.have.property("caCertkeyName");
        },
      },
      {
        name: "a certificate without chain is added unlinked; no vservers: upload only",
        input: () => ({ desired: desiredState([desiredCert("lone")]), recorded: emptyRecordedState(), now: NOW }),
        phases: [
          [`uploadFile ${filesOf("certsync-lone", desiredCert("lone").leaf).cer}`, `uploadFile ${filesOf("certsync-lone", desiredCert("lone").leaf).key}`],
          ["addCertkey certsync-lone"],
        ],
        next: (next) => {
          expect(next.certificates.lone.certkeys[0]).to.not.have.property("caCertkeyName");
          expect(next.certificates.lone.certkeys[0].bindings).to.deep.equal([]);
          expect(next.caCertkeys).to.deep.equal({});
        },
      },
    ]);

    it("passes the key passphrase and marks only the key upload secret", () => {
      const locked = desiredCert("shop", { chain: [CA], passphrase: "s3cret" });
      const p = plan({ desired: desiredState([locked]), recorded: emptyRecordedState(), now: NOW });
      const ops = p.phases.flat();
      const add = ops.find((op) => op.kind === "addCertkey" && op.certkeyName === "certsync-shop");
      expect(add).to.deep.include({ certFile: S.cer, keyFile: S.key, passphrase: "s3cret" });
      const caAdd = ops.find((op) => op.kind === "addCertkey" && op.certkeyName === CA_NAME);
      expect(caAdd).to.not.have.property("keyFile");
      const uploads = ops.filter((op) => op.kind === "uploadFile");
      expect(uploads.filter((op) => op.kind === "uploadFile" && op.secret).map((op) => op.kind === "uploadFile" && op.fileName)).to.deep.equal([S.key]);
      expect(JSON.stringify(p.next)).to.not.contain("s3cret");
      expect(describePlan(p).join("\n")).to.not.contain("s3cret").and.not.contain("KEY FOR");
    });
  });

  describe("2. unchanged certificate", () => {
    runTable([
      {
        name: "same fingerprint as the recorded current certkey: nothing at all",
        input: () => ({ desired: desiredState([shop], { vservers: ["vs1"] }), recorded: shopDeployed(), now: NOW }),
        phases: [],
        next: (next) => expect(next).to.deep.equal(shopDeployed()),
      },
      {
        name: "also nothing when the appliance matches the record",
        input: () => ({
          desired: desiredState([shop], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          observed: observedFrom(shopDeployed(), ["vs1"]),
          now: NOW,
        }),
        phases: [],
      },
    ]);

    it("two plans in a row: the second has no phases and no save", () => {
      const desired = desiredState([shop, blog, desiredCert("api", { chain: [SUB_INT, ROOT_INT] })], { vservers: ["vs1", "vs2"] });
      const first = plan({ desired, recorded: emptyRecordedState(), now: NOW });
      expect(hasChanges(first)).to.equal(true);
      const second = plan({ desired, recorded: first.next, now: NOW });
      expect(second.phases).to.deep.equal([]);
      expect(hasChanges(second)).to.equal(false);
      expect(second.next).to.deep.equal(first.next);
      const third = plan({ desired, recorded: second.next, observed: observedFrom(second.next, ["vs1", "vs2"]), now: NOW });
      expect(third.phases).to.deep.equal([]);
    });
  });

  describe("3. renewal preserving the certkey", () => {
    runTable([
      {
        name: "uploads new files, updates the same certkey, then deletes the old files",
        input: () => ({ desired: desiredState([shopB], { vservers: ["vs1"] }), recorded: shopDeployed(), now: NOW }),
        phases: [[`uploadFile ${SB.cer}`, `uploadFile ${SB.key}`], ["updateCertkey certsync-shop"], [`deleteFile ${S.cer}`, `deleteFile ${S.key}`]],
        next: (next) => {
          const [ck] = next.certificates.shop.certkeys;
          expect(next.certificates.shop.certkeys).to.have.length(1);
          expect(ck).to.deep.include({ certkeyName: "certsync-shop", certFile: SB.cer, keyFile: SB.key, serial: "0B", fingerprint: shopB.leaf.fingerprint });
          expect(ck.bindings).to.deep.equal(vs1Default);
        },
      },
      {
        name: "relinks when the issuing CA changes: unlink before the update, link after",
        input: () => ({
          desired: desiredState([desiredCert("shop", { chain: [OTHER_CA], serial: "0B" })], { vservers: ["vs1"] }),
          recorded: shopDeployed(),
          now: NOW,
        }),
        phases: [
          [`uploadFile ${caCertificateFileName(OTHER_CA.fingerprint)}`, ...(() => {
            const f = filesOf("certsync-shop", desiredCert("shop", { chain: [OTHER_CA], serial: "0B" }).leaf);
            return [`uploadFile ${f.cer}`, `uploadFile ${f.key}`];
          })()].sort(),
          [`addCertkey ${OTHER_CA_NAME}`],
          ["unlinkCertkey certsync-shop"],
          ["updateCertkey certsync-shop"],
          [`linkCertkey certsync-shop ${OTHER_CA_NAME}`],
          [`deleteCertkey ${CA_NAME}`],
          [`deleteFile ${CA_FILE}`, `deleteFile ${S.cer}`, `deleteFile ${S.key}`],
        ],
        next: (next) => {
          expect(Object.keys(next.caCertkeys)).to.deep.equal([OTHER_CA_NAME]);
          expect(next.certificates.shop.certkeys[0].caCertkeyName).to.equal(OTHER_CA_NAME);
        },
      },
    ]);

    it("says why: serial old→new and the preserved certkey", () => {
      const p = plan({ desired: desiredState([shopB], { vservers: ["vs1"] }), recorded: shopDeployed(), now: NOW });
      expect(describePlan(p)).to.include("update certkey certsync-shop to " + SB.cer + ": renewed: serial 0A→0B, preserving certkey certsync-shop");
    });
  });

  describe("4. renewal beside the old certkey (preserveOnRenewal off)", () => {
    const NEW = renewedCertkeyName("certsync-shop", shopB.leaf.fingerprint);
    const NF = filesOf(NEW, shopB.leaf);
    const renewedOnce = () => plan({ desired: desiredState([shopB], { vservers: ["vs1"], preserveOnRenewal: false }), recorded: shopDeployed(), now: NOW }).next;
    /** After the renewal, with the old certificate expiring long before the new one. */
    const oldExpiresFirst = (): RecordedState => {
      const recorded = renewedOnce();
      recorded.certificates.shop.certkeys[1].notAfter = "2026-09-01T00:00:00.000Z";
      return recorded;
    };
    const betweenExpiries = new Date("2026-10-01T00:00:00Z");
    runTable([
      {
        name: "adds a new certkey, binds it, and only then unbinds the old one, which stays superseded",
        input: () => ({ desired: desiredState([shopB], { vservers: ["vs1"], preserveOnRenewal: false }), recorded: shopDeployed(), now: NOW }),
        phases: [
          [`uploadFile ${NF.cer}`, `uploadFile ${NF.key}`],
          [`addCertkey ${NEW}`],
          [`linkCertkey ${NEW} ${CA_NAME}`],
          [`bind vs1 ${NEW} default`],
          ["unbind vs1 certsync-shop default"],
        ],
        next: (next) => {
          const [current, old] = next.certificates.shop.certkeys;
          expect(current).to.deep.include({ certkeyName: NEW, role: "current", serial: "0B" });
          expect(current.bindings).to.deep.equal(vs1Default);
          expect(old).to.deep.include({ certkeyName: "certsync-shop", role: "superseded", certFile: S.cer, bindings: [] });
          expect(old.note).to.match(/superseded by certsync-shop-/);
        },
      },
      {
        name: "the superseded certkey stays while it is valid",
        input: () => ({ desired: desiredState([shopB], { vservers: ["vs1"], preserveOnRenewal: false }), recorded: renewedOnce(), now: NOW }),
        phases: [],
      },
      {
        name: "the superseded certkey is deleted with its files once expired (removal on)",
        input: () => ({ desired: desiredState([shopB], { vservers: ["vs1"], preserveOnRenewal: false }), recorded: oldExpiresFirst(), now: betweenExpiries }),
        phases: [["deleteCertkey certsync-shop"], [`deleteFile ${S.cer}`, `deleteFile ${S.key}`]],
        next: (next) => expect(next.certificates.shop.certkeys.map((c) => c.certkeyName)).to.deep.equal([NEW]),
      },
      {
        name: "an expired superseded certkey stays when removal is off",
        input: () => ({
          desired: desiredState([shopB], { vservers: ["vs1"], preserveOnRenewal: false, removeExpiredOrRevoked: false }),
          recorded: oldExpiresFirst(),
          now: betweenExpiries,
        }),
        phases: [],
        next: (next) => expect(next.certificates.shop.certkeys[1].role).to.equal("superseded"),
      },
      {
        name: "dropping the id removes both certkeys (removal on)",
        input: () => ({ desired: desiredState([], { vservers: ["vs1"], preserveOnRenewal: false }), recorded: renewedOnce(), now: NOW }),
        phases: [
          [`unbind vs1 ${NEW} default`],
          ["deleteCertkey certsync-shop", `deleteCertkey ${NEW}`],
          [`deleteCertkey ${CA_NAME}`],
          [`deleteFile ${CA_FILE}`, `deleteFile ${S.cer}`, `deleteFile ${S.key}`, `deleteFile ${NF.cer}`, `deleteFile ${NF.key}`],
        ],
        next: (next) => expect(next).to.deep.equal(emptyRecordedState()),
      },
    ]);
  });

  describe("5. revoked, expired or dropped", () => {
    const afterExpiry = new Date("2027-03-01T00:00:00Z"); // now >= notAfter counts as expired
    const removal = [["unbind vs1 certsync-shop default"], ["deleteCertkey certsync-shop"], [`deleteCertkey ${CA_NAME}`], [`deleteFile ${CA_FILE}`, `deleteFile ${S.cer}`, `deleteFile ${S.key}`]];
    runTable([
      {
        name: "revoked, removal on: unbind, delete the certkey, the CA certkey we created, then the files",
        input: () => ({ desired: desiredState([desiredCert("shop", { chain: [CA], revoked: true })], { vservers: ["vs1"] }), recorded: shopDeployed(), now: NOW }),
        phases: removal,
        next: (next) => expect(next).to.deep.equal(emptyRecordedState()),
      },
      {
        name: "expired (now = notAfter), removal on",
        input: () => ({ desired: desiredState([shop], { vservers: ["vs1"] }), recorded: shopDeployed(), now: afterExpiry }),
        phases: removal,
      },
      {
        name: "dropped from the sync, removal on",
        input: () => ({ desired: desiredState([], { vservers: ["vs1"] }), recorded: shopDeployed(), now: NOW }),
        phases: removal,
      },
      {
        name: "a CA certkey another certificate still links to stays",
        input: () => ({
          desired: desiredState([blog], { vservers: ["vs1"] }),
          recorded: recordedState(
            { shop: [recordedCertkey(shop, { bindings: [{ vserver: "vs1", sni: true }] })], blog: [recordedCertkey(blog, { bindings: [{ vserver: "vs1", sni: true }] })] },
            [recordedCa(CA)],
          ),
          now: NOW,
        }),
        phases: [["bind vs1 certsync-blog default"], ["unbind vs1 certsync-blog sni", "unbind vs1 certsync-shop sni"], ["deleteCertkey certsync-shop"], [`deleteFile ${S.cer}`, `deleteFile ${S.key}`]],
        next: (next) => expect(Object.keys(next.caCertkeys)).to.deep.equal([CA_NAME]),
      },
      {
        name: "a CA certkey we did not create is only dropped from the record",
        input: () => ({
          desired: desiredState([], { vservers: ["vs1"] }),
          recorded: recordedState({ shop: [recordedCertkey(shop, { bindings: vs1Default })] }, [recordedCa(CA, { createdBySync: false })]),
          now: NOW,
        }),
        phases: [["unbind vs1 certsync-shop default"], ["deleteCertkey certsync-shop"], [`deleteFile ${S.cer}`, `deleteFile ${S.key}`]],
        next: (next) => expect(next.caCertkeys).to.deep.equal({}),
      },
      ...(["revoked", "expired", "dropped"] as const).map(
        (why): PlanRow => ({
          name: `${why}, removal off: left untouched, recorded as retained with a note`,
          input: () => ({
            desired: desiredState(why === "dropped" ? [] : [desiredCert("shop", { chain: [CA], revoked: why === "revoked" })], {
              vservers: ["vs1"],
              removeExpiredOrRevoked: false,
            }),
            recorded: shopDeployed(),
            now: why === "expired" ? afterExpiry : NOW,
          }),
          phases: [],
          notes: [
            { revoked: /^retained: shop is revoked; removeExpiredOrRevoked is off$/, expired: /^retained: shop expired on 2027-03-01; removeExpiredOrRevoked is off$/, dropped: /^retained: shop was dropped from the sync; removeExpiredOrRevoked is off$/ }[why],
          ],
          next: (next) => {
            const [ck] = next.certificates.shop.certkeys;
            expect(ck.role).to.equal("retained");
            expect(ck.note).to.match(/removeExpiredOrRevoked is off/);
            expect(ck.bindings).to.deep.equal(vs1Default);
            expect(next.caCertkeys[CA_NAME].createdBySync).to.equal(true);
          },
        }),
      ),
      {
        name: "a brand-new certificate that is already revoked: nothing is created",
        input: () => ({ desired: desiredState([desiredCert("shop", { chain: [CA], revoked: true })], { vservers: ["vs1"] }), recorded: emptyRecordedState(), now: NOW }),
        phases: [],
        notes: [/^shop is revoked: nothing was created for it$/],
        next: (next) => expect(next).to.deep.equal(emptyRecordedState()),
      },
      {
        name: "a retained certificate is removed once removal is turned on",
        input: () => ({
          desired: desiredState([], { vservers: ["vs1"] }),
          recorded: plan({ desired: desiredState([], { vservers: ["vs1"], removeExpiredOrRevoked: false }), recorded: shopDeployed(), now: NOW }).next,
          now: NOW,
        }),
        phases: removal,
      },
    ]);

    it("gives the removal reasons", () => {
      const revoked = plan({ desired: desiredState([desiredCert("shop", { chain: [CA], revoked: true })], { vservers: ["vs1"] }), recorded: shopDeployed(), now: NOW });
      expect(describePlan(revoked)).to.include("delete certkey certsync-shop: revoked; removal is on");
      const expired = plan({ desired: desiredState([shop], { vservers: ["vs1"] }), recorded: shopDeployed(), now: afterExpiry });
      expect(describePlan(expired)).to.include("unbind certsync-shop (default certificate) from vs1: expired on 2027-03-01; removal is on");
      const dropped = plan({ desired: desiredState([]), recorded: shopDeployed(), now: NOW });
      expect(describePlan(dropped)).to.include(`delete /nsconfig/ssl/${S.key}: dropped from the sync; removal is on`);
    });
  });

  describe("6. vserver set changed", () => {
    runTable([
      {
        name: "binds to the new vservers before unbinding from the old",
        input: () => ({ desired: desiredState([shop], { vservers: ["vs2"] }), recorded: shopDeployed(), now: NOW }),
        phases: [["bind vs2 certsync-shop default"], ["unbind vs1 certsync-shop default"]],
        next: (next) => expect(next.certificates.shop.certkeys[0].bindings).to.deep.equal([{ vserver: "vs2", sni: false }]),
      },
      {
        name: "an added vserver is bound, the others stay",
        input: () => ({ desired: desiredState([shop], { vservers: ["vs1", "vs2"] }), recorded: shopDeployed(), now: NOW }),
        phases: [["bind vs2 certsync-shop default"]],
      },
      {
        name: "cleared: unbind only, the certkey stays",
        input: () => ({ desired: desiredState([shop], { vservers: [] }), recorded: shopDeployed(), now: NOW }),
        phases: [["unbind vs1 certsync-shop default"]],
        next: (next) => expect(next.certificates.shop.certkeys[0].bindings).to.deep.equal([]),
      },
    ]);

    it("says which vserver came and went", () => {
      const lines = describePlan(plan({ desired: desiredState([shop], { vservers: ["vs2"] }), recorded: shopDeployed(), now: NOW }));
      expect(lines).to.include("bind certsync-shop to vs2 as default certificate: vserver vs2 added to the sync");
      expect(lines).to.include("unbind certsync-shop (default certificate) from vs1: vserver vs1 removed from the sync");
    });
  });

  describe("10. deferred renewals (autoSync off)", () => {
    const NEWBLOG = desiredCert("newblog", { chain: [CA] });
    const NB = filesOf("certsync-newblog", NEWBLOG.leaf);
    runTable([
      {
        name: "a renewed certificate keeps its recorded certkey, with a note",
        input: () => ({ desired: desiredState([shopB], { vservers: ["vs1"] }), recorded: shopDeployed(), now: NOW, deferRenewals: true }),
        phases: [],
        notes: [/^renewal of shop waits for a sync trigger \(autoSync is off\)$/],
        next: (next) => expect(next).to.deep.equal(shopDeployed()),
      },
      {
        name: "new and removed certificates still go ahead",
        input: () => ({
          desired: desiredState([shopB, NEWBLOG], { vservers: ["vs1"], sni: "always" }),
          recorded: recordedState(
            { shop: [recordedCertkey(shop, { bindings: [{ vserver: "vs1", sni: true }] })], blog: [recordedCertkey(blog, { bindings: [{ vserver: "vs1", sni: true }] })] },
            [recordedCa(CA)],
          ),
          now: NOW,
          deferRenewals: true,
        }),
        phases: [
          [`uploadFile ${NB.cer}`, `uploadFile ${NB.key}`],
          ["addCertkey certsync-newblog"],
          [`linkCertkey certsync-newblog ${CA_NAME}`],
          ["bind vs1 certsync-newblog sni"],
          ["unbind vs1 certsync-blog sni"],
          ["deleteCertkey certsync-blog"],
          [`deleteFile ${B.cer}`, `deleteFile ${B.key}`],
        ],
        next: (next) => expect(next.certificates.shop.certkeys[0].serial).to.equal("0A"),
      },
      {
        name: "the renewal goes ahead when the recorded certkey is gone from the appliance",
        input: () => {
          const recorded = shopDeployed();
          const observed = observedFrom(recorded, ["vs1"]);
          observed.certkeys["certsync-shop"] = null;
          observed.vservers.vs1.bindings = [];
          return { desired: desiredState([shopB], { vservers: ["vs1"] }), recorded, observed, now: NOW, deferRenewals: true };
        },
        phases: [[`uploadFile ${SB.cer}`, `uploadFile ${SB.key}`], ["addCertkey certsync-shop"], [`linkCertkey certsync-shop ${CA_NAME}`], ["bind vs1 certsync-shop default"], [`deleteFile ${S.cer}`, `deleteFile ${S.key}`]],
      },
    ]);
  });

  describe("describePlan", () => {
    it("gives one line per operation, in order, the save last", () => {
      const p = plan({ desired: desiredState([shop, blog], { vservers: ["vs1"] }), recorded: emptyRecordedState(), now: NOW });
      const lines = describePlan(p);
      expect(lines).to.have.length(p.phases.flat().length);
      expect(lines).to.include("bind certsync-shop to vs1 as SNI: new certificate shop (CN=shop.example.com, expires 2027-03-01)");
      expect(lines[lines.length - 1]).to.match(/^save the configuration: /);
    });
  });
});
