// Shared set-up for the provider's end-to-end tests: an emulator, the real plugin host, and
// programs that declare one NetScalerCertificateSync the way users write it.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator, type EmulatorOptions, type PartitionConfigSnapshot } from "../../emulator";
import { capture, Engine, ProviderHost, type CaptureResult } from "../harness";
import type { IssuedCertificate } from "../support/certs";
import { NetScalerCertificateSync, type NetScalerCertificateSyncArgs } from "../../provider";

export const PROJECT = "certsync-e2e";
export const STACK = "dev";
export const USERNAME = "certsync";
/** Distinctive, so a scan of logs and state finds any leak. */
export const PASSWORD = "Pa55-e2e-9d41c7-never-log";
export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface Stage {
  emulator: Emulator;
  host: ProviderHost;
  engine: Engine;
  close(): Promise<void>;
}

export async function startStage(options: EmulatorOptions = {}): Promise<Stage> {
  const emulator = await startEmulator({
    users: [{ username: USERNAME, password: PASSWORD }, { username: "nsroot", password: "nsroot" }],
    vservers: [{ name: "vs_web", sni: true }, { name: "vs_api", sni: true }, { name: "vs_plain", sni: false }],
    ...options,
  });
  const host = await ProviderHost.start({ cwd: REPO_ROOT, project: PROJECT, stack: STACK, typescript: true });
  const engine = new Engine(host);
  return {
    emulator,
    host,
    engine,
    close: async () => {
      await host.close();
      await emulator.close();
    },
  };
}

export function pemCertificate(cert: IssuedCertificate, chain: IssuedCertificate[] = []): { certificate: string; privateKey: string; chain?: string } {
  return {
    certificate: cert.certificatePem,
    privateKey: cert.key.privateKeyPem,
    ...(chain.length > 0 ? { chain: chain.map((c) => c.certificatePem).join("") } : {}),
  };
}

/** Captures a program with one sync named "web" against the emulator; args override the defaults. */
export function syncProgram(emulator: Emulator, args: Partial<NetScalerCertificateSyncArgs>, resourceName = "web"): Promise<CaptureResult> {
  return capture(
    () => {
      const config = new pulumi.Config();
      new NetScalerCertificateSync(resourceName, {
        connection: { url: emulator.url, username: USERNAME, password: config.requireSecret("nsPassword"), caCertificate: emulator.caCertificatePem },
        vserverName: "vs_web",
        certificates: {},
        ...args,
      });
    },
    { project: PROJECT, stack: STACK, config: { nsPassword: { secret: PASSWORD } } },
  );
}

/** Requests other than reads, login and logout. */
export function writesIn(emulator: Emulator): string[] {
  return emulator
    .requests()
    .filter((r) => r.method !== "GET" && !/\/config\/(login|logout)\b/.test(r.path))
    .map((r) => `${r.method} ${r.path}`);
}

export function running(emulator: Emulator): PartitionConfigSnapshot {
  return emulator.state().running.default;
}

export function fileNames(emulator: Emulator): string[] {
  return Object.keys(emulator.state().files.default ?? {}).map((p) => p.replace("/nsconfig/ssl/", "")).sort();
}
