// systemfile: files under /nsconfig/ssl/ (and other folders), per admin partition.
import type { RequestContext } from "./appliance";
import { NitroError, invalidArgumentValue, missingArgument, noSuchResource } from "./errors";
import { asctime, folderOf, joinPath, normalizeFolder } from "./files";
import type { ItemsRoute, ReadRoute, Route } from "./routes";
import { actionOf } from "./routes";
import { SYSTEMFILE_OVERRIDE_SUPPORTED, BULK_RM_ACTION } from "./unverified";
import { listing, optionalString, requiredString, type Item } from "./wire";

const MAX_FILENAME = 63;
const MAX_FILELOCATION = 127;
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

const fileExists = (): NitroError => new NitroError(409, 1642, "Cannot create output file. File already exists");

function fileName(item: Item): string {
  const name = requiredString(item, "filename");
  if (name.includes("/")) throw invalidArgumentValue("filename", "a file name, without a folder");
  if (name.length > MAX_FILENAME) throw invalidArgumentValue("filename", `at most ${MAX_FILENAME} characters`);
  return name;
}

function fileLocation(item: Item): string {
  const location = requiredString(item, "filelocation");
  if (location.length > MAX_FILELOCATION) throw invalidArgumentValue("filelocation", `at most ${MAX_FILELOCATION} characters`);
  return location;
}

const add: ItemsRoute = {
  kind: "items",
  cli: "add system file",
  successStatus: 201,
  rollbackAllowed: true,
  apply(ctx, item) {
    const name = fileName(item);
    const path = joinPath(fileLocation(item), name);
    const content = item.filecontent;
    if (content === undefined || content === null) throw missingArgument("filecontent");
    if (typeof content !== "string" || !BASE64.test(content)) throw invalidArgumentValue("filecontent", "base64 expected");
    const encoding = optionalString(item, "fileencoding") ?? "BASE64";
    if (encoding.toUpperCase() !== "BASE64") throw invalidArgumentValue("fileencoding", "only BASE64 is supported");
    const override = SYSTEMFILE_OVERRIDE_SUPPORTED && (ctx.query.params.override ?? "").toLowerCase() === "yes";
    if (ctx.partition.files.has(path) && !override) throw fileExists();
    ctx.partition.files.set(path, { content: Buffer.from(content, "base64"), modifiedAt: ctx.appliance.now() });
  },
};

const remove: ItemsRoute = {
  kind: "items",
  cli: "rm system file",
  successStatus: 200,
  rollbackAllowed: false,
  itemFromPath: (ctx) => ({ filename: ctx.name ?? ctx.query.args.filename, filelocation: ctx.query.args.filelocation }),
  apply(ctx, item) {
    const name = fileName(item);
    const path = joinPath(fileLocation(item), name);
    if (!ctx.partition.files.delete(path)) throw noSuchResource("systemfile", name);
  },
};

const read: ReadRoute = {
  kind: "read",
  run(ctx) {
    const location = ctx.query.args.filelocation ?? ctx.query.filter.filelocation;
    const name = ctx.name ?? ctx.query.args.filename;
    if (location === undefined) throw missingArgument("filelocation");
    if (name !== undefined) {
      const file = ctx.partition.files.get(joinPath(location, name));
      if (!file) throw noSuchResource("systemfile", name);
      return listing("systemfile", [{ ...describe(name, location, file.content.length, file.modifiedAt, "FILE"), filecontent: file.content.toString("base64"), fileencoding: "BASE64" }]);
    }
    return listing("systemfile", folderListing(ctx, location));
  },
};

function folderListing(ctx: RequestContext, location: string): object[] {
  const folder = normalizeFolder(location);
  const entries: object[] = [];
  const subfolders = new Set<string>();
  for (const [path, file] of ctx.partition.files) {
    if (folderOf(path) === folder) entries.push(describe(path.slice(path.lastIndexOf("/") + 1), location, file.content.length, file.modifiedAt, "FILE"));
    else if (path.startsWith(folder === "/" ? "/" : `${folder}/`)) subfolders.add(path.slice(folder.length).split("/").filter(Boolean)[0]);
  }
  for (const sub of subfolders) entries.push(describe(sub, location, 4096, ctx.appliance.now(), "DIRECTORY"));
  return entries;
}

function describe(filename: string, filelocation: string, size: number, modified: Date, mode: string): object {
  const time = asctime(modified);
  return { filename, filelocation, filesize: size, filemodifiedtime: time, fileaccesstime: time, filemode: [mode] };
}

export function systemfileRoute(ctx: RequestContext): Route | undefined {
  if (ctx.method === "GET") return read;
  if (ctx.method === "DELETE") return remove;
  if (ctx.method === "POST") {
    const action = actionOf(ctx);
    if (action === "") return add;
    if (action === BULK_RM_ACTION) return remove;
  }
  return undefined;
}
