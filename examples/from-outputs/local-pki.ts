// A stand-in for any resource whose outputs are a certificate and its key (an ACME order, a
// Vault PKI role, a cloud CA...): a tiny local CA as two Pulumi dynamic resources, signed
// with node-forge. For demonstrations only: the CA key lives in the stack state (as a secret).
import * as pulumi from "@pulumi/pulumi";

interface SignSpec {
  commonName: string;
  dnsNames: string[];
  validityDays: number;
  isCa: boolean;
  /** Omitted: self-signed. */
  issuer?: { certificatePem: string; privateKeyPem: string };
}

interface Signed {
  certificatePem: string;
  privateKeyPem: string;
  serial: string;
  notAfter: string;
}

// Runs inside the dynamic-provider host: modules are required at call time, not captured.
function sign(spec: SignSpec): Signed {
  const forge = require("node-forge") as typeof import("node-forge");
  const crypto = require("node:crypto") as typeof import("node:crypto");
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const serialBytes = crypto.randomBytes(16);
  serialBytes[0] = (serialBytes[0] & 0x7f) | 0x10; // positive, no leading zero nibble
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = serialBytes.toString("hex");
  const notBefore = new Date(Date.now() - 5 * 60 * 1000); // tolerate clock skew
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + spec.validityDays * 24 * 3600 * 1000);
  const subject = [{ name: "commonName", value: spec.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuer ? forge.pki.certificateFromPem(spec.issuer.certificatePem).subject.attributes : subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: spec.isCa, critical: true },
    spec.isCa
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    ...(spec.isCa ? [] : [{ name: "extKeyUsage", serverAuth: true }]),
    ...(spec.dnsNames.length > 0 ? [{ name: "subjectAltName", altNames: spec.dnsNames.map((value) => ({ type: 2, value })) }] : []),
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(spec.issuer ? spec.issuer.privateKeyPem : privateKey), forge.md.sha256.create());
  return {
    certificatePem: forge.pki.certificateToPem(cert),
    privateKeyPem: privateKey,
    serial: serialBytes.toString("hex").toUpperCase(),
    notAfter: cert.validity.notAfter.toISOString(),
  };
}

/** Any change of these inputs issues a new certificate (a replacement). */
function replacingDiff<T extends object>(keys: (keyof T & string)[]) {
  return async (_id: string, olds: T, news: T): Promise<pulumi.dynamic.DiffResult> => {
    const replaces = keys.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  };
}

interface AuthorityInputs {
  commonName: string;
  validityDays: number;
}

const authorityProvider: pulumi.dynamic.ResourceProvider<AuthorityInputs> = {
  diff: replacingDiff<AuthorityInputs>(["commonName", "validityDays"]),
  async create(inputs) {
    const signed = sign({ commonName: inputs.commonName, dnsNames: [], validityDays: inputs.validityDays, isCa: true });
    return { id: signed.serial, outs: { ...inputs, ...signed } };
  },
};

export interface LocalCertificateAuthorityArgs {
  commonName: pulumi.Input<string>;
  /** Default 3650. */
  validityDays?: pulumi.Input<number>;
}

/** A self-signed CA. */
export class LocalCertificateAuthority extends pulumi.dynamic.Resource {
  declare readonly certificatePem: pulumi.Output<string>;
  /** Secret. */
  declare readonly privateKeyPem: pulumi.Output<string>;

  constructor(name: string, args: LocalCertificateAuthorityArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { commonName: args.commonName, validityDays: args.validityDays ?? 3650, certificatePem: undefined, privateKeyPem: undefined, serial: undefined, notAfter: undefined };
    super(authorityProvider, name, props, { ...opts, additionalSecretOutputs: ["privateKeyPem"] }, "local-pki", "CertificateAuthority");
  }
}

interface IssuedInputs {
  commonName: string;
  dnsNames: string[];
  validityDays: number;
  issuerCertificatePem: string;
  issuerPrivateKeyPem: string;
}

const issuedProvider: pulumi.dynamic.ResourceProvider<IssuedInputs> = {
  diff: replacingDiff<IssuedInputs>(["commonName", "dnsNames", "validityDays", "issuerCertificatePem"]),
  async create(inputs) {
    const signed = sign({
      commonName: inputs.commonName,
      dnsNames: inputs.dnsNames,
      validityDays: inputs.validityDays,
      isCa: false,
      issuer: { certificatePem: inputs.issuerCertificatePem, privateKeyPem: inputs.issuerPrivateKeyPem },
    });
    return { id: signed.serial, outs: { ...inputs, ...signed } };
  },
};

export interface LocalIssuedCertificateArgs {
  issuer: LocalCertificateAuthority;
  commonName: pulumi.Input<string>;
  /** Default: [commonName]. */
  dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** Default 90. */
  validityDays?: pulumi.Input<number>;
}

/** A server certificate signed by a LocalCertificateAuthority. */
export class LocalIssuedCertificate extends pulumi.dynamic.Resource {
  declare readonly certificatePem: pulumi.Output<string>;
  /** Secret. */
  declare readonly privateKeyPem: pulumi.Output<string>;
  declare readonly serial: pulumi.Output<string>;
  declare readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: LocalIssuedCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      commonName: args.commonName,
      dnsNames: args.dnsNames ?? pulumi.output(args.commonName).apply((cn) => [cn]),
      validityDays: args.validityDays ?? 90,
      issuerCertificatePem: args.issuer.certificatePem,
      issuerPrivateKeyPem: args.issuer.privateKeyPem,
      certificatePem: undefined,
      privateKeyPem: undefined,
      serial: undefined,
      notAfter: undefined,
    };
    super(issuedProvider, name, props, { ...opts, additionalSecretOutputs: ["privateKeyPem", "issuerPrivateKeyPem"] }, "local-pki", "IssuedCertificate");
  }
}
