// Batches of writes: chunked by item count and body size, sent as NITRO bulk requests
// (X-NITRO-ONERROR: continue) through the pool, with each item's result mapped back in
// input order. Falls back to one request per item when the appliance refuses a bulk call,
// and re-checks items whose outcome a network failure left unknown.
import { errorFromResponse, type Call, type CallKind, type NitroCaller } from "./caller";
import { NitroError } from "./errors";
import type { ItemResult } from "./types";

export interface ItemOperation<I> {
  /** e.g. "add sslcertkey" */
  operation: string;
  /** The body key, e.g. "sslcertkey". */
  type: string;
  kind: CallKind;
  name(item: I): string;
  /** The element of the bulk array. */
  wire(item: I): Record<string, unknown>;
  /** The request for one item alone. */
  single(item: I): Call;
  /** Where the array goes; absent: always one request per item. */
  bulk?: { method: Call["method"]; path: string };
  /** Creates: after an unknown outcome, looks (GET) whether the item is already there as asked. */
  verifyDone?(item: I): Promise<boolean>;
  /** Repeated writes: whether this error on a repeat means the first attempt did it. */
  alreadyDone?(item: I, error: NitroError): boolean | Promise<boolean>;
}

export interface BulkLimits {
  maxItems: number;
  maxBytes: number;
}

/** Splits items into chunks of at most maxItems and (except a lone oversized item) maxBytes of body. */
export function chunkItems<T>(wires: T[], limits: BulkLimits, overheadBytes = 64): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = overheadBytes;
  wires.forEach((wire, index) => {
    const size = Buffer.byteLength(JSON.stringify(wire)) + 1;
    if (current.length > 0 && (current.length >= limits.maxItems || bytes + size > limits.maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = overheadBytes;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length) chunks.push(current);
  return chunks;
}

const STATUS_OF_CODE: Record<number, number> = { 258: 404, 461: 404, 1540: 404, 273: 409, 1642: 409, 1095: 400, 1097: 400, 278: 400, 2138: 403, 354: 401, 444: 401 };

export class BulkRunner {
  /** Operations the appliance refused in bulk: later chunks go one by one at once. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly caller: NitroCaller,
    private readonly limits: BulkLimits,
  ) {}

  async run<I>(op: ItemOperation<I>, items: I[]): Promise<ItemResult[]> {
    if (items.length === 0) return [];
    const wires = items.map((item) => op.wire(item));
    const chunks = chunkItems(wires, this.limits);
    const results: ItemResult[] = new Array<ItemResult>(items.length);
    await Promise.all(
      chunks.map(async (indexes) => {
        const chunkResults = await this.runChunk(op, indexes.map((i) => items[i]), indexes.map((i) => wires[i]));
        indexes.forEach((itemIndex, k) => (results[itemIndex] = chunkResults[k]));
      }),
    );
    return results;
  }

  private async runChunk<I>(op: ItemOperation<I>, items: I[], wires: Record<string, unknown>[]): Promise<ItemResult[]> {
    if (!op.bulk || items.length === 1 || this.refused.has(op.operation)) return this.oneByOne(op, items, false);
    let resp;
    try {
      resp = await this.caller.exchange({
        method: op.bulk.method,
        path: op.bulk.path,
        body: { [op.type]: wires },
        headers: { "X-NITRO-ONERROR": "continue" },
        operation: `${op.operation} (bulk of ${items.length})`,
        objectName: items.map((i) => op.name(i)).join(", "),
        kind: op.kind,
      });
    } catch (err) {
      // The batch left but its answer did not come back: settle each item on its own.
      if (err instanceof NitroError && err.outcomeUnknown) return this.oneByOne(op, items, true);
      throw err;
    }
    const perItem = Array.isArray(resp.body.response) ? (resp.body.response as unknown[]) : undefined;
    if (resp.status < 300 && resp.status !== 207) return items.map(() => ({ ok: true }));
    if (perItem) {
      return Promise.all(
        items.map(async (item, k) => {
          const entry = (perItem[k] ?? {}) as { errorcode?: number; message?: string; severity?: string };
          if (entry.errorcode === undefined && perItem[k] === undefined) {
            return { ok: false, error: new NitroError({ operation: op.operation, objectName: op.name(item), status: resp.status, message: `NITRO ${op.operation} "${op.name(item)}": the bulk answer had no result for this item; check the object on the appliance.`, outcomeUnknown: true, request: resp.request }) };
          }
          if (!entry.errorcode || entry.severity === "WARNING") return { ok: true };
          const error = new NitroError({
            operation: op.operation,
            objectName: op.name(item),
            status: STATUS_OF_CODE[entry.errorcode] ?? 599,
            errorcode: entry.errorcode,
            nitroMessage: entry.message,
            request: { ...resp.request, body: { [op.type]: (resp.request.body as Record<string, unknown[]>)[op.type][k] } },
          });
          return settle(op, item, error, resp.resent);
        }),
      );
    }
    if (resp.status === 401 || resp.status === 403) throw errorFromResponse({ operation: op.operation, objectName: items.map((i) => op.name(i)).join(", ") }, resp);
    // Not a per-item answer: the appliance does not take this call in bulk.
    this.refused.add(op.operation);
    return this.oneByOne(op, items, resp.resent);
  }

  private oneByOne<I>(op: ItemOperation<I>, items: I[], afterUnknown: boolean): Promise<ItemResult[]> {
    return Promise.all(items.map((item) => this.single(op, item, afterUnknown)));
  }

  async single<I>(op: ItemOperation<I>, item: I, afterUnknown = false): Promise<ItemResult> {
    if (afterUnknown && op.verifyDone && (await op.verifyDone(item))) return { ok: true };
    let resp;
    try {
      resp = await this.caller.exchange(op.single(item));
    } catch (err) {
      if (!(err instanceof NitroError) || !err.outcomeUnknown || !op.verifyDone) throw err;
      // A create whose answer was lost: look before sending it again, once.
      if (await op.verifyDone(item)) return { ok: true };
      resp = await this.caller.exchange(op.single(item));
    }
    if (resp.status < 300) return { ok: true };
    // Credentials and permissions fail the whole batch, not one item.
    if (resp.status === 401 || resp.status === 403) throw errorFromResponse({ operation: op.operation, objectName: op.name(item) }, resp);
    return settle(op, item, errorFromResponse({ operation: op.operation, objectName: op.name(item) }, resp), resp.resent || afterUnknown);
  }
}

async function settle<I>(op: ItemOperation<I>, item: I, error: NitroError, repeated: boolean): Promise<ItemResult> {
  if (repeated && op.alreadyDone && (await op.alreadyDone(item, error))) return { ok: true };
  return { ok: false, error };
}
