// The resource users write. Its provider is a thin shim: Pulumi serializes it into the state,
// and every method require()s the installed package's implementation when called, so fixes
// reach stacks created by earlier versions and no secret or client is ever captured.
import * as pulumi from "@pulumi/pulumi";
import type { DeployedCertificate } from "./outputs";
import type { SyncOutputs } from "./outputs-state";

/**
 * The implementation by package name, resolved from the program's node_modules inside the
 * plugin host. A program inside this repository (the demo, the tests) has no such entry, so
 * the path seen when the program loaded is the fallback.
 */
const IMPLEMENTATION_BY_NAME = "pulumi-netscaler-certsync/dist/provider/dynamic";
const IMPLEMENTATION_PATH = require.resolve("./dynamic");

type Implementation = pulumi.dynamic.ResourceProvider;

function implementation(): Implementation {
  try {
    return (require(IMPLEMENTATION_BY_NAME) as { provider: Implementation }).provider;
  } catch (error) {
    const notFound = (error as { code?: string }).code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(`'${IMPLEMENTATION_BY_NAME}'`);
    if (!notFound) throw error;
    return (require(IMPLEMENTATION_PATH) as { provider: Implementation }).provider;
  }
}

const shim: pulumi.dynamic.ResourceProvider = {
  configure: (req) => implementation().configure!(req),
  check: (olds, news) => implementation().check!(olds, news),
  diff: (id, olds, news) => implementation().diff!(id, olds, news),
  create: (inputs) => implementation().create(inputs),
  read: (id, props) => implementation().read!(id, props),
  update: (id, olds, news) => implementation().update!(id, olds, news),
  delete: (id, props) => implementation().delete!(id, props),
};

export interface ConnectionArgs {
  /** https://<appliance NSIP, SNIP or floating management address>; else config netscaler:url or env NS_URL. */
  url?: pulumi.Input<string>;
  /** Else config netscaler:username or env NS_LOGIN. */
  username?: pulumi.Input<string>;
  /** Else config netscaler:password or env NS_PASSWORD. Stored only as a secret. */
  password?: pulumi.Input<string>;
  /** PEM of the CA that issued the appliance's management certificate. */
  caCertificate?: pulumi.Input<string>;
  /** Turn TLS verification off (logged as a warning). Default false. */
  insecureSkipTlsVerify?: pulumi.Input<boolean>;
  /** Admin partition to work in. */
  partition?: pulumi.Input<string>;
  /** Allow plain http:// (e.g. the local emulator). Default false. */
  allowHttp?: pulumi.Input<boolean>;
  /** http://proxy:port for appliances reachable only through a relay; else HTTPS_PROXY/NO_PROXY apply. */
  proxyUrl?: pulumi.Input<string>;
  /** Per request. Default 60. */
  timeoutSeconds?: pulumi.Input<number>;
}

export interface CertificateArgs {
  /** Leaf certificate: PEM or base64 DER. */
  certificate?: pulumi.Input<string>;
  /** PEM private key (PKCS#1, PKCS#8, encrypted with privateKeyPassphrase). Stored only as a secret. */
  privateKey?: pulumi.Input<string>;
  privateKeyPassphrase?: pulumi.Input<string>;
  /** Intermediate certificates, PEM, any order. */
  chain?: pulumi.Input<string>;
  /** PKCS#12 bundle (base64) instead of certificate/privateKey/chain. */
  pfx?: pulumi.Input<string>;
  pfxPassword?: pulumi.Input<string>;
  /** Revoked: removed from the appliance (removeExpiredOrRevoked) or retained. */
  revoked?: pulumi.Input<boolean>;
}

