// How the router sees an endpoint: a read, a write applied item by item (so it can be sent
// singly or in bulk), or a one-off command such as save or partition switch.
import type { RequestContext } from "./appliance";
import type { Item, Reply } from "./wire";

export interface ItemOutcome {
  warning?: { errorcode: number; message: string };
}

export interface ReadRoute {
  kind: "read";
  run(ctx: RequestContext): Reply;
}

export interface ItemsRoute {
  kind: "items";
  /** The CLI command, for 403 / 2138 messages, e.g. "add ssl certKey". */
  cli: string;
  successStatus: number;
  /** X-NITRO-ONERROR: rollback is valid for add and bind only. */
  rollbackAllowed: boolean;
  /** DELETE takes its one item from the path name and args instead of a body. */
  itemFromPath?: (ctx: RequestContext) => Item;
  apply(ctx: RequestContext, item: Item): ItemOutcome | void;
}

export interface CommandRoute {
  kind: "command";
  cli: string;
  write: boolean;
  run(ctx: RequestContext, body: Item): Promise<Reply>;
}

export type Route = ReadRoute | ItemsRoute | CommandRoute;

export function actionOf(ctx: RequestContext): string {
  return (ctx.query.action ?? "").toLowerCase();
}
