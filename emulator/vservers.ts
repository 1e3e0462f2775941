// sslvserver (the SSL settings of configured vservers) and its certificate bindings.
import type { RequestContext } from "./appliance";
import { NitroError, invalidArgumentValue, missingArgument, noSuchResource } from "./errors";
import { shapeListing } from "./listing";
import type { ItemsRoute, ReadRoute, Route } from "./routes";
import { actionOf } from "./routes";
import { existingCertkey } from "./sslcertkey";
import type { BindingEntry, VserverEntry } from "./state";
import { BULK_UNBIND_ACTION, NO_SUCH_VSERVER_STATUS, SSL_ERROR_STATUS, duplicateBinding, replacedDefaultCertificateWarning } from "./unverified";
import { listing, optionalBoolean, requiredString } from "./wire";

const BINDING = "sslvserver_sslcertkey_binding";

function existingVserver(ctx: RequestContext, name: string): VserverEntry {
  const vserver = ctx.partition.running.vservers.get(name);
  if (!vserver) throw new NitroError(NO_SUCH_VSERVER_STATUS, 461, `No such Vserver [${name}]`);
  return vserver;
}

function describeVserver(v: VserverEntry): Record<string, unknown> {
  return { vservername: v.name, snienable: v.snienable ? "ENABLED" : "DISABLED" };
}

function describeBinding(b: BindingEntry): Record<string, unknown> {
  return { vservername: b.vservername, certkeyname: b.certkeyname, snicert: b.snicert, ca: b.ca };
}

const readVserver: ReadRoute = {
  kind: "read",
  run(ctx) {
    const all = [...ctx.partition.running.vservers.values()];
    if (ctx.name === undefined) return shapeListing("sslvserver", all.map(describeVserver), ctx.query);
    const v = ctx.partition.running.vservers.get(ctx.name);
    if (!v) throw noSuchResource("sslvserver", ctx.name);
    return listing("sslvserver", [describeVserver(v)]);
  },
};

/** Changes `snienable` (the only SSL vserver setting the emulator models). */
const setVserver: ItemsRoute = {
  kind: "items",
  cli: "set ssl vserver",
  successStatus: 200,
  rollbackAllowed: false,
  apply(ctx, item) {
    const v = existingVserver(ctx, requiredString(item, "vservername"));
    const sni = optionalBoolean(item, "snienable");
    if (sni !== undefined) v.snienable = sni;
  },
};

const bind: ItemsRoute = {
  kind: "items",
  cli: "bind ssl vserver",
  successStatus: 201,
  rollbackAllowed: true,
  apply(ctx, item) {
    const vserver = existingVserver(ctx, requiredString(item, "vservername"));
    const certkeyName = requiredString(item, "certkeyname");
    const certkey = existingCertkey(ctx, certkeyName);
    const snicert = optionalBoolean(item, "snicert") ?? false;
    const ca = optionalBoolean(item, "ca") ?? false;
    const bindings = ctx.partition.running.bindings;
    const onVserver = bindings.filter((b) => b.vservername === vserver.name);
    if (onVserver.some((b) => b.certkeyname === certkeyName && b.snicert === snicert && b.ca === ca)) throw duplicateBinding(vserver.name, certkeyName);
    const added: BindingEntry = { vservername: vserver.name, certkeyname: certkeyName, snicert, ca };
    if (ca) {
      bindings.push(added);
      return;
    }
    if (snicert) {
      if (!vserver.snienable) throw new NitroError(SSL_ERROR_STATUS, 3627, `SNI is not enabled on the vserver [${vserver.name}]`);
      const cn = certkey.facts.commonName?.toLowerCase();
      const clash = onVserver.find((b) => b.snicert && !b.ca && ctx.partition.running.certkeys.get(b.certkeyname)?.facts.commonName?.toLowerCase() === cn);
      if (cn !== undefined && clash) throw new NitroError(SSL_ERROR_STATUS, 3629, `SNI certificate with a duplicate common name [${cn}, ${clash.certkeyname}]`);
      bindings.push(added);
      return;
    }
    const previous = bindings.findIndex((b) => b.vservername === vserver.name && !b.snicert && !b.ca);
    if (previous < 0) {
      bindings.push(added);
      return;
    }
    // One default certificate per vserver: the new one takes the old one's place.
    bindings.splice(previous, 1, added);
    return { warning: replacedDefaultCertificateWarning };
  },
};

const unbind: ItemsRoute = {
  kind: "items",
  cli: "unbind ssl vserver",
  successStatus: 200,
  rollbackAllowed: false,
  itemFromPath: (ctx) => ({ vservername: ctx.name ?? ctx.query.args.vservername, ...ctx.query.args }),
  apply(ctx, item) {
    const vserver = existingVserver(ctx, requiredString(item, "vservername"));
    const certkeyName = requiredString(item, "certkeyname");
    const snicert = optionalBoolean(item, "snicert") ?? false;
    const ca = optionalBoolean(item, "ca") ?? false;
    const bindings = ctx.partition.running.bindings;
    const index = bindings.findIndex((b) => b.vservername === vserver.name && b.certkeyname === certkeyName && b.snicert === snicert && b.ca === ca);
    if (index < 0) throw noSuchResource(BINDING, `${vserver.name}, ${certkeyName}`);
    bindings.splice(index, 1);
  },
};

const readBindings: ReadRoute = {
  kind: "read",
  run(ctx) {
    const bindings = ctx.partition.running.bindings;
    if (ctx.name !== undefined) {
      existingVserver(ctx, ctx.name);
      return shapeListing(BINDING, bindings.filter((b) => b.vservername === ctx.name).map(describeBinding), ctx.query);
    }
    if ((ctx.query.params.bulkbindings ?? "").toLowerCase() !== "yes") throw missingArgument("vservername");
    return shapeListing(BINDING, bindings.map(describeBinding), ctx.query);
  },
};

export function sslvserverRoute(ctx: RequestContext): Route | undefined {
  if (ctx.method === "GET") return readVserver;
  if (ctx.method === "PUT") return setVserver;
  return undefined;
}

export function bindingRoute(ctx: RequestContext): Route | undefined {
  const action = actionOf(ctx);
  if (ctx.method === "GET") return readBindings;
  if (ctx.method === "DELETE") return unbind;
  if (ctx.method === "PUT" && action === "") return bind;
  if (ctx.method === "POST" && action === "") return bind;
  if (ctx.method === "POST" && action === BULK_UNBIND_ACTION) return unbind;
  if (action !== "") throw invalidArgumentValue("action", `${action} is not supported on ${BINDING}`);
  return undefined;
}
