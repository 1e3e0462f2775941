import { expect } from "chai";
import { UNKNOWN } from "../../provider/inputs";
import type { PlanProblem } from "../../provider/model";
import { validateInputs, type ValidationContext, type ValidationResult } from "../../provider/validate";
import { encryptKey, makePki, pooledKey, toPfxBase64, type IssuedCertificate, type TestPki } from "../support/certs";

const DAY = 24 * 3600 * 1000;
const NOW = new Date(Date.now());
const PASSWORD = "Pa55-w0rd-never-shown";
const PASSPHRASE = "key-passphrase-never-shown";
const PFX_PASSWORD = "pfx-password-never-shown";

type Inputs = Record<string, unknown>;
type Certificates = Record<string, Record<string, unknown>>;

interface Fixtures {
  pki: TestPki;
  other: TestPki;
  shop: IssuedCertificate;
  blog: IssuedCertificate;
  expired: IssuedCertificate;
  future: IssuedCertificate;
  shopKeyEncrypted: string;
  shopPfx: string;
}

let f: Fixtures;

function base(): Inputs {
  return {
    connection: { url: "https://10.0.0.5", username: "certsync", password: PASSWORD },
    name: "web-certs",
    vserverName: "vs_web_ssl",
    certificates: {
      shop: { certificate: f.shop.certificatePem, privateKey: f.shopKeyEncrypted, privateKeyPassphrase: PASSPHRASE, chain: f.pki.root.certificatePem + f.pki.intermediate.certificatePem },
      blog: { certificate: f.blog.certificatePem, privateKey: f.blog.key.privateKeyPem },
    },
  };
}

const certs = (inputs: Inputs): Certificates => inputs.certificates as Certificates;
const connection = (inputs: Inputs): Record<string, unknown> => inputs.connection as Record<string, unknown>;

function check(inputs: unknown, context: Partial<ValidationContext> = {}): ValidationResult {
  return validateInputs(inputs, { now: NOW, resourceName: "web", ...context });
}

function problemsOf(result: ValidationResult): PlanProblem[] {
  return result.ok ? [] : result.problems;
}

