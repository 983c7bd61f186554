import type { ChainableCommander, Redis } from 'ioredis';
import type { Keyspace } from './keyspace.ts';
import { fromHash } from './record-codec.ts';

/** What the Redis store lends its repositories: the connection and the key builder. */
export interface RedisContext {
  readonly client: Redis;
  readonly key: Keyspace;
}

/** Runs a pipeline or MULTI and fails with the first command error, as one awaited write. */
export async function execAll(batch: ChainableCommander): Promise<unknown[]> {
  const replies = await batch.exec();
  // exec() answers null only when a WATCHed key changed; the store never WATCHes.
  if (!replies) throw new Error('Redis transaction was aborted');
  return replies.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/** The records stored in many hashes, in one round trip; missing ones are left out. */
export async function readRecords<T>(client: Redis, keys: readonly string[]): Promise<T[]> {
  if (keys.length === 0) return [];
  const batch = client.pipeline();
  for (const k of keys) batch.hgetall(k);
  const out: T[] = [];
  for (const reply of await execAll(batch)) {
    const record = fromHash<T>(reply as Record<string, string>);
    if (record) out.push(record);
  }
  return out;
}

/** Replaces a record hash and adds its id to an index set, atomically. */
export async function replaceRecord(
  ctx: RedisContext,
  key: string,
  fields: string[],
  index?: { set: string; member: string },
): Promise<void> {
  const tx = ctx.client
    .multi()
    .del(key)
    .hset(key, ...fields);
  if (index) tx.sadd(index.set, index.member);
  await execAll(tx);
}
