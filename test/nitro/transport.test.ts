import { expect } from "chai";
import * as http from "node:http";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { NitroError, withNitroSession, type NitroLogger } from "../../provider/nitro";
import { issueCertificate, pooledKey, type IssuedCertificate } from "../support/certs";
import { noEnv, startFake, type FakeAppliance } from "./fake-appliance";

const creds = { username: "nsroot", password: "s3cret-pass" };
const sleep = async () => undefined;

function warnings(): NitroLogger & { warned: string[] } {
  const warned: string[] = [];
  return { warned, debug: () => undefined, info: () => undefined, warn: (m) => warned.push(m) };
}

/** A CONNECT-only relay that records where it was asked to go. */
async function startConnectProxy(): Promise<{ url: string; targets: string[]; auth: (string | undefined)[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const auth: (string | undefined)[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    targets.push(req.url ?? "");
    auth.push(req.headers["proxy-authorization"]);
    const [host, port] = (req.url ?? "").split(":");
    const upstream = net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    auth,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe("NITRO transport", () => {
  let ca: IssuedCertificate;
  let serverCert: IssuedCertificate;
  let fake: FakeAppliance;
  before(async () => {
    ca = issueCertificate({ commonName: "Appliance Test CA", isCa: true, key: pooledKey(1) });
    serverCert = issueCertificate({ commonName: "127.0.0.1", subjectAltNames: ["127.0.0.1"], issuer: ca, key: pooledKey(0) });
    fake = await startFake(() => undefined, { key: serverCert.key.privateKeyPem, cert: serverCert.certificatePem });
  });
  after(async () => fake.close());
  beforeEach(() => fake.requests.splice(0));

  it("refuses plain http without allowHttp, before any traffic, saying how to allow it", async () => {
    const plainFake = await startFake(() => undefined);
    try {
      const err = (await withNitroSession({ url: plainFake.url, ...creds }, async () => 1, noEnv).catch((e: unknown) => e)) as NitroError;
      expect(err).to.be.instanceOf(NitroError);
      expect(err.message).to.include("allowHttp");
      expect(plainFake.requests).to.have.length(0);
      const logger = warnings();
      await withNitroSession({ url: plainFake.url, ...creds, allowHttp: true }, async () => 1, { ...noEnv, logger });
      expect(plainFake.requests.length).to.be.greaterThan(0);
      expect(logger.warned.join()).to.include("plain HTTP");
    } finally {
      await plainFake.close();
    }
  });

  it("verifies TLS by default and explains a failure", async () => {
    const err = (await withNitroSession({ url: fake.url, ...creds }, async () => 1, { ...noEnv, sleep }).catch((e: unknown) => e)) as NitroError;
    expect(err).to.be.instanceOf(NitroError);
    expect(err.operation).to.equal("login");
    expect(err.networkCode).to.match(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
    expect(err.hint).to.include("caCertificate");
    expect(err.outcomeUnknown).to.equal(undefined);
    expect(fake.requests).to.have.length(0);
  });

  it("trusts a given CA bundle", async () => {
    const logger = warnings();
    const keys = await withNitroSession({ url: fake.url, ...creds, caCertificate: ca.certificatePem }, (s) => s.getCertkeys(), { ...noEnv, logger });
    expect(keys).to.deep.equal([]);
    expect(logger.warned).to.deep.equal([]);
  });

  it("skips verification only when asked, and warns", async () => {
    const logger = warnings();
    await withNitroSession({ url: fake.url, ...creds, insecureSkipTlsVerify: true }, (s) => s.getCertkeys(), { ...noEnv, logger });
    expect(logger.warned.join()).to.include("verification is DISABLED");
    expect(fake.requests.length).to.equal(3);
  });

  it("tunnels HTTPS through an explicit proxy with HTTP CONNECT, sending proxy credentials", async () => {
    const proxy = await startConnectProxy();
    try {
      const proxyUrl = proxy.url.replace("http://", "http://relay:p%40ss@");
      await withNitroSession({ url: fake.url, ...creds, caCertificate: ca.certificatePem, proxyUrl }, (s) => s.getCertkeys(), noEnv);
      const port = new URL(fake.url).port;
      expect(proxy.targets.length).to.be.at.least(1);
      expect(proxy.targets.every((t) => t === `127.0.0.1:${port}`)).to.equal(true);
      expect(proxy.auth[0]).to.equal(`Basic ${Buffer.from("relay:p@ss").toString("base64")}`);
      expect(fake.requests).to.have.length(3);
    } finally {
      await proxy.close();
    }
  });

  it("honours HTTPS_PROXY / https_proxy and NO_PROXY from the environment", async () => {
    const proxy = await startConnectProxy();
    try {
      const options = { url: fake.url, ...creds, caCertificate: ca.certificatePem };
      await withNitroSession(options, (s) => s.getCertkeys(), { env: { HTTPS_PROXY: proxy.url } });
      expect(proxy.targets.length).to.be.at.least(1);
      proxy.targets.splice(0);
      await withNitroSession(options, (s) => s.getCertkeys(), { env: { https_proxy: proxy.url, NO_PROXY: "example.com, 127.0.0.1" } });
      expect(proxy.targets).to.deep.equal([]);
      await withNitroSession(options, (s) => s.getCertkeys(), { env: { HTTP_PROXY: proxy.url } });
      expect(proxy.targets).to.deep.equal([]);
      expect(fake.requests).to.have.length(9);
    } finally {
      await proxy.close();
    }
  });

  it("reports a proxy that refuses the tunnel", async () => {
    const refusing = http.createServer();
    refusing.on("connect", (_req, socket: net.Socket) => socket.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"));
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      const err = (await withNitroSession({ url: fake.url, ...creds, caCertificate: ca.certificatePem, proxyUrl }, async () => 1, { ...noEnv, sleep }).catch((e: unknown) => e)) as NitroError;
      expect(err).to.be.instanceOf(NitroError);
      expect(err.networkCode).to.equal("EPROXY");
      expect(err.message).to.include("407");
      expect(err.hint).to.include("proxy");
    } finally {
      refusing.close();
    }
  });

  it("times out a request that gets no answer", async () => {
    const slow = await startFake((req) => (req.method === "GET" ? { status: 200, delayMs: 300 } : undefined));
    try {
      const err = (await withNitroSession({ url: slow.url, ...creds, allowHttp: true, timeoutMs: 50 }, (s) => s.getCertkeys(), { ...noEnv, sleep }).catch((e: unknown) => e)) as NitroError;
      expect(err).to.be.instanceOf(NitroError);
      expect(err.operation).to.equal("get sslcertkey");
      expect(err.networkCode).to.equal("ECONNABORTED");
      expect(err.hint).to.include("timeoutMs");
    } finally {
      await slow.close();
    }
  });

  it("times out a connection whose TLS handshake never completes", async () => {
    const silent = net.createServer((socket) => socket.on("error", () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const started = Date.now();
      const err = (await withNitroSession({ url, ...creds, connectTimeoutMs: 60, timeoutMs: 5000 }, async () => 1, { ...noEnv, sleep }).catch((e: unknown) => e)) as NitroError;
      expect(err).to.be.instanceOf(NitroError);
      expect(err.networkCode).to.equal("ECONNECT_TIMEOUT");
      expect(err.hint).to.include("unreachable");
      expect(Date.now() - started).to.be.below(2000);
    } finally {
      silent.close();
    }
  });
});
