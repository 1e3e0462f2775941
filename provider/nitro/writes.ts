// The write operations of a sync, each described once: its single request, its bulk form,
// and how to tell after a lost answer whether it already happened.
import type { ItemOperation } from "./bulk";
import { isAlreadyExistsAnswer, isNotFoundAnswer } from "./errors";
import { argsQuery, configPath, SSL_FOLDER, withQuery } from "./paths";
import type { Reads } from "./reads";
import type { BindingSpec, CertkeyAdd, CertkeyLink, CertkeyUpdate, FileUpload } from "./types";
import { BULK_DELETE_CERTKEYS, BULK_DELETE_FILES, BULK_UNBIND } from "./unverified";


function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

const sameFile = (actual: string | undefined, wanted: string | undefined) =>
  (actual ?? "").replace(/^\/nsconfig\/ssl\//, "") === (wanted ?? "").replace(/^\/nsconfig\/ssl\//, "");

export function writeOperations(reads: Reads) {
  const certkeyAction = (action: string) => configPath("sslcertkey") + `?action=${action}`;

  const uploadFile: ItemOperation<FileUpload> = {
    operation: "add systemfile",
    type: "systemfile",
    kind: "create",
    name: (f) => f.fileName,
    wire: (f) => ({ filename: f.fileName, filelocation: SSL_FOLDER, filecontent: Buffer.from(f.content, "utf8").toString("base64"), fileencoding: "BASE64" }),
    single: (f) => ({ method: "POST", path: configPath("systemfile"), body: { systemfile: uploadFile.wire(f) }, operation: "add systemfile", objectName: f.fileName, kind: "create" }),
    bulk: { method: "POST", path: configPath("systemfile") },
    verifyDone: async (f) => {
      const found = await reads.getFile(f.fileName);
      return found !== null && Buffer.from(found.contentBase64, "base64").equals(Buffer.from(f.content, "utf8"));
    },
  };

  const addCertkey: ItemOperation<CertkeyAdd> = {
    operation: "add sslcertkey",
    type: "sslcertkey",
    kind: "create",
    name: (c) => c.certkey,
    wire: (c) => compact({ certkey: c.certkey, cert: c.cert, key: c.key, passplain: c.passplain, inform: "PEM" }),
    single: (c) => ({ method: "POST", path: configPath("sslcertkey"), body: { sslcertkey: addCertkey.wire(c) }, operation: "add sslcertkey", objectName: c.certkey, kind: "create" }),
    bulk: { method: "POST", path: configPath("sslcertkey") },
    verifyDone: async (c) => {
      const found = await reads.getCertkey(c.certkey);
      return found !== null && sameFile(found.cert, c.cert) && (c.key === undefined || sameFile(found.key, c.key));
    },
  };

  const updateCertkey: ItemOperation<CertkeyUpdate> = {
    operation: "update sslcertkey",
    type: "sslcertkey",
    kind: "idempotent",
    name: (c) => c.certkey,
    wire: (c) => compact({ certkey: c.certkey, cert: c.cert, key: c.key, passplain: c.passplain, nodomaincheck: true }),
    single: (c) => ({ method: "POST", path: certkeyAction("update"), body: { sslcertkey: updateCertkey.wire(c) }, operation: "update sslcertkey", objectName: c.certkey, kind: "idempotent" }),
    bulk: { method: "POST", path: certkeyAction("update") },
  };

  const linkCertkey: ItemOperation<CertkeyLink> = {
    operation: "link sslcertkey",
    type: "sslcertkey",
    kind: "idempotent",
    name: (c) => c.certkey,
    wire: (c) => ({ certkey: c.certkey, linkcertkeyname: c.linkcertkeyname }),
    single: (c) => ({ method: "POST", path: certkeyAction("link"), body: { sslcertkey: linkCertkey.wire(c) }, operation: "link sslcertkey", objectName: c.certkey, kind: "idempotent" }),
    bulk: { method: "POST", path: certkeyAction("link") },
    alreadyDone: async (c) => (await reads.getCertkey(c.certkey))?.linkcertkeyname === c.linkcertkeyname,
  };

  const unlinkCertkey: ItemOperation<string> = {
    operation: "unlink sslcertkey",
    type: "sslcertkey",
    kind: "idempotent",
    name: (n) => n,
    wire: (n) => ({ certkey: n }),
    single: (n) => ({ method: "POST", path: certkeyAction("unlink"), body: { sslcertkey: { certkey: n } }, operation: "unlink sslcertkey", objectName: n, kind: "idempotent" }),
    bulk: { method: "POST", path: certkeyAction("unlink") },
    alreadyDone: (_n, e) => e.errorcode === 1545,
  };

  const bindingName = (b: BindingSpec) => `${b.certkeyname} on ${b.vservername}${b.snicert ? " (SNI)" : ""}`;

  const bind: ItemOperation<BindingSpec> = {
    operation: "bind sslvserver_sslcertkey_binding",
    type: "sslvserver_sslcertkey_binding",
    kind: "idempotent",
    name: bindingName,
    wire: (b) => ({ vservername: b.vservername, certkeyname: b.certkeyname, snicert: b.snicert }),
    single: (b) => ({ method: "PUT", path: configPath("sslvserver_sslcertkey_binding"), body: { sslvserver_sslcertkey_binding: bind.wire(b) }, operation: bind.operation, objectName: bindingName(b), kind: "idempotent" }),
    bulk: { method: "PUT", path: configPath("sslvserver_sslcertkey_binding") },
    alreadyDone: (_b, e) => isAlreadyExistsAnswer(e),
  };

  const unbind: ItemOperation<BindingSpec> = {
    operation: "unbind sslvserver_sslcertkey_binding",
    type: "sslvserver_sslcertkey_binding",
    kind: "idempotent",
    name: bindingName,
    wire: (b) => ({ vservername: b.vservername, certkeyname: b.certkeyname, snicert: b.snicert }),
    single: (b) => ({
      method: "DELETE",
      path: withQuery(configPath("sslvserver_sslcertkey_binding", b.vservername), { args: argsQuery(b.snicert ? { certkeyname: b.certkeyname, snicert: true } : { certkeyname: b.certkeyname }) }),
      operation: unbind.operation,
      objectName: bindingName(b),
      kind: "idempotent",
    }),
    bulk: { method: BULK_UNBIND.method, path: BULK_UNBIND.path },
    alreadyDone: (_b, e) => isNotFoundAnswer(e),
  };

  const deleteCertkey: ItemOperation<string> = {
    operation: "delete sslcertkey",
    type: BULK_DELETE_CERTKEYS.type,
    kind: "idempotent",
    name: (n) => n,
    wire: (n) => ({ certkey: n }),
    single: (n) => ({ method: "DELETE", path: configPath("sslcertkey", n), operation: "delete sslcertkey", objectName: n, kind: "idempotent" }),
    bulk: { method: BULK_DELETE_CERTKEYS.method, path: BULK_DELETE_CERTKEYS.path },
    alreadyDone: (_n, e) => isNotFoundAnswer(e),
  };

  const deleteFile: ItemOperation<string> = {
    operation: "delete systemfile",
    type: BULK_DELETE_FILES.type,
    kind: "idempotent",
    name: (n) => n,
    wire: (n) => ({ filename: n, filelocation: SSL_FOLDER }),
    single: (n) => ({ method: "DELETE", path: withQuery(configPath("systemfile", n), { args: argsQuery({ filelocation: SSL_FOLDER }) }), operation: "delete systemfile", objectName: n, kind: "idempotent" }),
    bulk: { method: BULK_DELETE_FILES.method, path: BULK_DELETE_FILES.path },
    alreadyDone: (_n, e) => isNotFoundAnswer(e),
  };

  return { uploadFile, addCertkey, updateCertkey, linkCertkey, unlinkCertkey, bind, unbind, deleteCertkey, deleteFile };
}
