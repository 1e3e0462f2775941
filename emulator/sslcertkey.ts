// sslcertkey: certificate-key pairs made from files already on the appliance, read with Node's
// crypto when added or updated (never per GET).
import type { RequestContext } from "./appliance";
import { certificateStatus, daysToExpiration, domainOf, isIssuedBy, parseCertificateFile, readPrivateKey, type ParsedCertificate } from "./certificates";
import { NitroError, alreadyExists, invalidArgumentValue } from "./errors";
import { certkeyFilePath } from "./files";
import { shapeListing } from "./listing";
import type { ItemsRoute, ReadRoute, Route } from "./routes";
import { actionOf } from "./routes";
import type { CertkeyEntry, PartitionConfig } from "./state";
import { BULK_RM_ACTION, SSL_ERROR_STATUS, alreadyLinked, invalidCertificate, notIssuedBy } from "./unverified";
import { optionalBoolean, optionalNumber, optionalString, requiredString, type Item } from "./wire";

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_#. :@=-]*$/;
const MAX_NAME = 63;

const sslError = (errorcode: number, message: string): NitroError => new NitroError(SSL_ERROR_STATUS, errorcode, message);
export const certkeyMissing = (name: string): NitroError => sslError(1540, `Certificate does not exist [${name}]`);
const fileMissing = (file: string): NitroError => sslError(1647, `Input file(s) not present or not accessible in current partition [${file}]`);

function certkeyName(item: Item, field = "certkey"): string {
  const name = requiredString(item, field);
  if (!NAME.test(name) || name.length > MAX_NAME) {
    throw invalidArgumentValue(field, `starts with a letter, digit or _, then letters, digits and _ # . space : @ = -; at most ${MAX_NAME} characters`);
  }
  return name;
}

export function existingCertkey(ctx: RequestContext, name: string): CertkeyEntry {
  const entry = ctx.partition.running.certkeys.get(name);
  if (!entry) throw certkeyMissing(name);
  return entry;
}

function readFile(ctx: RequestContext, file: string): Buffer {
  const stored = ctx.partition.files.get(certkeyFilePath(file));
  if (!stored) throw fileMissing(file);
  return stored.content;
}

function loadCertificate(ctx: RequestContext, file: string): ParsedCertificate {
  const facts = parseCertificateFile(readFile(ctx, file));
  if (!facts) throw invalidCertificate(file);
  return facts;
}

function checkKey(ctx: RequestContext, file: string, passphrase: string | undefined, cert: ParsedCertificate, certkey: string): void {
  const reading = readPrivateKey(readFile(ctx, file), passphrase);
  if (!reading.ok) {
    throw sslError(1537, `Invalid private key, or PEM pass phrase required [${file}]${reading.reason === "passphrase" ? " (the key is encrypted: send the right passplain)" : ""}`);
  }
  if (reading.publicKeySpki !== cert.publicKeySpki) throw sslError(1538, `Certificate and private key do not match [${certkey}]`);
}

function rejectDuplicateContent(config: PartitionConfig, cert: ParsedCertificate, self: string): void {
  for (const other of config.certkeys.values()) {
    if (other.certkey !== self && other.facts.fingerprint === cert.fingerprint) throw alreadyExists(`certkeyName Contents, ${other.certkey}`);
  }
}

function monitorSettings(item: Item): Pick<CertkeyEntry, "expirymonitor" | "notificationperiod"> {
  const monitor = optionalString(item, "expirymonitor")?.toUpperCase();
  if (monitor !== undefined && monitor !== "ENABLED" && monitor !== "DISABLED") throw invalidArgumentValue("expirymonitor", "ENABLED or DISABLED");
  const period = optionalNumber(item, "notificationperiod");
  if (period !== undefined && (!Number.isInteger(period) || period < 10 || period > 100)) throw invalidArgumentValue("notificationperiod", "10 to 100 days");
  return { ...(monitor !== undefined ? { expirymonitor: monitor } : {}), ...(period !== undefined ? { notificationperiod: period } : {}) };
}

