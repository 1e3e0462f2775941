// PKCS#12 (PFX) bundles: the leaf, its key (re-encoded as unencrypted PKCS#8 PEM, which
// NetScaler accepts) and the other certificates as a chain bundle. RSA keys only (forge).
import forge from "node-forge";
import { decodeBase64, derToPem } from "./pem";

export interface PfxContents {
  /** PEM blocks of every certificate in the bundle (leaf first when it can be told). */
  certificatesPem: string[];
  keyPem: string;
}

export type PfxField = "pfx" | "pfxPassword";
export type PfxReadResult = { ok: true; contents: PfxContents } | { ok: false; field: PfxField; message: string };

export function readPfx(base64: string, password: string | undefined): PfxReadResult {
  const der = decodeBase64(base64);
  if (!der) return { ok: false, field: "pfx", message: "is not base64; supply the PKCS#12 (.pfx/.p12) file base64-encoded, e.g. `base64 -w0 cert.pfx`" };
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString("binary")), password ?? "");
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    if (/password|MAC|decrypt/i.test(message)) {
      return {
        ok: false,
        field: "pfxPassword",
        message: password ? "pfxPassword does not open the PFX bundle; check the password" : "the PFX bundle is password-protected; set pfxPassword",
      };
    }
    return { ok: false, field: "pfx", message: "is not a readable PKCS#12 (PFX) bundle (damaged, or an unsupported format); export it again, or supply certificate and privateKey as PEM" };
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  if (keyBags.length !== 1) {
    return { ok: false, field: "pfx", message: `holds ${keyBags.length} private keys; export a PFX with exactly the certificate's key` };
  }
  const key = keyBags[0].key as forge.pki.rsa.PrivateKey | undefined | null;
  if (!key) {
    return { ok: false, field: "pfx", message: "holds a non-RSA private key, which PFX reading does not support; supply certificate and privateKey as PEM instead" };
  }
  const keyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)));
  const certificatesPem: string[] = [];
  for (const bag of certBags) {
    if (bag.cert) {
      const pem = derToPem(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes(), "binary"));
      // The certificate carrying the key's public half is the leaf: put it first.
      const isLeaf = (bag.cert.publicKey as forge.pki.rsa.PublicKey).n?.equals(key.n) === true;
      if (isLeaf) certificatesPem.unshift(pem);
      else certificatesPem.push(pem);
    } else if (bag.asn1) {
      certificatesPem.push(derToPem(Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), "binary")));
    }
  }
  if (certificatesPem.length === 0) return { ok: false, field: "pfx", message: "holds no certificate; export the PFX with its certificate" };
  return { ok: true, contents: { certificatesPem, keyPem } };
}
