// One logged-in NITRO session and what a sync does with it; withNitroSession owns its lifetime.
import { BulkRunner } from "./bulk";
import { DEFAULT_RETRY_POLICY, errorFromResponse, NitroCaller, type RetryPolicy } from "./caller";
import { CONFIG } from "./paths";
import { Pool, poolSize } from "./pool";
import { Reads } from "./reads";
import { createTransport, type Transport } from "./transport";
import type { BindingSpec, CertkeyAdd, CertkeyLink, CertkeyUpdate, FileUpload, ItemResult, NitroBinding, NitroCertkey, NitroClientDeps, NitroConnectionOptions, NitroLogger, NitroSession, NitroVserver } from "./types";
import { writeOperations } from "./writes";

export const DEFAULT_MAX_BULK_ITEMS = 200;
export const DEFAULT_MAX_BULK_BYTES = 1_000_000;
export const DEFAULT_SESSION_TIMEOUT_SECONDS = 900;

const silentLogger: NitroLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class NitroSessionImpl implements NitroSession {
  private readonly reads: Reads;
  private readonly bulk: BulkRunner;
  private readonly ops: ReturnType<typeof writeOperations>;

  constructor(
    readonly caller: NitroCaller,
    readonly pool: Pool,
    private readonly transport: Transport,
    limits: { maxItems: number; maxBytes: number },
  ) {
    this.reads = new Reads(caller);
    this.bulk = new BulkRunner(caller, limits);
    this.ops = writeOperations(this.reads);
  }

  get requestCount(): number {
    return this.caller.requestCount;
  }

  /** Most requests seen in flight at once. */
  get peakConcurrency(): number {
    return this.pool.peak;
  }

  getVserver(name: string): Promise<NitroVserver | null> {
    return this.reads.getVserver(name);
  }
  getVserverBindings(name: string): Promise<NitroBinding[]> {
    return this.reads.getVserverBindings(name);
  }
  getCertkey(name: string): Promise<NitroCertkey | null> {
    return this.reads.getCertkey(name);
  }
  getCertkeys(): Promise<NitroCertkey[]> {
    return this.reads.getCertkeys();
  }
  getFile(fileName: string): Promise<{ fileName: string; contentBase64: string } | null> {
    return this.reads.getFile(fileName);
  }
  listFiles(): Promise<string[]> {
    return this.reads.listFiles();
  }

  uploadFiles(files: FileUpload[]): Promise<ItemResult[]> {
    return this.bulk.run(this.ops.uploadFile, files);
  }
  addCertkeys(items: CertkeyAdd[]): Promise<ItemResult[]> {
    return this.bulk.run(this.ops.addCertkey, items);
  }
  updateCertkeys(items: CertkeyUpdate[]): Promise<ItemResult[]> {
    return this.bulk.run(this.ops.updateCertkey, items);
  }
  linkCertkeys(items: CertkeyLink[]): Promise<ItemResult[]> {
    return this.bulk.run(this.ops.linkCertkey, items);
  }
  unlinkCertkeys(names: string[]): Promise<ItemResult[]> {
    return this.bulk.run(this.ops.unlinkCertkey, names);
  }
  bind(items: BindingSpec[]): Promise<ItemResult[]> {
    return this.bulk.run(this.ops.bind, items);
  }
  unbind(items: BindingSpec[]): Promise<ItemResult[]> {
    return this.bulk.run(this.ops.unbind, items);
  }
  deleteCertkeys(names: string[]): Promise<ItemResult[]> {
    return this.bulk.run(this.ops.deleteCertkey, names);
  }
  deleteFiles(fileNames: string[]): Promise<ItemResult[]> {
    return this.bulk.run(this.ops.deleteFile, fileNames);
  }

  async saveConfig(): Promise<void> {
    const call = { method: "POST" as const, path: `${CONFIG}/nsconfig?action=save`, body: { nsconfig: {} }, operation: "save nsconfig", kind: "save" as const };
    const resp = await this.caller.exchange(call);
    if (resp.status >= 300) throw errorFromResponse(call, resp);
  }

  async logout(): Promise<void> {
    try {
      await this.caller.logout();
    } finally {
      this.transport.close();
    }
  }
}

/** Test seam: the retry policy (wait lengths) can be replaced. */
export interface SessionInternals {
  retryPolicy?: RetryPolicy;
}

/** Logs in (and switches partition); the caller must log out. Prefer withNitroSession. */
export async function openNitroSession(options: NitroConnectionOptions, deps: NitroClientDeps = {}, internals: SessionInternals = {}): Promise<NitroSessionImpl> {
  const logger = deps.logger ?? silentLogger;
  const size = poolSize(options.maxConcurrency);
  const transport = createTransport(options, deps, logger, size);
  const pool = new Pool(size);
  const caller = new NitroCaller(
    transport,
    pool,
    {
      username: options.username,
      password: options.password,
      partition: options.partition,
      sessionTimeoutSeconds: options.sessionTimeoutSeconds ?? DEFAULT_SESSION_TIMEOUT_SECONDS,
    },
    logger,
    deps.sleep ?? realSleep,
    internals.retryPolicy ?? DEFAULT_RETRY_POLICY,
  );
  const session = new NitroSessionImpl(caller, pool, transport, {
    maxItems: Math.max(1, options.maxBulkItems ?? DEFAULT_MAX_BULK_ITEMS),
    maxBytes: Math.max(1, options.maxBulkBytes ?? DEFAULT_MAX_BULK_BYTES),
  });
  try {
    await caller.login();
  } catch (err) {
    // A partition switch can fail after a successful login: do not leave the session behind.
    await session.logout();
    throw err;
  }
  return session;
}

/** Logs in (and switches partition), runs `work`, and logs out whatever happens. */
export async function withNitroSession<T>(options: NitroConnectionOptions, work: (session: NitroSession) => Promise<T>, deps: NitroClientDeps = {}): Promise<T> {
  const session = await openNitroSession(options, deps);
  try {
    return await work(session);
  } finally {
    await session.logout();
  }
}
