import { expect } from "chai";
import {
  closestKey,
  DEFAULT_TIMEOUT_SECONDS,
  renderIssues,
  resolveConnection,
  syncInputsSchema,
  UNKNOWN,
  type ConnectionInput,
  type SyncInputs,
} from "../../provider/inputs";
import { makePki } from "../support/certs";

describe("inputs", () => {
  describe("schema", () => {
    it("accepts the documented example and fills in defaults", () => {
      const example: SyncInputs = {
        connection: { url: "https://10.0.0.5", username: "certsync", password: "pw", insecureSkipTlsVerify: false, partition: undefined, allowHttp: false, timeoutSeconds: 30 },
        name: "web-certs",
        description: "public web tier",
        vserverName: "vs_web_ssl",
        vserverNames: ["vs_other"],
        syncTrigger: 3,
        certificates: { shop: { certificate: "pem", privateKey: "key", chain: "chain", privateKeyPassphrase: "p" }, legacy: { pfx: "AAAA", pfxPassword: "p", revoked: true } },
      };
      const parsed = syncInputsSchema.parse(example);
      expect(parsed).to.deep.include({
        removeExpiredOrRevoked: true,
        preserveOnRenewal: true,
        certificateNameSchema: "certsync-{{certificateId}}",
        autoSync: true,
        adoptExisting: false,
      });
      expect(parsed.certificates.shop.revoked).to.equal(false);
      expect(syncInputsSchema.parse({}).certificates).to.deep.equal({});
    });

    const cases: Array<[string, unknown, string, RegExp]> = [
      ["a typo at the top", { preserveOnRenewl: false }, "preserveOnRenewl", /^unknown property "preserveOnRenewl"; did you mean "preserveOnRenewal"\?$/],
      ["a typo in the connection", { connection: { usename: "x" } }, "connection.usename", /did you mean "username"\?/],
      ["a typo in a certificate", { certificates: { shop: { privatekey: "x" } } }, "certificates.shop.privatekey", /did you mean "privateKey"\?/],
      ["an unrelated property", { colour: "blue" }, "colour", /unknown property "colour"; known properties here: connection, name/],
      ["a string for a boolean", { autoSync: "yes" }, "autoSync", /^must be a boolean \(true or false\), not a string$/],
      ["a number for a string", { certificates: { shop: { certificate: 12 } } }, "certificates.shop.certificate", /^must be a string, not a number$/],
      ["an object for the trigger", { syncTrigger: { a: 1 } }, "syncTrigger", /must be a string or a number/],
      ["a negative timeout", { connection: { timeoutSeconds: -1 } }, "connection.timeoutSeconds", /must be a positive number of seconds/],
      ["a huge timeout", { connection: { timeoutSeconds: 99999 } }, "connection.timeoutSeconds", /at most 3600 seconds/],
      ["a list of certificates", { certificates: [] }, "certificates", /must be an object keyed by certificate id/],
      ["a string for vserverNames", { vserverNames: "vs" }, "vserverNames", /must be a list, not a string/],
    ];
    for (const [description, input, path, message] of cases) {
      it(`renders ${description} readably`, () => {
        const result = syncInputsSchema.safeParse(input);
        expect(result.success).to.equal(false);
        if (result.success) return;
        const problems = renderIssues(result.error.issues);
        const found = problems.find((p) => p.path === path);
        expect(found, JSON.stringify(problems)).to.not.equal(undefined);
        expect(found?.message).to.match(message);
      });
    }

    it("suggests only close names", () => {
      expect(closestKey("vservername", ["vserverName", "vserverNames"])).to.equal("vserverName");
      expect(closestKey("zzz", ["vserverName"])).to.equal(undefined);
    });
  });

  describe("connection resolution", () => {
    const full: ConnectionInput = { url: "https://ns.example", username: "u", password: "p" };
    const cases: Array<[string, ConnectionInput | undefined, Record<string, string>, Record<string, string>, Partial<Record<"url" | "username" | "password", string>>]> = [
      ["inputs first", full, { "netscaler:url": "https://config" }, { NS_URL: "https://env" }, { url: "https://ns.example", username: "u", password: "p" }],
      ["then stack config", undefined, { "netscaler:url": "https://config", "netscaler:username": "cu", "netscaler:password": "cp" }, { NS_URL: "https://env", NS_LOGIN: "eu", NS_PASSWORD: "ep" }, { url: "https://config", username: "cu", password: "cp" }],
      ["then the environment", { url: "" }, {}, { NS_URL: "https://env", NS_LOGIN: "eu", NS_PASSWORD: "ep" }, { url: "https://env", username: "eu", password: "ep" }],
      ["field by field", { password: "ip" }, { "netscaler:username": "cu" }, { NS_URL: "https://env" }, { url: "https://env", username: "cu", password: "ip" }],
    ];
    for (const [description, connection, config, env, expected] of cases) {
      it(`takes ${description}`, () => {
        const result = resolveConnection(connection, config, env);
        expect(result.ok).to.equal(true);
        if (result.ok) expect(result.settings).to.deep.include({ ...expected, insecureSkipTlsVerify: false, allowHttp: false, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS });
      });
    }

    it("requires url, username and password after resolution, saying where they can come from", () => {
      const result = resolveConnection(undefined, {}, {});
      expect(result.ok ? [] : result.problems).to.deep.equal([
        { path: "connection.url", message: "is not set; set connection.url, the stack config netscaler:url, or the environment variable NS_URL" },
        { path: "connection.username", message: "is not set; set connection.username, the stack config netscaler:username, or the environment variable NS_LOGIN" },
        { path: "connection.password", message: "is not set; set connection.password, the stack config netscaler:password, or the environment variable NS_PASSWORD" },
      ]);
    });

    it("takes unknown values as given during preview", () => {
      const result = resolveConnection({ url: UNKNOWN, username: "u", password: UNKNOWN }, {}, {});
      expect(result.ok && result.settings.url).to.equal(UNKNOWN);
    });

    let caPem = "";
    before(() => {
      caPem = makePki().root.certificatePem;
    });
    const bad: Array<[string, () => ConnectionInput, string, RegExp]> = [
      ["plain http", () => ({ url: "http://10.0.0.5" }), "connection.url", /is plain HTTP: .* use https:\/\/, or set connection.allowHttp: true/],
      ["a non-http scheme", () => ({ url: "ftp://10.0.0.5" }), "connection.url", /is not an http\(s\) URL \(scheme ftp:\)/],
      ["no URL at all", () => ({ url: "10.0.0.5" }), "connection.url", /"10.0.0.5" is not a URL; write it as https:\/\//],
      ["credentials in the URL", () => ({ url: "https://admin:hunter2@10.0.0.5" }), "connection.url", /"https:\/\/\*\*\*@10.0.0.5" carries credentials/],
      ["a bad proxy", () => ({ proxyUrl: "socks5://proxy:1080" }), "connection.proxyUrl", /not an http\(s\) URL/],
      ["CA plus skip-verify", () => ({ caCertificate: caPem, insecureSkipTlsVerify: true }), "connection.insecureSkipTlsVerify", /contradicts connection.caCertificate/],
      ["a CA that is no certificate", () => ({ caCertificate: "nope" }), "connection.caCertificate", /not a PEM certificate/],
      ["a partition with a space", () => ({ partition: "my part" }), "connection.partition", /is not a partition name/],
      ["a partition with a slash", () => ({ partition: "p/1" }), "connection.partition", /must start with a letter or "_"/],
    ];
    for (const [description, connection, path, message] of bad) {
      it(`refuses ${description}`, () => {
        const result = resolveConnection({ url: "https://ns", username: "u", password: "p", ...connection() }, {}, {});
        const problems = result.ok ? [] : result.problems;
        expect(problems.map((p) => p.path)).to.deep.equal([path]);
        expect(problems[0].message).to.match(message);
        expect(problems[0].message).not.to.contain("hunter2");
      });
    }

    it("allows http with allowHttp and keeps the optional settings", () => {
      const result = resolveConnection({ url: "http://127.0.0.1:8080", username: "u", password: "p", allowHttp: true, partition: "p_1", proxyUrl: "http://proxy:3128", caCertificate: caPem, timeoutSeconds: 5 }, {}, {});
      expect(result.ok).to.equal(true);
      if (result.ok) expect(result.settings).to.deep.include({ allowHttp: true, partition: "p_1", proxyUrl: "http://proxy:3128", timeoutSeconds: 5, caCertificate: caPem });
    });
  });
});
