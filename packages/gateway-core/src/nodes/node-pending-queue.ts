import { gatewayError, type NodePendingItem } from '@openclaw/protocol';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';

const DEFAULT_TTL_MS = 600_000;
/** Items one node may have waiting; the oldest go first when more arrive. */
const MAX_PER_NODE = 100;

interface Queue {
  revision: number;
  items: NodePendingItem[];
}

/**
 * Work queued for a node (node.pending.*), kept in the store under `node-pending:<nodeId>` so it
 * survives a restart; expired items are dropped whenever the queue is read.
 */
export class NodePendingQueue {
  readonly #store: Store;
  readonly #clock: Clock;
  /** One change at a time per node: reads and writes of a queue are not atomic in the kv store. */
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  async enqueue(
    nodeId: string,
    item: {
      type: NodePendingItem['type'];
      priority?: 'normal' | 'high' | undefined;
      expiresInMs?: number | undefined;
    },
  ): Promise<{ revision: number; queued: NodePendingItem }> {
    if (!(await this.#store.nodes.get(nodeId))) {
      throw gatewayError('NOT_FOUND', undefined, `unknown node ${nodeId}`, { details: { nodeId } });
    }
    return this.#with(nodeId, (q) => {
      const now = this.#clock.now();
      const queued: NodePendingItem = {
        id: newId('work'),
        type: item.type,
        priority: item.priority ?? 'normal',
        createdAtMs: now,
        expiresAtMs: now + (item.expiresInMs ?? DEFAULT_TTL_MS),
      };
      q.items.push(queued);
      while (q.items.length > MAX_PER_NODE) q.items.shift();
      return { revision: q.revision, queued };
    });
  }

  /** Up to `max` items, high priority first; `take` removes them. */
  batch(
    nodeId: string,
    max: number,
    take: boolean,
  ): Promise<{ revision: number; items: NodePendingItem[]; hasMore: boolean }> {
    return this.#with(
      nodeId,
      (q) => {
        const ordered = [...q.items].sort((a, b) =>
          a.priority === b.priority ? a.createdAtMs - b.createdAtMs : a.priority === 'high' ? -1 : 1,
        );
        const items = ordered.slice(0, max);
        if (take) {
          const ids = new Set(items.map((i) => i.id));
          q.items = q.items.filter((i) => !ids.has(i.id));
        }
        return { revision: q.revision, items, hasMore: ordered.length > items.length };
      },
      take,
    );
  }

  ack(nodeId: string, ids: string[]): Promise<{ revision: number; removed: number }> {
    return this.#with(nodeId, (q) => {
      const drop = new Set(ids);
      const before = q.items.length;
      q.items = q.items.filter((i) => !drop.has(i.id));
      return { revision: q.revision, removed: before - q.items.length };
    });
  }

  async #with<T>(nodeId: string, fn: (q: Queue) => T & { revision: number }, writes = true): Promise<T> {
    const prior = this.#locks.get(nodeId) ?? Promise.resolve();
    const next = prior.then(async () => {
      const key = `node-pending:${nodeId}`;
      const q: Queue = (await this.#store.kv.get<Queue>(key)) ?? { revision: 0, items: [] };
      const now = this.#clock.now();
      const fresh = q.items.filter((i) => i.expiresAtMs === null || i.expiresAtMs > now);
      const expired = fresh.length !== q.items.length;
      q.items = fresh;
      const before = JSON.stringify(q.items);
      const out = fn(q);
      if (expired || (writes && JSON.stringify(q.items) !== before)) {
        q.revision++;
        (out as { revision: number }).revision = q.revision;
        // Kept even when empty, so the revision never goes back (one small record per node).
        await this.#store.kv.set(key, q);
      }
      return out;
    });
    const tail = next.catch(() => undefined);
    this.#locks.set(nodeId, tail);
    try {
      return await next;
    } finally {
      if (this.#locks.get(nodeId) === tail) this.#locks.delete(nodeId);
    }
  }
}
