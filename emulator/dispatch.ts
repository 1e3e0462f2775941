// Serves one NITRO request: authentication, permissions, HA role, routing, single or bulk writes.
import type { IncomingHttpHeaders } from "node:http";
import type { Appliance, RequestContext } from "./appliance";
import { applyBulk, applyOne } from "./bulk";
import { login, logout, nsconfigRoute, nspartitionRoute } from "./commands";
import { NitroError, invalidArgumentValue, missingArgument } from "./errors";
import type { Route } from "./routes";
import { sslcertkeyRoute } from "./sslcertkey";
import { systemfileRoute } from "./systemfile";
import { haSecondaryRefusal } from "./unverified";
import { bindingRoute, sslvserverRoute } from "./vservers";
import { isItem, parseNitroPath, parseQuery, type Item, type Reply } from "./wire";

export interface NitroRequest {
  method: string;
  /** pathname + search as received. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface NitroAnswer extends Reply {
  cookies?: string[];
  bulkItems?: number;
}

const ROUTES: Record<string, (ctx: RequestContext) => Route | undefined> = {
  systemfile: systemfileRoute,
  sslcertkey: sslcertkeyRoute,
  sslvserver: sslvserverRoute,
  sslvserver_sslcertkey_binding: bindingRoute,
  nsconfig: nsconfigRoute,
  nspartition: nspartitionRoute,
};

export async function serveNitro(appliance: Appliance, request: NitroRequest): Promise<NitroAnswer> {
  const queryStart = request.path.indexOf("?");
  const pathname = queryStart < 0 ? request.path : request.path.slice(0, queryStart);
  const nitroPath = parseNitroPath(pathname);
  if (!nitroPath || nitroPath.area !== "config") throw new NitroError(404, 258, `No such resource [${pathname}]`);
  const query = parseQuery(queryStart < 0 ? "" : request.path.slice(queryStart));
  const method = request.method.toUpperCase();

  if (nitroPath.type === "login") {
    if (method !== "POST") throw invalidArgumentValue("method", "login is POST");
    return login(appliance, parseBody(request.body));
  }
  const principal = appliance.sessions.authenticate(request.headers);
  if (nitroPath.type === "logout") return logout(appliance, principal.session);

  const ctx: RequestContext = {
    appliance,
    principal,
    partition: appliance.partition(principal.session?.partition ?? "default"),
    method,
    type: nitroPath.type,
    name: nitroPath.name,
    query,
  };
  const resolve = ROUTES[nitroPath.type];
  if (!resolve) throw new NitroError(404, 258, `No such resource [${nitroPath.type}] (the emulator does not model this type)`);
  const route = resolve(ctx);
  if (!route) throw new NitroError(405, 1097, `Invalid argument value [${method}${query.action ? ` ?action=${query.action}` : ""}] (not supported on ${nitroPath.type})`);
  if (route.kind === "read") return route.run(ctx);

  const writes = route.kind === "items" || route.write;
  if (writes && principal.user.readOnly) throw new NitroError(403, 2138, `Not authorized to execute this command [${route.cli}]`);
  if (writes && appliance.haRole === "secondary") throw haSecondaryRefusal();

  if (route.kind === "command") return route.run(ctx, parseBody(request.body));
  if (method === "DELETE" && route.itemFromPath) return applyOne(ctx, route, route.itemFromPath(ctx));
  const payload = parseBody(request.body)[nitroPath.type];
  if (payload === undefined) throw missingArgument(nitroPath.type);
  if (Array.isArray(payload)) {
    const onError = request.headers["x-nitro-onerror"];
    return { ...applyBulk(ctx, route, payload, Array.isArray(onError) ? onError[0] : onError), bulkItems: payload.length };
  }
  if (!isItem(payload)) throw invalidArgumentValue(nitroPath.type, "expected an object or an array of objects");
  return applyOne(ctx, route, payload);
}

function parseBody(text: string): Item {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidArgumentValue("body", "malformed JSON");
  }
  if (!isItem(parsed)) throw invalidArgumentValue("body", "expected a JSON object");
  return parsed;
}
