// Secrets: the appliance password, private keys and key passphrases never appear in outputs,
// logs, error messages, the serialized provider, or the request log and error bodies, across
// a full run with successes and failures. And TLS is verified unless explicitly disabled,
// plain HTTP is refused unless explicitly allowed, and a custom CA bundle works.
import { expect } from "chai";
import { startEmulator } from "../../emulator";
import axios, { type AxiosAdapter } from "axios";
import * as pulumi from "@pulumi/pulumi";
import { NetScalerCertificateSync, type NetScalerCertificateSyncArgs } from "../../provider";
import { emptyRecordedState } from "../../provider/model";
import { syncCertificates } from "../../provider/sync";
import { capture, type CaptureResult, type DeploymentResult, type JsonObject } from "../harness";
import { encryptKey, makePki, pooledKey, type IssuedCertificate } from "../support/certs";
import { PASSWORD as STAGE_PASSWORD, PROJECT, STACK, startStage, USERNAME as STAGE_USERNAME, type Stage } from "../provider/support";
import { attempt, desiredFrom, makeMaterial, PASSWORD, pem, startRig, USERNAME, type Material, type Rig } from "./support";

const PASSPHRASE = "Key-Phrase-3f81aa-never-log";
const WRONG_PASSWORD = "Wrong-Pa55-51be0d-never-log";

/** Strings that must never show: the secret itself, and the forms it travels in. */
function needles(secrets: { passwords: string[]; passphrases: string[]; keys: string[] }): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const p of [...secrets.passwords, ...secrets.passphrases]) found.push([p, p], [`${p} (base64)`, Buffer.from(p).toString("base64")]);
  for (const key of secrets.keys) {
    const lines = key.split(/\r?\n/).filter((l) => l && !l.startsWith("-----") && !l.includes(":"));
    // Every full line of the key body past the public modulus (which certificates carry too),
    // and a stretch of the whole PEM as uploaded (base64).
    lines.slice(7).filter((l) => l.length >= 40).forEach((l, i) => found.push([`key body line ${i + 8}`, l]));
    found.push([`key file content`, Buffer.from(key).toString("base64").slice(200, 280)]);
  }
  return found;
}

