// Plan case 7 (issue 3): SNI or default certificate per vserver, and the problems that stop a plan.
import { expect } from "chai";
import { emptyRecordedState, type PlanInput, type RecordedState } from "../../provider/model";
import { caCertificateFileName, caCertkeyName } from "../../provider/naming";
import { describePlan, plan, PlanError } from "../../provider/plan";
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
const shop = desiredCert("shop", { chain: [CA] });
const blog = desiredCert("blog", { chain: [CA] });
const B = filesOf("certsync-blog", blog.leaf);

const shopOnVs1 = (sni: boolean): RecordedState =>
  recordedState({ shop: [recordedCertkey(shop, { bindings: [{ vserver: "vs1", sni }] })] }, [recordedCa(CA)]);
const addBlog = [[`uploadFile ${B.cer}`, `uploadFile ${B.key}`], ["addCertkey certsync-blog"], [`linkCertkey certsync-blog ${CA_NAME}`]];

function problemsOf(input: PlanInput): string[] {
  try {
    plan(input);
  } catch (e) {
    if (e instanceof PlanError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  throw new Error("expected a PlanError");
}

describe("plan: 7. SNI", () => {
  const rows: PlanRow[] = [
    {
      name: "auto, one certificate: the vserver's default certificate",
      input: () => ({ desired: desiredState([blog], { vservers: ["vs1"] }), recorded: emptyRecordedState(), now: NOW }),
      phases: [
        [`uploadFile ${B.cer}`, `uploadFile ${B.key}`, `uploadFile ${caCertificateFileName(CA.fingerprint)}`],
        [`addCertkey ${CA_NAME}`],
        ...addBlog.slice(1),
        ["bind vs1 certsync-blog default"],
      ],
    },
    {
      name: "auto, a second certificate joins: bind both as SNI, then unbind the old default",
      input: () => ({ desired: desiredState([shop, blog], { vservers: ["vs1"] }), recorded: shopOnVs1(false), now: NOW }),
      phases: [...addBlog, ["bind vs1 certsync-blog sni", "bind vs1 certsync-shop sni"], ["unbind vs1 certsync-shop default"]],
      next: (next) => {
        expect(next.certificates.shop.certkeys[0].bindings).to.deep.equal([{ vserver: "vs1", sni: true }]);
        expect(next.certificates.blog.certkeys[0].bindings).to.deep.equal([{ vserver: "vs1", sni: true }]);
      },
    },
    {
      name: "auto, back to one certificate: the SNI binding becomes the default again",
      input: () => ({
        desired: desiredState([shop], { vservers: ["vs1"] }),
        recorded: plan({ desired: desiredState([shop, blog], { vservers: ["vs1"] }), recorded: shopOnVs1(false), now: NOW }).next,
        now: NOW,
      }),
      phases: [["bind vs1 certsync-shop default"], ["unbind vs1 certsync-blog sni", "unbind vs1 certsync-shop sni"], ["deleteCertkey certsync-blog"], [`deleteFile ${B.cer}`, `deleteFile ${B.key}`]],
    },
    {
      name: "auto, the vserver already has someone else's default certificate: SNI, theirs stays",
      input: () => {
        const observed = observedFrom(emptyRecordedState(), ["vs1"]);
        observed.vservers.vs1.bindings.push({ certkeyName: "legacy-wildcard", sni: false, ca: false });
        return { desired: desiredState([blog], { vservers: ["vs1"] }), recorded: recordedState({}, [recordedCa(CA)]), observed, now: NOW };
      },
      phases: [...addBlog, ["bind vs1 certsync-blog sni"]],
    },
    {
      name: "auto, a CA binding or a foreign SNI certificate does not force SNI",
      input: () => {
        const observed = observedFrom(emptyRecordedState(), ["vs1"]);
        observed.vservers.vs1.bindings.push({ certkeyName: "their-ca", sni: false, ca: true }, { certkeyName: "their-sni", sni: true, ca: false });
        return { desired: desiredState([blog], { vservers: ["vs1"] }), recorded: recordedState({}, [recordedCa(CA)]), observed, now: NOW };
      },
      phases: [...addBlog, ["bind vs1 certsync-blog default"]],
    },
    {
      name: '"always": SNI even for one certificate',
      input: () => ({ desired: desiredState([blog], { vservers: ["vs1"], sni: "always" }), recorded: recordedState({}, [recordedCa(CA)]), now: NOW }),
      phases: [...addBlog, ["bind vs1 certsync-blog sni"]],
    },
    {
      name: '"never" with one certificate per vserver: default',
      input: () => ({ desired: desiredState([shop], { vservers: ["vs1", "vs2"], sni: "never" }), recorded: shopOnVs1(false), now: NOW }),
      phases: [["bind vs2 certsync-shop default"]],
    },
    {
      name: "switching auto → always rebinds in the new mode first",
      input: () => ({ desired: desiredState([shop], { vservers: ["vs1"], sni: "always" }), recorded: shopOnVs1(false), now: NOW }),
      phases: [["bind vs1 certsync-shop sni"], ["unbind vs1 certsync-shop default"]],
    },
    {
      name: "a retained certificate still bound counts: the new one goes in as SNI, the retained binding stays",
      input: () => ({
        desired: desiredState([blog], { vservers: ["vs1"], removeExpiredOrRevoked: false }),
        recorded: shopOnVs1(false),
        now: NOW,
      }),
      phases: [...addBlog, ["bind vs1 certsync-blog sni"]],
      next: (next) => {
        expect(next.certificates.shop.certkeys[0]).to.deep.include({ role: "retained", bindings: [{ vserver: "vs1", sni: false }] });
      },
      notes: [/^retained: shop was dropped from the sync/],
    },
  ];
  for (const row of rows) it(row.name, () => checkPlanRow(plan(row.input()), row));

  it("explains a mode change", () => {
    const lines = describePlan(plan({ desired: desiredState([shop, blog], { vservers: ["vs1"] }), recorded: shopOnVs1(false), now: NOW }));
    expect(lines).to.include("bind certsync-shop to vs1 as SNI: vs1 now needs SNI: 2 certificates of this sync are bound to it (blog, shop)");
    expect(lines.some((l) => l.startsWith("unbind certsync-shop (default certificate) from vs1: vs1 now needs SNI"))).to.equal(true);
  });

  describe("problems", () => {
    const cases: Array<[string, () => PlanInput, RegExp[]]> = [
      [
        '"never" with several certificates on one vserver',
        () => ({ desired: desiredState([shop, blog], { vservers: ["vs1"], sni: "never" }), recorded: emptyRecordedState(), now: NOW }),
        [/^options\.sni: .*"never" but 2 certificates of this sync are bound to it \(blog, shop\) on vserver vs1.*silently replace/],
      ],
      [
        '"never" when the vserver has someone else\'s default certificate',
        () => {
          const observed = observedFrom(emptyRecordedState(), ["vs1"]);
          observed.vservers.vs1.bindings.push({ certkeyName: "legacy", sni: false, ca: false });
          return { desired: desiredState([shop], { vservers: ["vs1"], sni: "never" }), recorded: emptyRecordedState(), observed, now: NOW };
        },
        [/^options\.sni: .*default certificate legacy, which this sync does not manage/],
      ],
      [
        "SNI needed but disabled on the vserver",
        () => {
          const observed = observedFrom(emptyRecordedState(), ["vs1"]);
          observed.vservers.vs1.sniEnabled = false;
          return { desired: desiredState([shop, blog], { vservers: ["vs1"] }), recorded: emptyRecordedState(), observed, now: NOW };
        },
        [/^options\.vservers\[0\]: vserver vs1 needs SNI .* SNI is disabled on it; enable it with "set ssl vserver vs1 -SNIEnable ENABLED", or bind one certificate per vserver$/],
      ],
      [
        "a vserver that does not exist",
        () => {
          const observed = observedFrom(emptyRecordedState(), ["vs1", "vs-typo"]);
          observed.vservers["vs-typo"].exists = false;
          return { desired: desiredState([shop], { vservers: ["vs1", "vs-typo"] }), recorded: emptyRecordedState(), observed, now: NOW };
        },
        [/^options\.vservers\[1\]: SSL vserver vs-typo does not exist on the appliance.*create it first, or fix vserverName/],
      ],
      [
        "every problem at once",
        () => {
          const observed = observedFrom(emptyRecordedState(), ["vs1", "vs2"]);
          observed.vservers.vs1.sniEnabled = false;
          observed.vservers.vs2.exists = false;
          return { desired: desiredState([shop, blog], { vservers: ["vs1", "vs2"] }), recorded: emptyRecordedState(), observed, now: NOW };
        },
        [/^options\.vservers\[0\]: vserver vs1 needs SNI/, /^options\.vservers\[1\]: SSL vserver vs2 does not exist/],
      ],
    ];
    for (const [name, input, expected] of cases) {
      it(name, () => {
        const problems = problemsOf(input());
        expect(problems).to.have.length(expected.length);
        expected.forEach((re, i) => expect(problems[i]).to.match(re));
      });
    }

    it("the error message lists every problem", () => {
      const observed = observedFrom(emptyRecordedState(), ["vs1", "vs2"]);
      observed.vservers.vs1.sniEnabled = false;
      observed.vservers.vs2.exists = false;
      try {
        plan({ desired: desiredState([shop, blog], { vservers: ["vs1", "vs2"] }), recorded: emptyRecordedState(), observed, now: NOW });
        expect.fail("expected a PlanError");
      } catch (e) {
        expect(e).to.be.instanceOf(PlanError);
        expect((e as Error).message).to.match(/2 problems/).and.match(/vs1 needs SNI/).and.match(/vs2 does not exist/);
      }
    });
  });
});

describe("plan: 7. SNI, a renewal beside the original with the same common name", () => {
  // NetScaler refuses two SNI certificates with one common name on a vserver (3629).
  const renewedShop = desiredCert("shop", { chain: [CA], serial: "0B" });
  const bothSni = recordedState(
    {
      shop: [recordedCertkey(shop, { bindings: [{ vserver: "vs1", sni: true }] })],
      blog: [recordedCertkey(blog, { bindings: [{ vserver: "vs1", sni: true }] })],
    },
    [recordedCa(CA)],
  );

  it("unbinds the original just before binding its successor, while the other certificate keeps the vserver served", () => {
    const p = plan({ desired: desiredState([renewedShop, blog], { vservers: ["vs1"], preserveOnRenewal: false }), recorded: bothSni, now: NOW });
    const bindingPhases = p.phases
      .map((phase) => phase.filter((op) => op.kind === "bind" || op.kind === "unbind").map((op) => `${op.kind} ${"certkeyName" in op ? op.certkeyName : ""}`))
      .filter((phase) => phase.length > 0);
    expect(bindingPhases).to.deep.equal([["unbind certsync-shop"], [`bind certsync-shop-${renewedShop.leaf.fingerprint.slice(0, 8)}`]]);
    expect(describePlan(p).join("\n")).to.match(/refuses two SNI certificates for shop\.example\.com/);
  });

  it("refuses when that moment would leave the vserver without any certificate", () => {
    const alone = recordedState({ shop: [recordedCertkey(shop, { bindings: [{ vserver: "vs1", sni: true }] })] }, [recordedCa(CA)]);
    const problems = problemsOf({
      desired: desiredState([renewedShop], { vservers: ["vs1"], preserveOnRenewal: false, sni: "always" }),
      recorded: alone,
      now: NOW,
    });
    expect(problems.join("\n")).to.match(/^preserveOnRenewal: renewing shop beside certsync-shop would leave vserver vs1 without any certificate/);
  });
});
