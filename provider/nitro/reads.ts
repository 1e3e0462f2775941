// The GET side of the session: vservers, bindings, certkeys and files, normalised from
// NITRO's loose typing ("ENABLED", "true", numbers as strings) into plain values.
import { errorFromResponse, type NitroCaller, type NitroResponse } from "./caller";
import { argsQuery, configPath, SSL_FOLDER, withQuery } from "./paths";
import type { NitroBinding, NitroCertkey, NitroVserver } from "./types";
import { NO_SUCH_VSERVER } from "./unverified";

type Row = Record<string, unknown>;

const MISSING = new Set([258, 1540, NO_SUCH_VSERVER]);

function isMissing(resp: NitroResponse): boolean {
  return resp.status === 404 || MISSING.has(resp.body.errorcode ?? -1);
}

function rows(resp: NitroResponse, type: string): Row[] {
  const list = resp.body[type];
  return Array.isArray(list) ? (list.filter((r) => r !== null && typeof r === "object") as Row[]) : [];
}

export function flag(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return ["true", "enabled", "yes", "on"].includes(value.toLowerCase());
  return false;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

export function toCertkey(row: Row): NitroCertkey {
  const out: NitroCertkey = { certkey: text(row.certkey) ?? "", cert: text(row.cert) ?? "" };
  for (const field of ["key", "serial", "subject", "issuer", "status", "linkcertkeyname", "clientcertnotafter"] as const) {
    const value = text(row[field]);
    if (value !== undefined && value !== "") out[field] = value;
  }
  const days = Number(row.daystoexpiration);
  if (row.daystoexpiration !== undefined && Number.isFinite(days)) out.daystoexpiration = days;
  return out;
}

export class Reads {
  constructor(private readonly caller: NitroCaller) {}

  private async get(operation: string, objectName: string | undefined, path: string): Promise<NitroResponse | null> {
    const resp = await this.caller.exchange({ method: "GET", path, operation, objectName, kind: "read" });
    if (resp.status < 300) return resp;
    if (isMissing(resp)) return null;
    throw errorFromResponse({ operation, objectName }, resp);
  }

  async getVserver(name: string): Promise<NitroVserver | null> {
    const resp = await this.get("get sslvserver", name, configPath("sslvserver", name));
    const row = resp && rows(resp, "sslvserver")[0];
    return row ? { vservername: text(row.vservername) ?? name, snienable: flag(row.snienable) } : null;
  }

  /** Bindings of a vserver; a missing vserver has none. */
  async getVserverBindings(name: string): Promise<NitroBinding[]> {
    const resp = await this.get("get sslvserver_sslcertkey_binding", name, configPath("sslvserver_sslcertkey_binding", name));
    if (!resp) return [];
    return rows(resp, "sslvserver_sslcertkey_binding").map((row) => ({
      vservername: text(row.vservername) ?? name,
      certkeyname: text(row.certkeyname) ?? "",
      snicert: flag(row.snicert),
      ca: flag(row.ca),
    }));
  }

  async getCertkey(name: string): Promise<NitroCertkey | null> {
    const resp = await this.get("get sslcertkey", name, configPath("sslcertkey", name));
    const row = resp && rows(resp, "sslcertkey")[0];
    return row ? toCertkey(row) : null;
  }

  async getCertkeys(): Promise<NitroCertkey[]> {
    const resp = await this.get("get sslcertkey", undefined, configPath("sslcertkey"));
    return resp ? rows(resp, "sslcertkey").map(toCertkey) : [];
  }

  async getFile(fileName: string): Promise<{ fileName: string; contentBase64: string } | null> {
    const path = withQuery(configPath("systemfile"), { args: argsQuery({ filename: fileName, filelocation: SSL_FOLDER }) });
    const resp = await this.get("get systemfile", fileName, path);
    const row = resp && rows(resp, "systemfile")[0];
    return row ? { fileName: text(row.filename) ?? fileName, contentBase64: text(row.filecontent) ?? "" } : null;
  }

  async listFiles(): Promise<string[]> {
    const path = withQuery(configPath("systemfile"), { args: argsQuery({ filelocation: SSL_FOLDER }) });
    const resp = await this.get("list systemfile", SSL_FOLDER, path);
    if (!resp) return [];
    return rows(resp, "systemfile")
      .filter((row) => !JSON.stringify(row.filemode ?? "").toUpperCase().includes("DIRECTORY"))
      .map((row) => text(row.filename))
      .filter((n): n is string => n !== undefined && n !== "");
  }
}
