// Shortcuts for emulator tests: put a certificate (and its key) on the appliance.
import type { IssuedCertificate } from "./certs";
import type { Reply, TestClient } from "./emulator-client";

export interface CertkeyFixture {
  /** Defaults: "<name>.cer" / "<name>.key". */
  certFile?: string;
  keyFile?: string;
  /** Key PEM to upload instead of the certificate's own (e.g. encrypted, or another key). */
  keyPem?: string;
  passplain?: string;
  withoutKey?: boolean;
  extra?: Record<string, unknown>;
}

/** Uploads the files and adds the certkey; returns the certkey add's answer. */
export async function addCertkey(client: TestClient, name: string, cert: IssuedCertificate, fixture: CertkeyFixture = {}): Promise<Reply> {
  const certFile = fixture.certFile ?? `${name}.cer`;
  const keyFile = fixture.keyFile ?? `${name}.key`;
  await expectCreated(await client.upload(certFile, cert.certificatePem), certFile);
  if (!fixture.withoutKey) await expectCreated(await client.upload(keyFile, fixture.keyPem ?? cert.key.privateKeyPem), keyFile);
  return client.post("sslcertkey", {
    sslcertkey: {
      certkey: name,
      cert: certFile,
      ...(fixture.withoutKey ? {} : { key: keyFile }),
      inform: "PEM",
      ...(fixture.passplain !== undefined ? { passplain: fixture.passplain } : {}),
      ...fixture.extra,
    },
  });
}

async function expectCreated(reply: Reply, file: string): Promise<void> {
  if (reply.status !== 201) throw new Error(`upload of ${file} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
}
