// Applies a write item by item: one object, or an array under X-NITRO-ONERROR exit /
// continue / rollback, answering 207 / 1243 with per-item results when any item fails.
import type { RequestContext } from "./appliance";
import { NitroError, invalidArgumentValue } from "./errors";
import type { ItemsRoute } from "./routes";
import { cloneConfig, cloneFiles } from "./state";
import { DEFAULT_ON_ERROR } from "./unverified";
import { done, errorBody, isItem, type Item, type Reply } from "./wire";

type OnError = "exit" | "continue" | "rollback";

export function applyOne(ctx: RequestContext, route: ItemsRoute, item: Item): Reply {
  const outcome = route.apply(ctx, item);
  const wantsWarnings = (ctx.query.params.warning ?? "").toLowerCase() === "yes";
  if (outcome && outcome.warning && wantsWarnings) {
    return { status: route.successStatus, body: { errorcode: outcome.warning.errorcode, message: outcome.warning.message, severity: "WARNING" } };
  }
  return done(route.successStatus);
}

export function applyBulk(ctx: RequestContext, route: ItemsRoute, items: unknown[], onErrorHeader: string | undefined): Reply {
  const onError = (onErrorHeader ?? DEFAULT_ON_ERROR).toLowerCase();
  if (onError !== "exit" && onError !== "continue" && onError !== "rollback") throw invalidArgumentValue("X-NITRO-ONERROR", "exit, continue or rollback");
  if (onError === "rollback" && !route.rollbackAllowed) throw invalidArgumentValue("X-NITRO-ONERROR", `rollback is valid for add and bind only, not ${route.cli}`);
  const mode: OnError = onError;
  const partition = ctx.partition;
  const before = mode === "rollback" ? { config: cloneConfig(partition.running), files: cloneFiles(partition.files) } : undefined;
  const results: Record<string, unknown>[] = [];
  let failed = false;
  for (const item of items) {
    try {
      if (!isItem(item)) throw invalidArgumentValue(ctx.type, "each bulk item must be an object");
      route.apply(ctx, item);
      results.push({ errorcode: 0, message: "Done", severity: "NONE" });
    } catch (error) {
      if (!(error instanceof NitroError)) throw error;
      results.push(errorBody(error.errorcode, error.message));
      failed = true;
      if (mode !== "continue") break;
    }
  }
  if (!failed) return done(route.successStatus);
  if (before) {
    partition.running = before.config;
    partition.files = before.files;
  }
  return { status: 207, body: { errorcode: 1243, message: "Bulk operation failed", severity: "ERROR", response: results } };
}
