// Bad input, with the exact message a user sees. What can be known in advance fails in
// check (and a create with the same inputs sends no request at all); what only the appliance
// knows stops before anything changes on it, naming the object and what to do.
import { expect } from "chai";
import { startEmulator } from "../../emulator";
import { createServer } from "node:net";
import { SyncProvider } from "../../provider/dynamic";
import { emptyRecordedState, type DesiredState } from "../../provider/model";
import { syncCertificates } from "../../provider/sync";
import { encryptKey, makePki, type IssuedCertificate } from "../support/certs";
import { attempt, desiredFrom, makeMaterial, pem, PASSWORD, startRig, USERNAME, type Material, type Rig } from "./support";

const DAY = 24 * 3600 * 1000;
type Inputs = Record<string, unknown>;

const nameRule = 'it must start with a letter, digit or "_" and contain only letters, digits and _ # . @ = -';
const schemaAdvice = (id: string, schema = "certsync-{{certificateId}}") => `change the id "${id}" or certificateNameSchema "${schema}"`;
const vserverAdvice = "which NetScaler names cannot hold; write the vserver name exactly as on the appliance";

describe("reliability: bad input and the messages users see", function () {
  this.timeout(20_000);
  let m: Material;
  let otherIntermediate: IssuedCertificate;
  let rig: Rig;
  let provider: SyncProvider;

  before(async () => {
    m = makeMaterial("Input");
    otherIntermediate = makePki("Other", { root: 4, intermediate: 5 }).intermediate;
    rig = await startRig();
    provider = new SyncProvider({ now: () => new Date(), env: {}, engine: rig.deps });
  });
  after(async () => rig?.close());
  beforeEach(() => rig.emu.clearRequests());

  const inputs = (certificates: Inputs, extra: Inputs = {}): Inputs => ({
    connection: { url: rig.emu.url, username: USERNAME, password: PASSWORD, caCertificate: rig.emu.caCertificatePem },
    vserverName: "vs_web",
    certificates,
    ...extra,
  });

  /** check reports exactly these failures, and create with the same inputs sends no request. */
  async function expectRefused(given: Inputs, failures: Array<[string, string | RegExp]>): Promise<void> {
    const checked = await provider.check({}, given);
    const got = (checked.failures ?? []).map((f) => [f.property, f.reason] as [string, string]);
    expect(got.map(([p]) => p)).to.deep.equal(failures.map(([p]) => p));
    failures.forEach(([, reason], i) => (typeof reason === "string" ? expect(got[i][1]).to.equal(reason) : expect(got[i][1]).to.match(reason)));
    let thrown: Error | undefined;
    try {
      await provider.create(given);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).to.equal(`invalid NetScalerCertificateSync inputs:\n${got.map(([p, r]) => `- ${p}: ${r}`).join("\n")}`);
    expect(rig.emu.requests(), "requests sent to the appliance").to.deep.equal([]);
  }

  describe("known in advance: refused by check, nothing sent", () => {
    it("a malformed PEM", async () => {
      const damaged = "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n";
      await expectRefused(inputs({ shop: { certificate: damaged, privateKey: m.shop.key.privateKeyPem } }), [
        ["certificates.shop.certificate", 'the "CERTIFICATE" PEM block #1 (line 1) is damaged: its body is not complete base64 (truncated or edited); paste the block again'],
      ]);
    });

    it("a truncated PEM", async () => {
      await expectRefused(inputs({ shop: { certificate: m.shop.certificatePem.slice(0, 200), privateKey: m.shop.key.privateKeyPem } }), [
        ["certificates.shop.certificate", 'truncated PEM: the "-----BEGIN CERTIFICATE-----" block #1 (line 1) has no "-----END CERTIFICATE-----" line; paste the whole block'],
      ]);
    });

    it("a key for another certificate", async () => {
      await expectRefused(inputs({ shop: { certificate: m.shop.certificatePem, privateKey: m.blog.key.privateKeyPem } }), [
        [
          "certificates.shop.privateKey",
          /^the private key does not match the certificate \(certificate public key fingerprint [0-9a-f]{8}…, key's [0-9a-f]{8}…\); supply the key the certificate was issued for$/,
        ],
      ]);
    });

    it("an encrypted key without passphrase", async () => {
      await expectRefused(inputs({ shop: { certificate: m.shop.certificatePem, privateKey: encryptKey(m.shop.key, "a-passphrase") } }), [
        ["certificates.shop.privateKeyPassphrase", "the private key is encrypted and no privateKeyPassphrase is set; set privateKeyPassphrase to its passphrase, or supply the key unencrypted"],
      ]);
    });

    it("a chain that does not link", async () => {
      await expectRefused(inputs({ shop: { ...pem(m.shop), chain: otherIntermediate.certificatePem } }), [
        [
          "certificates.shop.chain",
          'the chain certificate "CN=Other Intermediate CA" does not link to the leaf "CN=shop.example.com": the chain reaches "CN=shop.example.com", ' +
            'whose issuer "CN=Input Intermediate CA" is not in the chain; add the missing intermediate, or remove "CN=Other Intermediate CA" if it belongs to another PKI',
        ],
      ]);
    });

    it("a certificate not yet valid", async () => {
      const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 + 10 * DAY);
      const pending = m.pki.leaf("next.example.com", { notBefore });
      const shown = notBefore.toISOString().replace(/\.\d{3}Z$/, "Z");
      await expectRefused(inputs({ next: pem(pending) }), [
        ["certificates.next.certificate", `the certificate "CN=next.example.com" is not valid before ${shown}; deploy it once it is valid, or supply the current certificate`],
      ]);
    });

    it("duplicate ids: one certificate under two ids, and ids that differ only in case", async () => {
      await expectRefused(inputs({ shop: pem(m.shop), shop2: pem(m.shop), SHOP: pem(m.blog) }), [
        ["certificates.shop2.certificate", "is the same certificate as certificates.shop; NetScaler refuses one certificate under two certkey names: keep it under one id"],
        ["certificates.SHOP", 'the id "SHOP" differs from "shop" only in letter case, so their certkey and file names would be confused; rename one of them'],
      ]);
    });

    it("an id that would give an invalid NetScaler name", async () => {
      await expectRefused(inputs({ "-shop": pem(m.shop) }, { certificateNameSchema: "{{certificateId}}" }), [
        ["certificates.-shop", `the certkey name "-shop" contains "-": ${nameRule}; ${schemaAdvice("-shop", "{{certificateId}}")}`],
      ]);
    });

    it("an id that would give a too-long NetScaler name", async () => {
      const id = "x".repeat(60);
      await expectRefused(inputs({ [id]: pem(m.shop) }), [
        [`certificates.${id}`, `the certkey name "certsync-${id}" is 69 characters long; at most 63 are allowed; ${schemaAdvice(id)}`],
      ]);
    });

    it("a name schema without {{certificateId}}", async () => {
      await expectRefused(inputs({ shop: pem(m.shop) }, { certificateNameSchema: "web" }), [
        ["certificateNameSchema", 'the certificate name schema "web" does not contain {{certificateId}}; every certificate needs its own certkey name, e.g. "certsync-{{certificateId}}"'],
      ]);
    });

    const badIds: Array<[string, string, string]> = [
      ["a path separator", "a/b", '"/"'],
      ["a backslash", "a\\b", '"\\\\"'],
      ["a single quote", "it's", `"'"`],
      ["a double quote", 'a"b', '"\\""'],
      ["a comma (NITRO args syntax)", "a,b", '","'],
      ["a percent sign (URL encoding)", "a%2Fb", '"%"'],
    ];
    for (const [what, id, shown] of badIds) {
      it(`an id with ${what}`, async () => {
        await expectRefused(inputs({ [id]: pem(m.shop) }), [[`certificates.${id}`, `the certkey name "certsync-${id}" contains ${shown}: ${nameRule}; ${schemaAdvice(id)}`]]);
      });
    }

    it("an id with a colon (NITRO args syntax)", async () => {
      await expectRefused(inputs({ "a:b": pem(m.shop) }), [
        ["certificates.a:b", `the certkey name "certsync-a:b" contains ":": ${nameRule}; spaces and ':' are refused because they break NITRO queries; ${schemaAdvice("a:b")}`],
      ]);
    });

    const badVservers: Array<[string, string]> = [
      ["vs/web", '"/"'],
      ["vs_web,certkeyname:x", '",", ":"'],
      ["vs'web", `"'"`],
      ["vs%2Fweb", '"%"'],
    ];
    for (const [vserver, shown] of badVservers) {
      it(`a vserver name with NITRO query syntax or a separator: ${vserver}`, async () => {
        await expectRefused(inputs({ shop: pem(m.shop) }, { vserverName: vserver }), [["vserverName", `the vserver name "${vserver}" contains ${shown}, ${vserverAdvice}`]]);
      });
    }
  });

  describe("known only to the appliance: stops before anything changes", () => {
    const two = (extra: Inputs = {}): DesiredState => desiredFrom({ certificates: { shop: pem(m.shop, [m.pki.intermediate]), blog: pem(m.blog, [m.pki.intermediate]) }, ...extra });

    /** The run failed with exactly `message`, and the appliance is as it was. */
    async function expectStopped(outcome: Awaited<ReturnType<typeof attempt>>, message: string | RegExp): Promise<void> {
      expect(outcome.ok, "the run should fail").to.equal(false);
      if (outcome.ok) return;
      if (typeof message === "string") expect(outcome.error.message).to.equal(message);
      else expect(outcome.error.message).to.match(message);
      const now = rig.emu.state();
      expect(now.running).to.deep.equal(rig.baseline.running);
      expect(now.saved).to.deep.equal(rig.baseline.saved);
      expect(now.files).to.deep.equal(rig.baseline.files);
    }

    /** Only reads, login, logout (and a partition switch) reached the appliance. */
    function expectNoWriteSent(): void {
      const sent = rig.emu.requests().filter((e) => e.method !== "GET" && !/\/config\/(login|logout)\b|nspartition\?action=Switch/.test(e.path));
      expect(sent.map((e) => `${e.method} ${e.path}`)).to.deep.equal([]);
    }

    it("an unknown vserver", async () => {
      await expectStopped(
        await attempt(rig, two({ vserverName: "vs_nope" }), emptyRecordedState()),
        "cannot plan the certificate sync (1 problem):\n  - options.vservers[0]: SSL vserver vs_nope does not exist on the appliance (in the partition this sync connects to); create it first, or fix vserverName/vserverNames",
      );
      expectNoWriteSent();
    });

    it("a vserver without SNI when SNI is needed", async () => {
      await expectStopped(
        await attempt(rig, two({ vserverName: "vs_plain" }), emptyRecordedState()),
        "cannot plan the certificate sync (1 problem):\n  - options.vservers[0]: vserver vs_plain needs SNI (2 certificates of this sync are bound to it (blog, shop)) but SNI is disabled on it; " +
          'enable it with "set ssl vserver vs_plain -SNIEnable ENABLED", or bind one certificate per vserver',
      );
      expectNoWriteSent();
    });

    it("wrong credentials", async () => {
      await expectStopped(
        await attempt(rig, two(), emptyRecordedState(), { password: "not-the-password" }),
        'NITRO login "certsync" failed (HTTP 401, errorcode 354): Invalid username or password. Check the username and password of the NetScaler connection.',
      );
      expectNoWriteSent();
    });

    it("a user without write permission: the first write is refused, nothing changes", async () => {
      const outcome = await attempt(rig, two(), emptyRecordedState(), { username: "viewer", password: "viewer-pw" });
      await expectStopped(
        outcome,
        /^NITRO add systemfile "[^"]+" failed \(HTTP 403, errorcode 2138\): Not authorized to execute this command \[add system file\]\. The user lacks permission for "add system file": grant it in the user's command policy \(or use a user bound to a policy that allows it\)\.$/,
      );
    });

    it("an unknown admin partition", async () => {
      await expectStopped(
        await attempt(rig, two(), emptyRecordedState(), { partition: "p9" }),
        'NITRO switch nspartition "p9" failed (HTTP 404, errorcode 258): No such resource [partitionname, p9]. The admin partition does not exist on this appliance: check connection.partition (show ns partition lists them), or create it first.',
      );
      expectNoWriteSent();
    });

    it("an unknown admin partition: the message says what to do", async () => {
      const outcome = await attempt(rig, two(), emptyRecordedState(), { partition: "p9" });
      expect(outcome.ok ? "" : outcome.error.message).to.match(/partition.*(check|create|exist)/i);
    });

    it("an unreachable appliance", async () => {
      const port = await closedPort();
      await expectStopped(
        await attempt(rig, two(), emptyRecordedState(), { url: `https://127.0.0.1:${port}` }),
        `NITRO login "certsync" failed (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:${port}. Nothing accepts connections at that address: check the URL, the port and that the management interface (NSIP or SNIP with management access) is up.`,
      );
    });

    it("a TLS certificate that does not verify", async () => {
      await expectStopped(
        await attempt(rig, two(), emptyRecordedState(), { caCertificate: undefined }),
        /^NITRO login "certsync" failed \(DEPTH_ZERO_SELF_SIGNED_CERT\): self-signed certificate.*\. The appliance's TLS certificate could not be verified: pass the CA that issued it as caCertificate \(PEM\), check that the URL's host name matches the certificate and that it has not expired; use insecureSkipTlsVerify only in a lab\.$/,
      );
      expect(rig.emu.requests(), "no request got through the TLS handshake").to.deep.equal([]);
    });

    it("the secondary of an HA pair (1028): says to use the primary or the floating address", async () => {
      const secondary = await startEmulator({ haRole: "secondary", users: [{ username: USERNAME, password: PASSWORD }], vservers: [{ name: "vs_web", sni: true }] });
      try {
        const before = secondary.state();
        let error: Error | undefined;
        try {
          await syncCertificates({ ...rig.connection, url: secondary.url, caCertificate: secondary.caCertificatePem }, { desired: two(), recorded: emptyRecordedState(), now: new Date() }, rig.deps);
        } catch (e) {
          error = e as Error;
        }
        // One line per refused upload (the first phase), each naming its file.
        const [head, ...items] = (error?.message ?? "").split("\n");
        expect(head).to.equal(
          "5 NetScaler operation(s) failed; 0 earlier phase(s) were applied and the configuration was not saved. Fix the cause below and run again: the next run adopts what was applied.",
        );
        expect(items).to.have.length(5);
        for (const item of items) {
          expect(item).to.match(
            /^- upload \/nsconfig\/ssl\/(\S+): NITRO add systemfile "\1" failed \(HTTP 599, errorcode 1028\): Connected to the secondary node; configuration changes will not be propagated\. Send writes to the primary \[HA secondary\]\. This appliance is the secondary of an HA pair: connect to the primary, or to the floating management address \(SNIP with management access\)\.$/,
          );
        }
        const after = secondary.state();
        expect(after.running).to.deep.equal(before.running);
        expect(after.files).to.deep.equal(before.files);
      } finally {
        await secondary.close();
      }
    });
  });
});

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