function informOf(item: Item): string {
  const inform = (optionalString(item, "inform") ?? "PEM").toUpperCase();
  if (inform !== "PEM" && inform !== "DER") throw invalidArgumentValue("inform", "PEM or DER (the emulator reads no PFX)");
  return inform;
}

const add: ItemsRoute = {
  kind: "items",
  cli: "add ssl certKey",
  successStatus: 201,
  rollbackAllowed: true,
  apply(ctx, item) {
    const name = certkeyName(item);
    const certFile = requiredString(item, "cert");
    const keyFile = optionalString(item, "key");
    const passphrase = optionalString(item, "passplain");
    const inform = informOf(item);
    const settings = monitorSettings(item);
    const config = ctx.partition.running;
    if (config.certkeys.has(name)) throw alreadyExists(name);
    const facts = loadCertificate(ctx, certFile);
    if (keyFile !== undefined) checkKey(ctx, keyFile, passphrase, facts, name);
    rejectDuplicateContent(config, facts, name);
    config.certkeys.set(name, { certkey: name, cert: certFile, ...(keyFile !== undefined ? { key: keyFile, passphrase } : {}), inform, ...settings, facts });
  },
};

const update: ItemsRoute = {
  kind: "items",
  cli: "update ssl certKey",
  successStatus: 200,
  rollbackAllowed: false,
  apply(ctx, item) {
    const name = optionalString(item, "certkey") ?? ctx.name;
    if (name === undefined) throw invalidArgumentValue("certkey");
    const entry = existingCertkey(ctx, name);
    const certFile = requiredString(item, "cert");
    const keyFile = optionalString(item, "key") ?? entry.key;
    const passphrase = optionalString(item, "passplain") ?? (keyFile === entry.key ? entry.passphrase : undefined);
    const facts = loadCertificate(ctx, certFile);
    if (keyFile !== undefined) checkKey(ctx, keyFile, passphrase, facts, name);
    if (optionalBoolean(item, "nodomaincheck") !== true && domainOf(facts) !== domainOf(entry.facts)) {
      throw sslError(3585, `Certificate domain differs from the existing one; use no domain check [${name}]`);
    }
    rejectDuplicateContent(ctx.partition.running, facts, name);
    const inform = item.inform !== undefined ? informOf(item) : entry.inform;
    ctx.partition.running.certkeys.set(name, { ...entry, cert: certFile, key: keyFile, passphrase, inform, facts });
  },
};

const FIXED_FIELDS = ["cert", "key", "passplain", "inform", "linkcertkeyname", "bundle"];

const set: ItemsRoute = {
  kind: "items",
  cli: "set ssl certKey",
  successStatus: 200,
  rollbackAllowed: false,
  apply(ctx, item) {
    const name = requiredString(item, "certkey");
    const entry = existingCertkey(ctx, name);
    const fixed = FIXED_FIELDS.find((f) => item[f] !== undefined);
    if (fixed) throw new NitroError(400, 278, `Invalid argument [${fixed}] (use ?action=update to change the certificate or key, ?action=link to link a CA)`);
    Object.assign(entry, monitorSettings(item));
  },
};

const link: ItemsRoute = {
  kind: "items",
  cli: "link ssl certKey",
  successStatus: 200,
  rollbackAllowed: false,
  apply(ctx, item) {
    const name = requiredString(item, "certkey");
    const caName = requiredString(item, "linkcertkeyname");
    const entry = existingCertkey(ctx, name);
    const ca = existingCertkey(ctx, caName);
    if (name === caName) throw sslError(1543, `A certificate cannot be linked to itself [${name}]`);
    if (entry.linkcertkeyname !== undefined) throw alreadyLinked(name, entry.linkcertkeyname);
    if (!isIssuedBy(entry.facts, ca.facts)) throw notIssuedBy(name, caName);
    entry.linkcertkeyname = caName;
  },
};

