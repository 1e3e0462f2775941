// One-off commands: saving the configuration, switching admin partitions, login and logout.
import { setTimeout as sleep } from "node:timers/promises";
import type { Appliance, RequestContext } from "./appliance";
import { NitroError, invalidArgumentValue } from "./errors";
import type { CommandRoute, ReadRoute, Route } from "./routes";
import { actionOf } from "./routes";
import { loginCookies, sessionExpired, type Session } from "./sessions";
import { cloneConfig } from "./state";
import { partitionSwitchNeedsSession } from "./unverified";
import { done, isItem, listing, optionalBoolean, optionalNumber, requiredString, type Item, type Reply } from "./wire";

function bodyObject(body: Item, type: string): Item {
  const inner = body[type];
  if (inner === undefined) return {};
  if (!isItem(inner)) throw invalidArgumentValue(type, "expected an object");
  return inner;
}

const save: CommandRoute = {
  kind: "command",
  cli: "save ns config",
  write: true,
  async run(ctx, body) {
    const appliance = ctx.appliance;
    if (appliance.saving) throw new NitroError(599, 293, "Operation already in progress [save ns config]; retry after a short wait");
    const all = optionalBoolean(bodyObject(body, "nsconfig"), "all") === true;
    const partitions = all ? [...appliance.partitions.values()] : [ctx.partition];
    const copies = partitions.map((p) => ({ partition: p, config: cloneConfig(p.running) }));
    if (appliance.saveDurationMs > 0) {
      const boot = appliance.bootCount;
      appliance.saving = true;
      try {
        await sleep(appliance.saveDurationMs);
      } finally {
        if (appliance.bootCount === boot) appliance.saving = false;
      }
      if (appliance.bootCount !== boot) throw new NitroError(599, 293, "Operation already in progress [save ns config] (interrupted by a reboot)");
    }
    for (const { partition, config } of copies) partition.saved = config;
    return done(200);
  },
};

const switchPartition: CommandRoute = {
  kind: "command",
  cli: "switch ns partition",
  write: false,
  async run(ctx, body) {
    const session = ctx.principal.session;
    if (!session) throw partitionSwitchNeedsSession();
    const name = requiredString(bodyObject(body, "nspartition"), "partitionname");
    ctx.appliance.partition(name);
    session.partition = name;
    return done(200);
  },
};

const listPartitions: ReadRoute = {
  kind: "read",
  run(ctx) {
    return listing("nspartition", [...ctx.appliance.partitions.keys()].map((partitionname) => ({ partitionname })));
  },
};

export function nsconfigRoute(ctx: RequestContext): Route | undefined {
  return ctx.method === "POST" && actionOf(ctx) === "save" ? save : undefined;
}

export function nspartitionRoute(ctx: RequestContext): Route | undefined {
  if (ctx.method === "GET") return listPartitions;
  return ctx.method === "POST" && actionOf(ctx) === "switch" ? switchPartition : undefined;
}

export interface LoginReply extends Reply {
  cookies: string[];
}

/** POST /login: 201 with the session id in the body and as cookies. */
export function login(appliance: Appliance, body: Item): LoginReply {
  const request = bodyObject(body, "login");
  const username = requiredString(request, "username");
  const password = requiredString(request, "password");
  const session = appliance.sessions.login(username, password, optionalNumber(request, "timeout"));
  const reply = done(201, { sessionid: session.id });
  return { ...reply, cookies: loginCookies(session) };
}

/** POST /logout ends the calling session. */
export function logout(appliance: Appliance, session: Session | undefined): Reply {
  if (!session) throw sessionExpired();
  appliance.sessions.logout(session);
  return done(200);
}
