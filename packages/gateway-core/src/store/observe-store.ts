import { classifyStoreError, StoreFailingError, type StoreFailure } from './store-failure.ts';
import type { Store } from './types.ts';

const REPOS = [
  'devices',
  'deviceTokens',
  'pairing',
  'nodes',
  'idempotency',
  'audit',
  'kv',
  'outbox',
  'channelAccess',
  'leases',
  'sessions',
  'runs',
  'cron',
  'approvals',
  'usage',
] as const satisfies readonly (keyof Store)[];
// A repo added to Store but not listed above fails to compile here instead of vanishing at run time.
const everyRepoListed: Exclude<
  keyof Store,
  (typeof REPOS)[number] | 'kind' | 'close' | 'verify' | 'deferred'
> extends never
  ? true
  : false = true;
void everyRepoListed;

/** Own and inherited method names of a repo object (plain objects and class instances alike). */
function methodNames(repo: object): string[] {
  const names = new Set<string>();
  for (
    let o: object | null = repo;
    o && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof (repo as Record<string, unknown>)[name] === 'function')
        names.add(name);
    }
  }
  return [...names];
}

/**
 * The same store, with every failure that means "the store itself is failing" reported to
 * `onFailure` and rethrown as a StoreFailingError. Wrappers are built once here, not per call.
 */
export function observeStore<S extends Store>(inner: S, onFailure: (failure: StoreFailure) => void): S {
  const rethrow = (error: unknown): never => {
    const failure = classifyStoreError(error);
    if (!failure) throw error;
    onFailure(failure);
    throw error instanceof StoreFailingError ? error : new StoreFailingError(failure, error);
  };
  const wrap = <T extends object>(repo: T): T => {
    const out: Record<string, unknown> = {};
    for (const name of methodNames(repo)) {
      const fn = (repo as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!;
      out[name] = (...args: unknown[]) => {
        let p: Promise<unknown>;
        try {
          p = fn.apply(repo, args);
        } catch (error) {
          return Promise.reject(error).catch(rethrow);
        }
        return p.catch(rethrow);
      };
    }
    return out as T;
  };
  const store: Record<string, unknown> = { kind: inner.kind };
  // Everything else an implementation offers (close, verify, SQLite's durability()) stays reachable.
  for (const name of methodNames(inner)) {
    const fn = (inner as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
    store[name] = (...args: unknown[]) => fn.apply(inner, args);
  }
  for (const name of REPOS) store[name] = wrap(inner[name]);
  if (inner.deferred) {
    const d = inner.deferred;
    store.deferred = {
      channelAccess: wrap(d.channelAccess),
      sessions: wrap(d.sessions),
      runs: wrap(d.runs),
      usage: wrap(d.usage),
      outbox: wrap(d.outbox),
      synced: (o?: { soon?: boolean }) => d.synced(o),
    };
  }
  return store as unknown as S;
}