const unlink: ItemsRoute = {
  kind: "items",
  cli: "unlink ssl certKey",
  successStatus: 200,
  rollbackAllowed: false,
  apply(ctx, item) {
    const name = requiredString(item, "certkey");
    const entry = existingCertkey(ctx, name);
    if (entry.linkcertkeyname === undefined) throw sslError(1545, `No such CA link to remove [${name}]`);
    delete entry.linkcertkeyname;
  },
};

const remove: ItemsRoute = {
  kind: "items",
  cli: "rm ssl certKey",
  successStatus: 200,
  rollbackAllowed: false,
  itemFromPath: (ctx) => ({ certkey: ctx.name ?? ctx.query.args.certkey, deletefromdevice: ctx.query.args.deletefromdevice }),
  apply(ctx, item) {
    const name = requiredString(item, "certkey");
    const entry = existingCertkey(ctx, name);
    const config = ctx.partition.running;
    const boundTo = config.bindings.find((b) => b.certkeyname === name);
    const linkedFrom = [...config.certkeys.values()].find((c) => c.linkcertkeyname === name);
    if (boundTo || linkedFrom) {
      const by = boundTo ? `vserver ${boundTo.vservername}` : `certkey ${linkedFrom?.certkey}`;
      throw sslError(1541, `Certificate is referenced by a CRL, OCSP responder, vserver, service, or another certificate [${name}, ${by}]`);
    }
    config.certkeys.delete(name);
    if (optionalBoolean(item, "deletefromdevice") === true) {
      ctx.partition.files.delete(certkeyFilePath(entry.cert));
      if (entry.key !== undefined) ctx.partition.files.delete(certkeyFilePath(entry.key));
    }
  },
};

export function describeCertkey(entry: CertkeyEntry, now: Date): Record<string, unknown> {
  const f = entry.facts;
  const type = f.isCa ? (f.selfIssued ? "ROOT_CERT" : "INTM_CERT") : "SRVR_CERT";
  return {
    certkey: entry.certkey,
    cert: entry.cert,
    ...(entry.key !== undefined ? { key: entry.key } : {}),
    inform: entry.inform,
    serial: f.serial,
    issuer: f.issuer,
    subject: f.subject,
    sandns: f.subjectAltNames.join(","),
    clientcertnotbefore: f.notBeforeText,
    clientcertnotafter: f.notAfterText,
    daystoexpiration: daysToExpiration(f, now),
    status: certificateStatus(f, now),
    ...(entry.linkcertkeyname !== undefined ? { linkcertkeyname: entry.linkcertkeyname } : {}),
    ...(entry.expirymonitor !== undefined ? { expirymonitor: entry.expirymonitor } : {}),
    ...(entry.notificationperiod !== undefined ? { notificationperiod: entry.notificationperiod } : {}),
    certificatetype: [type],
    signaturealg: f.signatureAlgorithm,
    publickeysize: f.publicKeySize,
  };
}

const read: ReadRoute = {
  kind: "read",
  run(ctx) {
    const now = ctx.appliance.now();
    if (ctx.name !== undefined) return shapeListing("sslcertkey", [describeCertkey(existingCertkey(ctx, ctx.name), now)], ctx.query);
    return shapeListing("sslcertkey", [...ctx.partition.running.certkeys.values()].map((e) => describeCertkey(e, now)), ctx.query);
  },
};

export function sslcertkeyRoute(ctx: RequestContext): Route | undefined {
  const action = actionOf(ctx);
  if (ctx.method === "GET") return read;
  if (ctx.method === "DELETE") return remove;
  if (ctx.method === "PUT" && action === "") return set;
  if (ctx.method !== "POST") return undefined;
  const byAction: Record<string, ItemsRoute> = { "": add, update, link, unlink, [BULK_RM_ACTION]: remove };
  return byAction[action];
}