export interface NetScalerCertificateSyncArgs {
  connection?: pulumi.Input<ConnectionArgs>;
  /** Slug naming this sync; defaults to the resource name. */
  name?: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  /** SSL vserver to bind every certificate to; without one, certificates are only uploaded. */
  vserverName?: pulumi.Input<string>;
  /** More vservers to bind to, besides vserverName. */
  vserverNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** Remove revoked, expired and dropped certificates from the appliance. Default true. */
  removeExpiredOrRevoked?: pulumi.Input<boolean>;
  /** Renewals update the certkey in place (name and bindings kept). Default true. */
  preserveOnRenewal?: pulumi.Input<boolean>;
  /** Certkey names; must contain {{certificateId}}. Default "certsync-{{certificateId}}". */
  certificateNameSchema?: pulumi.Input<string>;
  /** Push renewals on every up. Off: renewals wait until syncTrigger changes. Default true. */
  autoSync?: pulumi.Input<boolean>;
  /** Change this value to force a sync (and, with autoSync off, push waiting renewals). */
  syncTrigger?: pulumi.Input<string | number>;
  /** Bind as SNI certificates (true), as the default certificate (false), or decide per vserver (unset). */
  sniCertificates?: pulumi.Input<boolean>;
  /** Take over existing objects with the names this sync would create. Default false. */
  adoptExisting?: pulumi.Input<boolean>;
  /** The certificates, keyed by certificate id. */
  certificates: pulumi.Input<Record<string, pulumi.Input<CertificateArgs>>>;
}

const SECRET_CERTIFICATE_FIELDS = ["privateKey", "privateKeyPassphrase", "pfx", "pfxPassword"] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !pulumi.Output.isInstance(value) && !Array.isArray(value);
}

/**
 * Marks the named fields secret. A plain object keeps its other fields visible (so previews show
 * which certificate changed); a value only known later is wrapped whole.
 */
function withSecretFields<T>(value: pulumi.Input<T>, fields: readonly string[]): pulumi.Input<T> {
  const mark = (object: Record<string, unknown>): Record<string, unknown> => {
    const copy = { ...object };
    for (const field of fields) if (copy[field] !== undefined) copy[field] = pulumi.secret(copy[field]);
    return copy;
  };
  if (isPlainObject(value)) return mark(value) as T;
  return pulumi.secret(value) as pulumi.Input<T>;
}

/** Key material and passwords are marked secret before they reach the state, whatever the caller passed. */
function withSecrets(args: NetScalerCertificateSyncArgs): NetScalerCertificateSyncArgs {
  const certificates = isPlainObject(args.certificates)
    ? Object.fromEntries(Object.entries(args.certificates).map(([id, c]) => [id, withSecretFields(c as pulumi.Input<CertificateArgs>, SECRET_CERTIFICATE_FIELDS)]))
    : pulumi.secret(args.certificates);
  return {
    ...args,
    certificates: certificates as NetScalerCertificateSyncArgs["certificates"],
    ...(args.connection === undefined ? {} : { connection: withSecretFields(args.connection, ["password"]) }),
  };
}

export class NetScalerCertificateSync extends pulumi.dynamic.Resource {
  declare readonly syncName: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string>;
  declare readonly appliance: pulumi.Output<SyncOutputs["appliance"]>;
  declare readonly vservers: pulumi.Output<string[]>;
  /** Per certificate id: certkey name(s), files, serial, fingerprint, expiry, CA certkey, vservers. */
  declare readonly deployed: pulumi.Output<Record<string, DeployedCertificate>>;
  /** Differences from the appliance found by the last refresh; the next up repairs them. */
  declare readonly drift: pulumi.Output<string[]>;
  declare readonly notes: pulumi.Output<string[]>;
  /** When the last sync wrote to the appliance (ISO-8601). */
  declare readonly lastWriteAt: pulumi.Output<string>;

  constructor(name: string, args: NetScalerCertificateSyncArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...withSecrets(args),
      name: args.name ?? name,
      // Outputs that are not inputs must be declared, or the resource never exposes them.
      outputsVersion: undefined,
      syncName: undefined,
      appliance: undefined,
      appliancePassword: undefined,
      vservers: undefined,
      options: undefined,
      deployed: undefined,
      state: undefined,
      drift: undefined,
      notes: undefined,
      lastWriteAt: undefined,
    };
    super(shim, name, props, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "appliancePassword"] }, "netscaler", "CertificateSync");
  }
}