// [description, input mutation, expected path, expected message]
const BAD: Array<[string, (i: Inputs) => void, string, RegExp]> = [
  ["a typo in a property name", (i) => (i.preserveOnRenewl = false), "preserveOnRenewl", /unknown property "preserveOnRenewl"; did you mean "preserveOnRenewal"\?/],
  ["a string for a boolean", (i) => (i.autoSync = "yes"), "autoSync", /must be a boolean/],
  ["a sync name that is not a slug", (i) => (i.name = "Web_Certs"), "name", /"Web_Certs" is not a valid sync name: use lower-case letters, digits and '-', at most 63 characters, e.g. "web-certs"/],
  ["a 64-character sync name", (i) => (i.name = "a".repeat(64)), "name", /not a valid sync name/],
  ["a name schema without the id", (i) => (i.certificateNameSchema = "web-certs"), "certificateNameSchema", /does not contain \{\{certificateId\}\}/],
  ["a name schema with a slash", (i) => (i.certificateNameSchema = "web/{{certificateId}}"), "certificates.shop", /contains "\/".*change the id "shop" or certificateNameSchema/],
  ["an id too long for a certkey name", (i) => (certs(i)["x".repeat(60)] = certs(i).blog), `certificates.${"x".repeat(60)}`, /69 characters long; at most 63/],
  [
    "an id that leaves no room for renewal suffixes",
    (i) => {
      i.preserveOnRenewal = false;
      certs(i)["y".repeat(50)] = certs(i).blog;
      delete certs(i).blog;
    },
    `certificates.${"y".repeat(50)}`,
    /at most 54 are allowed \(63 minus 9 kept for the suffix of renewed certkeys\)/,
  ],
  ["a vserver name with a slash", (i) => (i.vserverName = "vs/web"), "vserverName", /contains "\/", which NetScaler names cannot hold/],
  ["a vserver name with a comma", (i) => (i.vserverNames = ["vs_ok", "vs,x"]), "vserverNames.1", /contains ","/],
  ["a vserver name with a quote", (i) => (i.vserverNames = ['vs"x']), "vserverNames.0", /contains "\\""/],
  ["a vserver name with a colon and percent", (i) => (i.vserverName = "vs:a%"), "vserverName", /contains ":", "%"/],
  ["ids that differ only in case", (i) => (certs(i).Shop = { certificate: f.future.certificatePem, privateKey: f.future.key.privateKeyPem }), "certificates.Shop", /differs from "shop" only in letter case/],
  ["one certificate under two ids", (i) => (certs(i).blog2 = certs(i).blog), "certificates.blog2.certificate", /same certificate as certificates.blog; NetScaler refuses one certificate under two certkey names/],
  ["an http URL", (i) => (connection(i).url = "http://10.0.0.5"), "connection.url", /plain HTTP.*set connection.allowHttp: true/],
  ["a URL that is not http(s)", (i) => (connection(i).url = "ldap://10.0.0.5"), "connection.url", /not an http\(s\) URL/],
  ["skip-verify with a CA", (i) => Object.assign(connection(i), { insecureSkipTlsVerify: true, caCertificate: f.pki.root.certificatePem }), "connection.insecureSkipTlsVerify", /contradicts connection.caCertificate/],
  ["a bad partition name", (i) => (connection(i).partition = "p 1"), "connection.partition", /not a partition name/],
  ["no password anywhere", (i) => delete connection(i).password, "connection.password", /is not set; set connection.password, the stack config netscaler:password, or the environment variable NS_PASSWORD/],
  ["a certificate that is not PEM", (i) => (certs(i).shop.certificate = "garbage text"), "certificates.shop.certificate", /not a PEM certificate/],
  ["a truncated certificate", (i) => (certs(i).shop.certificate = f.shop.certificatePem.slice(0, 300)), "certificates.shop.certificate", /truncated PEM/],
  ["a missing certificate", (i) => delete certs(i).shop.certificate, "certificates.shop.certificate", /is required/],
  ["a wrong key passphrase", (i) => (certs(i).shop.privateKeyPassphrase = "wrong"), "certificates.shop.privateKeyPassphrase", /does not decrypt/],
  ["a missing key passphrase", (i) => delete certs(i).shop.privateKeyPassphrase, "certificates.shop.privateKeyPassphrase", /is encrypted and no privateKeyPassphrase/],
  ["another certificate's key", (i) => (certs(i).shop.privateKey = f.blog.key.privateKeyPem), "certificates.shop.privateKey", /does not match the certificate/],
  ["a chain from another PKI", (i) => (certs(i).shop.chain = f.other.intermediate.certificatePem), "certificates.shop.chain", /"CN=Other Intermediate CA" does not link to the leaf/],
  ["an expired certificate", (i) => (certs(i).old = { certificate: f.expired.certificatePem, privateKey: f.expired.key.privateKeyPem }), "certificates.old.certificate", /expired on .*; supply its renewal/],
  ["a certificate not yet valid", (i) => (certs(i).next = { certificate: f.future.certificatePem, privateKey: f.future.key.privateKeyPem }), "certificates.next.certificate", /is not valid before /],
  ["a wrong PFX password", (i) => (certs(i).shop = { pfx: f.shopPfx, pfxPassword: "wrong" }), "certificates.shop.pfxPassword", /does not open the PFX bundle/],
  ["a PFX with a certificate too", (i) => (certs(i).shop = { pfx: f.shopPfx, pfxPassword: PFX_PASSWORD, certificate: f.shop.certificatePem }), "certificates.shop.pfx", /either pfx or certificate/],
];

describe("validateInputs", () => {
  before(() => {
    const pki = makePki("Test");
    const shop = pki.leaf("shop.example.com", { key: pooledKey(3) });
    f = {
      pki,
      other: makePki("Other", { root: 4, intermediate: 5 }),
      shop,
      blog: pki.leaf("blog.example.com", { key: pooledKey(4) }),
      expired: pki.leaf("old.example.com", { notBefore: new Date(NOW.getTime() - 100 * DAY), notAfter: new Date(NOW.getTime() - 10 * DAY) }),
      future: pki.leaf("next.example.com", { notBefore: new Date(NOW.getTime() + 10 * DAY) }),
      shopKeyEncrypted: encryptKey(shop.key, PASSPHRASE),
      shopPfx: toPfxBase64(shop, [pki.intermediate], PFX_PASSWORD),
    };
  });

  it("turns valid inputs into the desired state and settings", () => {
    const result = check({ ...base(), description: "public web tier", syncTrigger: 7, autoSync: false });
    expect(problemsOf(result)).to.deep.equal([]);
    if (!result.ok) return;
    expect(result.unknowns).to.deep.equal([]);
    expect(result.desired.options).to.deep.equal({ removeExpiredOrRevoked: true, preserveOnRenewal: true, vservers: ["vs_web_ssl"], sni: "auto", adoptExisting: false });
    const shop = result.desired.certificates.shop;
    expect(shop).to.include({ id: "shop", certkeyName: "certsync-shop", keyPem: f.shopKeyEncrypted.replace(/\r\n/g, "\n"), keyPassphrase: PASSPHRASE, revoked: false });
    expect(shop.leaf.commonName).to.equal("shop.example.com");
    expect(shop.chain.map((c) => c.subject)).to.deep.equal(["CN=Test Intermediate CA"]);
    expect(result.desired.certificates.blog.keyPassphrase).to.equal(undefined);
    expect(result.settings).to.deep.equal({
      connection: { url: "https://10.0.0.5", username: "certsync", password: PASSWORD, insecureSkipTlsVerify: false, allowHttp: false, timeoutSeconds: 60 },
      name: "web-certs",
      description: "public web tier",
      autoSync: false,
      syncTrigger: 7,
      certificateNameSchema: "certsync-{{certificateId}}",
    });
  });

  it("reads certificates from a PFX bundle", () => {
    const inputs = base();
    certs(inputs).shop = { pfx: f.shopPfx, pfxPassword: PFX_PASSWORD };
    const result = check(inputs);
    expect(problemsOf(result)).to.deep.equal([]);
    expect(result.ok && result.desired.certificates.shop.leaf.commonName).to.equal("shop.example.com");
  });

  describe("options", () => {
    const sni: Array<[boolean | undefined, string]> = [
      [undefined, "auto"],
      [true, "always"],
      [false, "never"],
    ];
    for (const [given, expected] of sni) {
      it(`maps sniCertificates ${given} to "${expected}"`, () => {
        const result = check({ ...base(), sniCertificates: given });
        expect(result.ok && result.desired.options.sni).to.equal(expected);
      });
    }
    it("merges vserverName and vserverNames without duplicates", () => {
      const result = check({ ...base(), vserverNames: ["vs_b", "vs_web_ssl", "vs_b"], removeExpiredOrRevoked: false, preserveOnRenewal: false, adoptExisting: true });
      expect(result.ok && result.desired.options).to.deep.equal({ removeExpiredOrRevoked: false, preserveOnRenewal: false, vservers: ["vs_web_ssl", "vs_b"], sni: "auto", adoptExisting: true });
    });
    it("uploads only when no vserver is named", () => {
      const inputs = base();
      delete inputs.vserverName;
      expect(check(inputs).ok && (check(inputs) as { desired: { options: { vservers: string[] } } }).desired.options.vservers).to.deep.equal([]);
    });
    it("expands a custom name schema", () => {
      const result = check({ ...base(), certificateNameSchema: "web-{{certificateId}}" });
      expect(result.ok && result.desired.certificates.blog.certkeyName).to.equal("web-blog");
    });
  });

  describe("names", () => {
    it("defaults the sync name to the resource name", () => {
      const inputs = base();
      delete inputs.name;
      const result = check(inputs, { resourceName: "edge-certs" });
      expect(result.ok && result.settings.name).to.equal("edge-certs");
    });
    it("asks for an explicit name when the resource name is not a slug", () => {
      const inputs = base();
      delete inputs.name;
      const problems = problemsOf(check(inputs, { resourceName: "Edge Certs" }));
      expect(problems).to.deep.equal([
        { path: "name", message: `is not set, and the resource name "Edge Certs" is not a valid sync name (lower-case letters, digits and '-', at most 63 characters); set name explicitly, e.g. "edge-certs"` },
      ]);
    });
  });

  describe("connection from config and environment", () => {
    it("fills url, username and password from stack config and environment", () => {
      const inputs = base();
      delete inputs.connection;
      const result = check(inputs, { config: { "netscaler:url": "https://cfg.example", "netscaler:username": "cfg-user" }, env: { NS_PASSWORD: "env-pw", NS_URL: "https://env.example" } });
      expect(result.ok && result.settings.connection).to.deep.include({ url: "https://cfg.example", username: "cfg-user", password: "env-pw" });
    });
  });

  describe("problems", () => {
    for (const [description, mutate, path, message] of BAD) {
      it(`reports ${description} at ${path.length > 40 ? path.slice(0, 40) + "…" : path}`, () => {
        const inputs = base();
        mutate(inputs);
        const problems = problemsOf(check(inputs));
        const found = problems.filter((p) => p.path === path);
        expect(found, JSON.stringify(problems.map((p) => p.path))).to.have.length.greaterThan(0);
        expect(found.map((p) => p.message).join("\n")).to.match(message);
      });
    }

    it("collects every problem at once", () => {
      const inputs = base();
      for (const index of [0, 2, 4, 8, 14, 22, 25]) BAD[index][1](inputs);
      const paths = problemsOf(check(inputs)).map((p) => p.path);
      expect(paths).to.include.members(["preserveOnRenewl", "name", "certificateNameSchema", "vserverName", "connection.url", "certificates.shop.privateKeyPassphrase", "certificates.shop.chain"]);
    });

    it("still checks certificates when other properties have the wrong type", () => {
      const inputs = { ...base(), autoSync: "yes", vserverNames: "x" };
      certs(inputs).blog.privateKey = f.shop.key.privateKeyPem;
      const paths = problemsOf(check(inputs)).map((p) => p.path);
      expect(paths).to.include.members(["autoSync", "vserverNames", "certificates.blog.privateKey"]);
    });

    it("never shows passwords, passphrases or key material", () => {
      const secrets = [PASSWORD, PASSPHRASE, PFX_PASSWORD, "wrong"];
      const keyBodies = [f.shop.key, f.blog.key, f.expired.key].map((k) => k.privateKeyPem.split(/\r?\n/)[1].slice(0, 24));
      keyBodies.push(f.shopKeyEncrypted.split(/\r?\n/)[1].slice(0, 24), f.shopPfx.slice(0, 24));
      let total = 0;
      for (const [, mutate] of BAD) {
        const inputs = base();
        mutate(inputs);
        for (const problem of problemsOf(check(inputs))) {
          total++;
          for (const secret of [...secrets, ...keyBodies]) expect(problem.message, problem.path).not.to.contain(secret);
        }
      }
      expect(total).to.be.greaterThan(BAD.length - 1);
    });
  });

  describe("expiry of certificates already deployed", () => {
    const withExpired = (revoked = false): Inputs => {
      const inputs = base();
      certs(inputs).old = { certificate: f.expired.certificatePem, privateKey: f.expired.key.privateKeyPem, revoked };
      return inputs;
    };
    it("lets the plan handle an expired certificate whose fingerprint is accepted", () => {
      const first = check(withExpired());
      expect(first.ok).to.equal(false);
      const fingerprint = (check(withExpired(true)) as { desired: { certificates: Record<string, { leaf: { fingerprint: string } }> } }).desired.certificates.old.leaf.fingerprint;
      const result = check(withExpired(), { acceptExpiredFingerprints: new Set([fingerprint]) });
      expect(problemsOf(result)).to.deep.equal([]);
    });
    it("accepts an expired certificate marked revoked (it is being removed)", () => {
      expect(problemsOf(check(withExpired(true)))).to.deep.equal([]);
    });
  });

  describe("unknown values during preview", () => {
    it("skips certificates whose material is unknown and reports the paths", () => {
      const inputs = base();
      certs(inputs).shop.certificate = UNKNOWN;
      connection(inputs).password = UNKNOWN;
      inputs.autoSync = UNKNOWN;
      inputs.vserverNames = ["vs_b", UNKNOWN];
      const result = check(inputs);
      expect(problemsOf(result)).to.deep.equal([]);
      if (!result.ok) return;
      expect(result.unknowns).to.have.members(["certificates.shop.certificate", "connection.password", "autoSync", "vserverNames.1"]);
      expect(Object.keys(result.desired.certificates)).to.deep.equal(["blog"]);
      expect(result.settings.connection.password).to.equal(UNKNOWN);
      expect(result.settings.autoSync).to.equal(true);
      expect(result.desired.options.vservers).to.deep.equal(["vs_web_ssl", "vs_b"]);
    });
    it("accepts a whole unknown certificates map or connection", () => {
      const result = check({ ...base(), certificates: UNKNOWN, connection: UNKNOWN }, { env: { NS_URL: "https://ns", NS_LOGIN: "u", NS_PASSWORD: "p" } });
      expect(problemsOf(result)).to.deep.equal([]);
      expect(result.ok && result.unknowns).to.have.members(["certificates", "connection"]);
    });
    it("still reports problems in known values", () => {
      const inputs = base();
      certs(inputs).shop.privateKey = UNKNOWN;
      certs(inputs).blog.certificate = "garbage";
      expect(problemsOf(check(inputs)).map((p) => p.path)).to.deep.equal(["certificates.blog.certificate"]);
    });
  });

  it("ignores the engine's __provider property and refuses non-objects", () => {
    expect(check({ ...base(), __provider: "serialized" }).ok).to.equal(true);
    expect(problemsOf(check("nope"))[0].message).to.match(/must be an object/);
  });
});
