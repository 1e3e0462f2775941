// The baseline's side of the benchmark: what one run of the common integration does for
// each scenario. Every run re-pushes every certificate it is given (that is the behaviour
// being compared against); a run where certificates were dropped then removes those.
import type { Emulator } from "../emulator";
import { BaselineSync, type BaselineCertificate } from "./baseline";
import type { BenchCertificate } from "./certificates";
import { BENCH_USER, BENCH_VSERVER } from "./ours";

function asBaseline(certificates: readonly BenchCertificate[]): BaselineCertificate[] {
  // The baseline names the certkey after the id and ignores the chain, as those integrations do.
  return certificates.map((c) => ({ name: c.id, certificatePem: c.certificatePem, privateKeyPem: c.privateKeyPem }));
}

export class BaselineSide {
  private readonly sync: BaselineSync;
  private deployed: string[] = [];

  constructor(emulator: Emulator) {
    this.sync = new BaselineSync({ url: emulator.url, ...BENCH_USER, caCertificate: emulator.caCertificatePem, vserver: BENCH_VSERVER });
  }

  /** One run with this set of certificates. */
  async run(certificates: readonly BenchCertificate[]): Promise<void> {
    const wanted = new Set(certificates.map((c) => c.id));
    const dropped = this.deployed.filter((name) => !wanted.has(name));
    await this.sync.syncAll(asBaseline(certificates));
    if (dropped.length > 0) await this.sync.removeAll(dropped);
    this.deployed = certificates.map((c) => c.id);
  }

  /** Removes everything it deployed. */
  async destroy(): Promise<void> {
    if (this.deployed.length > 0) await this.sync.removeAll(this.deployed);
    this.deployed = [];
  }
}