function expectClean(artefacts: Record<string, string>, secrets: Array<[string, string]>): void {
  const leaks: string[] = [];
  for (const [where, text] of Object.entries(artefacts)) {
    for (const [what, needle] of secrets) if (text.includes(needle)) leaks.push(`${what} in ${where}`);
    // Session ids (##<hex>) and cookies carrying them.
    if (/##[0-9a-f]{16,}/i.test(text)) leaks.push(`a session id in ${where}`);
    if (/(NITRO_AUTH_TOKEN|sessionid)=(?!\[REDACTED\])[^;\s"]+/.test(text)) leaks.push(`a session cookie in ${where}`);
  }
  expect(leaks).to.deep.equal([]);
}

/** A copy of `value` without the given dotted paths. */
function withoutPaths(value: JsonObject, paths: string[]): JsonObject {
  const copy = structuredClone(value);
  for (const path of paths) {
    const parts = path.split(".");
    let node: unknown = copy;
    for (const part of parts.slice(0, -1)) node = node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
    if (node && typeof node === "object") delete (node as Record<string, unknown>)[parts[parts.length - 1]];
  }
  return copy;
}

describe("reliability: the secret scan itself", () => {
  it("finds a planted password, passphrase, key line, uploaded key content and session cookie", () => {
    const key = makePki("Scan", { root: 6, intermediate: 7 }).root.key.privateKeyPem;
    const secrets = needles({ passwords: ["pw-123456"], passphrases: ["phrase-123456"], keys: [key] });
    const planted = [`x pw-123456 x`, `"phrase-123456"`, key.split("\n")[10], JSON.stringify({ filecontent: Buffer.from(key).toString("base64") }), "Cookie: NITRO_AUTH_TOKEN=##0123456789ABCDEF0123"];
    for (const text of planted) expect(() => expectClean({ planted: text }, secrets), text.slice(0, 40)).to.throw();
    expect(() => expectClean({ clean: "NITRO_AUTH_TOKEN=[REDACTED]; nothing else" }, secrets)).not.to.throw();
  });
});

describe("reliability: secrets never leak, across a full harness run", function () {
  this.timeout(60_000);
  let stage: Stage;
  let shop: IssuedCertificate;
  let shopRenewed: IssuedCertificate;
  let blog: IssuedCertificate;
  let intermediate: IssuedCertificate;
  const results: DeploymentResult[] = [];
  const captures: CaptureResult[] = [];
  const statesSeen: NonNullable<ReturnType<Stage["engine"]["stateOf"]>>[] = [];

  before(async () => {
    stage = await startStage();
    const pki = makePki("Secret");
    intermediate = pki.intermediate;
    shop = pki.leaf("shop.example.com", { key: pooledKey(3) });
    shopRenewed = pki.leaf("shop.example.com", { key: pooledKey(5) });
    blog = pki.leaf("blog.example.com", { key: pooledKey(4) });
  });
  after(async () => stage?.close());

  /** Like support.ts's syncProgram, with the password and passphrase as stack secrets. */
  async function program(certificates: NetScalerCertificateSyncArgs["certificates"], password = STAGE_PASSWORD): Promise<CaptureResult> {
    const captured = await capture(
      () => {
        const config = new pulumi.Config();
        new NetScalerCertificateSync("web", {
          connection: { url: stage.emulator.url, username: STAGE_USERNAME, password: config.requireSecret("nsPassword"), caCertificate: stage.emulator.caCertificatePem },
          vserverName: "vs_web",
          certificates,
        });
      },
      { project: PROJECT, stack: STACK, config: { nsPassword: { secret: password } } },
    );
    captures.push(captured);
    return captured;
  }

  const encrypted = (cert: IssuedCertificate) => ({
    certificate: cert.certificatePem,
    privateKey: pulumi.secret(encryptKey(cert.key, PASSPHRASE)),
    privateKeyPassphrase: pulumi.secret(PASSPHRASE),
    chain: intermediate.certificatePem,
  });
  const plain = (cert: IssuedCertificate) => ({ certificate: cert.certificatePem, privateKey: pulumi.secret(cert.key.privateKeyPem), chain: intermediate.certificatePem });

  it("runs up, a failed renewal, a refused check, a failed login, the renewal, refresh and destroy", async () => {
    const step = async (result: Promise<DeploymentResult>) => {
      const r = await result;
      results.push(r);
      return r;
    };
    expect((await step(stage.engine.up(await program({ shop: encrypted(shop), blog: plain(blog) })))).ok).to.equal(true);

    stage.emulator.faults.failNext({ method: "POST", pathIncludes: "sslcertkey?action=update", count: 1, status: 599, errorcode: 1537, message: "Invalid private key, or PEM pass phrase required" });
    const failed = await step(stage.engine.up(await program({ shop: encrypted(shopRenewed), blog: plain(blog) })));
    expect(failed.ok).to.equal(false);
    expect(failed.steps[0].error).to.match(/update certkey certsync-shop.*errorcode 1537/s);
    stage.emulator.faults.clear();

    const refused = await step(stage.engine.up(await program({ shop: { ...encrypted(shopRenewed), privateKeyPassphrase: pulumi.secret(`${PASSPHRASE}-wrong`) }, blog: plain(blog) })));
    expect(refused.ok).to.equal(false);
    expect(refused.steps[0].checkFailures?.map((f) => f.property)).to.deep.equal(["certificates.shop.privateKeyPassphrase"]);

    const denied = await step(stage.engine.up(await program({ shop: encrypted(shopRenewed), blog: plain(blog) }, WRONG_PASSWORD)));
    expect(denied.ok).to.equal(false);
    expect(denied.steps[0].error).to.match(/login "certsync" failed \(HTTP 401, errorcode 354\)/);

    const renewed = await step(stage.engine.up(await program({ shop: encrypted(shopRenewed), blog: plain(blog) })));
    expect(renewed.ok, JSON.stringify(renewed.steps)).to.equal(true);
    expect((await step(stage.engine.refresh())).ok).to.equal(true);
    const state = stage.engine.stateOf("web");
    expect(state?.secretOutputs).to.include("appliancePassword");
    expect((await step(stage.engine.destroy())).ok).to.equal(true);
    // The state as it was before destroy is what the scan below looks at.
    if (state) statesSeen.push(state);
  });

  it("finds no secret in any artefact of that run", () => {
    expect(results.length, "the run above happened").to.equal(7);
    const artefacts: Record<string, string> = {
      "host logs": stage.host.logs,
      "emulator request log": JSON.stringify(stage.emulator.requests()),
      "step errors and check failures": JSON.stringify(results.flatMap((r) => r.steps.map((s) => ({ error: s.error, checkFailures: s.checkFailures, diff: s.diff })))),
    };
    captures.forEach((c, i) => {
      artefacts[`serialized provider #${i}`] = c.resources[0].provider;
    });
    statesSeen.forEach((s, i) => {
      const secretPaths = captures[captures.length - 1].resources[0].secretInputs;
      const outputs = Object.fromEntries(Object.entries(s.outputs).filter(([key]) => !s.secretOutputs.includes(key)));
      artefacts[`engine state #${i}`] = JSON.stringify({ ...s, inputs: withoutPaths(s.inputs, secretPaths), outputs });
    });
    expect(captures[0].resources[0].secretInputs).to.include.members(["connection.password", "certificates.shop.privateKey", "certificates.shop.privateKeyPassphrase", "certificates.blog.privateKey"]);
    expectClean(
      artefacts,
      needles({
        passwords: [STAGE_PASSWORD, WRONG_PASSWORD],
        passphrases: [PASSPHRASE],
        keys: [shop, shopRenewed, blog].flatMap((c) => [c.key.privateKeyPem, encryptKey(c.key, PASSPHRASE)]),
      }),
    );
  });
});

describe("reliability: secrets at the engine level (logs, errors, error bodies, recorded state)", function () {
  this.timeout(20_000);
  let m: Material;
  let rig: Rig;
  const bodies: Array<{ status: number; body: string }> = [];

  before(async () => {
    m = makeMaterial("Engine-Secret");
    rig = await startRig();
    // Record every answer the client gets, to scan the error bodies.
    const http = axios.getAdapter("http");
    const recording: AxiosAdapter = async (config) => {
      const response = await http(config);
      bodies.push({ status: response.status, body: typeof response.data === "string" ? response.data : JSON.stringify(response.data) });
      return response;
    };
    rig.deps.nitro = { ...rig.deps.nitro, adapter: recording };
  });
  after(async () => rig?.close());

  it("keeps password, keys and passphrase out of logs, errors, error bodies and the record", async () => {
    const encryptedKey = encryptKey(m.shop.key, PASSPHRASE);
    const desired = desiredFrom({
      certificates: {
        shop: { certificate: m.shop.certificatePem, privateKey: encryptedKey, privateKeyPassphrase: PASSPHRASE, chain: m.pki.intermediate.certificatePem },
        blog: pem(m.blog, [m.pki.intermediate]),
      },
    });
    const errors: Error[] = [];
    const collect = async (run: ReturnType<typeof attempt>) => {
      const outcome = await run;
      if (!outcome.ok) errors.push(outcome.error);
      return outcome;
    };
    // The appliance refuses the passphrase (as it would a wrong one), a certkey add answers 500, a
    // wrong password, a dropped upload: then a clean run.
    const wrongPhrase = structuredClone(desired);
    wrongPhrase.certificates.shop.keyPassphrase = `${PASSPHRASE}-typo`;
    expect((await collect(attempt(rig, wrongPhrase, emptyRecordedState()))).ok).to.equal(false);
    rig.emu.faults.failNext({ method: "POST", pathIncludes: "/config/systemfile", count: 6, status: 599, errorcode: 2, message: "Disk busy" });
    expect((await collect(attempt(rig, desired, emptyRecordedState()))).ok).to.equal(false);
    rig.emu.faults.clear();
    rig.emu.faults.failNext({ method: "POST", pathIncludes: "/config/sslcertkey", count: 2, status: 500, errorcode: 1, message: "Internal error" });
    expect((await collect(attempt(rig, desired, emptyRecordedState()))).ok).to.equal(false);
    expect((await collect(attempt(rig, desired, emptyRecordedState(), { password: WRONG_PASSWORD }))).ok).to.equal(false);
    rig.emu.faults.dropNext({ method: "POST", pathIncludes: "/config/systemfile", count: 1, when: "after" });
    const done = await collect(attempt(rig, desired, emptyRecordedState()));
    expect(done.ok, done.ok ? "" : done.error.message).to.equal(true);
    expect(errors.map((e) => e.message).join("\n")).to.match(/errorcode 1537/).and.to.match(/errorcode 354/).and.to.match(/Internal error/).and.to.match(/upload \/nsconfig\/ssl\/certsync-shop-\w+\.key: .*Disk busy/);
    expect(bodies.filter((b) => b.status >= 300).length).to.be.greaterThan(2);

    expectClean(
      {
        logs: rig.logs.join("\n"),
        "error messages": errors.map((e) => `${e.message}\n${e.stack ?? ""}`).join("\n"),
        "errors as JSON": JSON.stringify(errors.map((e) => ({ ...e, json: (e as { toJSON?: () => unknown }).toJSON?.() }))),
        "error bodies": JSON.stringify(bodies.filter((b) => b.status >= 300)),
        "emulator request log": JSON.stringify(rig.emu.requests()),
        "recorded state": done.ok ? JSON.stringify(done.result) : "",
      },
      needles({ passwords: [PASSWORD, WRONG_PASSWORD], passphrases: [PASSPHRASE], keys: [m.shop.key.privateKeyPem, encryptedKey, m.blog.key.privateKeyPem] }),
    );
  });
});

describe("reliability: transport security", function () {
  this.timeout(20_000);
  let m: Material;
  before(() => {
    m = makeMaterial("Transport");
  });
  const desired = () => desiredFrom({ certificates: { shop: pem(m.shop, [m.pki.intermediate]) } });

  it("verifies TLS unless explicitly disabled; disabling it works and warns", async () => {
    const rig = await startRig();
    try {
      const refused = await attempt(rig, desired(), emptyRecordedState(), { caCertificate: undefined });
      expect(refused.ok ? "" : refused.error.message).to.match(/DEPTH_ZERO_SELF_SIGNED_CERT.*could not be verified: pass the CA that issued it as caCertificate/s);
      expect(rig.emu.requests()).to.deep.equal([]);
      const skipped = await attempt(rig, desired(), emptyRecordedState(), { caCertificate: undefined, insecureSkipTlsVerify: true });
      expect(skipped.ok, skipped.ok ? "" : skipped.error.message).to.equal(true);
      expect(rig.logs.some((l) => /^warn: NITRO: TLS certificate verification is DISABLED/.test(l))).to.equal(true);
    } finally {
      await rig.close();
    }
  });

  it("trusts a custom CA bundle (several PEM certificates)", async () => {
    const rig = await startRig();
    try {
      const bundle = makePki("Unrelated", { root: 6, intermediate: 7 }).root.certificatePem + rig.emu.caCertificatePem;
      const outcome = await attempt(rig, desired(), emptyRecordedState(), { caCertificate: bundle });
      expect(outcome.ok, outcome.ok ? "" : outcome.error.message).to.equal(true);
    } finally {
      await rig.close();
    }
  });

  it("refuses plain HTTP unless explicitly allowed", async () => {
    const emu = await startEmulator({ http: true, users: [{ username: USERNAME, password: PASSWORD }], vservers: [{ name: "vs_web", sni: true }] });
    const logs: string[] = [];
    const deps = { logger: { info: (s: string) => logs.push(s), warn: (s: string) => logs.push(`warn: ${s}`) }, nitro: { sleep: async () => undefined, env: {} } };
    const connection = { url: emu.url, username: USERNAME, password: PASSWORD };
    try {
      let error: Error | undefined;
      try {
        await syncCertificates(connection, { desired: desired(), recorded: emptyRecordedState(), now: new Date() }, deps);
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.equal(
        `Refusing plain HTTP to ${emu.url}: the password and session would travel unencrypted. Use https://, or set allowHttp: true if this is really wanted (e.g. a lab or the emulator).`,
      );
      expect(emu.requests(), "nothing was sent in clear text").to.deep.equal([]);
      const allowed = await syncCertificates({ ...connection, allowHttp: true }, { desired: desired(), recorded: emptyRecordedState(), now: new Date() }, deps);
      expect(allowed.wrote).to.equal(true);
      expect(logs.some((l) => /^warn: NITRO: using plain HTTP/.test(l))).to.equal(true);
    } finally {
      await emu.close();
    }
  });
});
