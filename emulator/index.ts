// The NITRO emulator: an in-process HTTP(S) server that keeps a NetScaler's state in memory.
// See README.md beside this file for the command line, the inspection endpoints and faults.
import { writeFileSync, mkdirSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { Appliance } from "./appliance";
import { Faults } from "./faults";
import { RequestLog } from "./requestlog";
import { requestListener } from "./server";
import { configSnapshot, filesSnapshot } from "./snapshot";
import { selfSignedCertificate } from "./tls";
import type { Emulator, EmulatorOptions, EmulatorSnapshot } from "./types";

export * from "./types";
export { unsavedChanges, isConfigurationSaved } from "./snapshot";
export { DEFAULT_USERS } from "./appliance";

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const appliance = new Appliance(options);
  const faults = new Faults(appliance, options.latencyMs ?? 0);
  const log = new RequestLog(options.onRequest);
  const state = (): EmulatorSnapshot => snapshotOf(appliance);
  const reboot = (): void => appliance.reboot();
  const listener = requestListener({ appliance, faults, log, inspection: { state, log, faults, reboot } });
  const host = options.host ?? "127.0.0.1";

  let server: Server;
  let caCertificatePem: string | undefined;
  if (options.http) {
    server = createHttpServer(listener);
  } else {
    const credentials = selfSignedCertificate(host);
    caCertificatePem = credentials.certificatePem;
    if (options.tlsCertificateOut) {
      mkdirSync(dirname(options.tlsCertificateOut), { recursive: true });
      writeFileSync(options.tlsCertificateOut, credentials.certificatePem);
    }
    server = createHttpsServer({ key: credentials.privateKeyPem, cert: credentials.certificatePem }, listener);
  }
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `${options.http ? "http" : "https"}://${shownHost}:${address.port}`,
    caCertificatePem,
    faults,
    state,
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    reboot,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function snapshotOf(appliance: Appliance): EmulatorSnapshot {
  const snapshot: EmulatorSnapshot = { running: {}, saved: {}, files: {}, haRole: appliance.haRole, activeSessions: appliance.sessions.activeCount };
  for (const [name, p] of appliance.partitions) {
    snapshot.running[name] = configSnapshot(p.running);
    snapshot.saved[name] = configSnapshot(p.saved);
    snapshot.files[name] = filesSnapshot(p);
  }
  return snapshot;
}
