// Answers that mean "already as wanted": checked against the appliance, then counted as done.
// A file or certkey this sync would have created, a binding already there, an object already
// gone. This is what lets a run that follows an interrupted one converge.
import { fileNameOf } from "../naming";
import { isAlreadyExistsAnswer, type NitroError } from "../nitro";
import type { ApplyContext, OperationOf } from "./context";

/** A file with our content-derived name is adopted when its content is byte-for-byte ours. */
export async function adoptExistingFile(context: ApplyContext, op: OperationOf<"uploadFile">, error: NitroError, phase: OperationOf<"uploadFile">[]): Promise<boolean> {
  if (!isAlreadyExistsAnswer(error)) return false;
  const existing = await context.session.getFile(op.fileName);
  if (existing === null) return false;
  if (existing.contentBase64 === base64(op.contentPem)) return true;
  return replaceOwnLeftoverKey(context, op, phase);
}

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/**
 * A key file under our name with other bytes, beside a certificate file that is byte-for-byte
 * ours: left by an interrupted run that was given the same key encoded or encrypted differently
 * (encryption is salted, so a re-exported key differs). Unused, it is replaced; else it stays.
 */
async function replaceOwnLeftoverKey(context: ApplyContext, op: OperationOf<"uploadFile">, phase: OperationOf<"uploadFile">[]): Promise<boolean> {
  const { session } = context;
  const sibling = op.secret && op.fileName.endsWith(".key") ? phase.find((o) => o.fileName === `${op.fileName.slice(0, -".key".length)}.cer`) : undefined;
  if (!sibling) return false;
  const certificate = await session.getFile(sibling.fileName);
  if (certificate === null || certificate.contentBase64 !== base64(sibling.contentPem)) return false;
  const certkeys = await session.getCertkeys();
  const inUse = certkeys.some((c) => [c.cert, c.key].some((path) => path !== undefined && fileNameOf(path) === op.fileName));
  if (inUse) return false;
  context.logger.info(`replacing /nsconfig/ssl/${op.fileName}, left by an interrupted run with the key in another encoding`);
  const [removed] = await session.deleteFiles([op.fileName]);
  if (!removed.ok) return false;
  const [uploaded] = await session.uploadFiles([{ fileName: op.fileName, content: op.contentPem }]);
  return uploaded.ok;
}

/** `Resource already exists [certkeyName Contents, <other>]`: the certificate is there under another name. */
const CONTENT_EXISTS = /certkeyName Contents,\s*([^\]]+)\]/;

export async function adoptExistingCertkey(context: ApplyContext, op: OperationOf<"addCertkey">, error: NitroError): Promise<boolean> {
  if (!isAlreadyExistsAnswer(error)) return false;
  const existing = await context.session.getCertkey(op.certkeyName);
  if (existing && fileNameOf(existing.cert) === op.certFile) return true;
  const otherName = CONTENT_EXISTS.exec(error.nitroMessage ?? error.message)?.[1]?.trim();
  if (!existing && op.keyFile === undefined && otherName) {
    // A CA certificate already installed under another name (often by hand): link to that one.
    context.caRenames.set(op.certkeyName, otherName);
    context.unusedCaFiles.push(op.certFile);
    context.notes.push(`CA certificate of ${op.certkeyName} already exists on the appliance as ${otherName}; linking to it`);
    context.logger.info(`using existing CA certkey ${otherName} instead of adding ${op.certkeyName}`);
    return true;
  }
  return false;
}

/**
 * CA certkeys are shared: another sync's (or a hand-made) certificate may still link to one we
 * added. The appliance then refuses the delete (1541); the CA stays, with its file, and leaves
 * our record, so later runs do not keep trying.
 */
export async function keepCaInUse(context: ApplyContext, op: OperationOf<"deleteCertkey">, error: NitroError): Promise<boolean> {
  const ca = context.previous.caCertkeys[op.certkeyName];
  if (error.errorcode !== 1541 || !ca) return false;
  context.filesStillInUse.add(ca.certFile);
  context.notes.push(`CA certkey ${op.certkeyName} is still used by other certificates on the appliance; left in place`);
  return true;
}

export async function isBound(context: ApplyContext, vserver: string, certkeyName: string, sni: boolean): Promise<boolean> {
  const bindings = await context.session.getVserverBindings(vserver);
  return bindings.some((b) => b.certkeyname === certkeyName && b.snicert === sni);
}
