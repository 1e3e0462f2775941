// Private keys: find the one key block, check the passphrase opens it, and compute the
// fingerprint of its public half to compare with the certificate's. The key itself is kept
// exactly as the user gave it (possibly encrypted) because that is what gets uploaded.
// Messages never quote the key or the passphrase.
import forge from "node-forge";
import { readNativePrivateKey } from "./native";
import { scanPem, type PemBlock } from "./pem";
import { sha256Hex } from "./x509";

export interface ParsedPrivateKey {
  /** The key block as given (normalised line ends), still encrypted when it was. */
  pem: string;
  encrypted: boolean;
  /** SHA-256 of the public key's SubjectPublicKeyInfo DER, lower-case hex. */
  publicKeyFingerprint: string;
}

export type KeyField = "privateKey" | "privateKeyPassphrase";

export type KeyReadResult = { ok: true; key: ParsedPrivateKey } | { ok: false; field: KeyField; message: string };

const KEY_KINDS = 'PKCS#1 "RSA PRIVATE KEY", PKCS#8 "PRIVATE KEY" or "ENCRYPTED PRIVATE KEY", or "EC PRIVATE KEY"';

function isEncrypted(block: PemBlock): boolean {
  return block.label === "ENCRYPTED PRIVATE KEY" || /ENCRYPTED/.test(block.headers["Proc-Type"] ?? "");
}

function fail(field: KeyField, message: string): KeyReadResult {
  return { ok: false, field, message };
}

/** forge reads RSA keys only; undefined means "try node:crypto" (other algorithm, wrong passphrase, or a cipher forge lacks). */
function forgeRsaFingerprint(block: PemBlock, passphrase: string | undefined): string | undefined {
  try {
    const key = isEncrypted(block)
      ? (forge.pki.decryptRsaPrivateKey(block.text, passphrase ?? "") as forge.pki.rsa.PrivateKey | null)
      : forge.pki.privateKeyFromPem(block.text);
    if (!key) return undefined;
    const spki = forge.pki.publicKeyToAsn1(forge.pki.setRsaPublicKey(key.n, key.e));
    return sha256Hex(forge.asn1.toDer(spki).getBytes());
  } catch {
    return undefined;
  }
}

export function parsePrivateKey(text: string, passphrase: string | undefined): KeyReadResult {
  const scan = scanPem(text);
  const keys = scan.blocks.filter((b) => b.label.endsWith("PRIVATE KEY"));
  if (keys.length === 0) {
    if (scan.problems.length > 0) return fail("privateKey", scan.problems[0]);
    if (scan.blocks.some((b) => b.label === "CERTIFICATE")) {
      return fail("privateKey", `contains a certificate, not a private key; supply the certificate's private key as PEM (${KEY_KINDS})`);
    }
    return fail("privateKey", `not a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" block found); paste the PEM key (${KEY_KINDS})`);
  }
  if (keys.length > 1) {
    return fail("privateKey", `contains ${keys.length} private keys; supply only the key the certificate was issued for`);
  }
  const block = keys[0];
  if (block.label === "OPENSSH PRIVATE KEY") {
    return fail("privateKey", `is an OpenSSH key, which NetScaler cannot use; convert it to PEM (${KEY_KINDS})`);
  }
  const encrypted = isEncrypted(block);
  if (encrypted && !passphrase) {
    return fail(
      "privateKeyPassphrase",
      "the private key is encrypted and no privateKeyPassphrase is set; set privateKeyPassphrase to its passphrase, or supply the key unencrypted",
    );
  }
  const usedPassphrase = encrypted ? passphrase : undefined;
  const fingerprint = forgeRsaFingerprint(block, usedPassphrase);
  if (fingerprint) return { ok: true, key: { pem: block.text, encrypted, publicKeyFingerprint: fingerprint } };
  const native = readNativePrivateKey(block.text, usedPassphrase, encrypted);
  if (native.ok) return { ok: true, key: { pem: block.text, encrypted, publicKeyFingerprint: native.publicKeyFingerprint } };
  if (native.reason === "passphrase") {
    return fail("privateKeyPassphrase", "privateKeyPassphrase does not decrypt the private key; check the passphrase (it is case-sensitive)");
  }
  return fail("privateKey", `the "${block.label}" block could not be read (damaged, or an unsupported key type); paste the key again as PEM (${KEY_KINDS})`);
}

/** Short fingerprint for messages: enough to tell two keys apart, short enough to read. */
export function shortFingerprint(fingerprint: string): string {
  return `${fingerprint.slice(0, 8)}…`;
}

/** Why the key does not fit the certificate, or undefined when it does. */
export function keyMismatchProblem(certificatePublicKey: string, key: ParsedPrivateKey): string | undefined {
  if (certificatePublicKey === key.publicKeyFingerprint) return undefined;
  return (
    `the private key does not match the certificate (certificate public key fingerprint ${shortFingerprint(certificatePublicKey)}, ` +
    `key's ${shortFingerprint(key.publicKeyFingerprint)}); supply the key the certificate was issued for`
  );
}
