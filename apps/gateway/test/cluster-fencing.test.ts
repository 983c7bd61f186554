// Split-brain protection with real processes: the owner of a Telegram account hangs (SIGSTOP) in
// the middle of a multi-part send, another gateway takes the account over and carries on, and the
// first one wakes up (SIGCONT) with the rest of that send still in its memory.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutboxRecord, Store } from '@openclaw/gateway-core';
import type { GatewayClient } from '@openclaw/protocol';
import { connectClusterStore } from '@openclaw/store-redis';
import { type RedisServer, startRedisServer } from '@openclaw/store-redis/testing';
import { FakeTelegram, waitFor } from '@openclaw/test-fakes';
import {
  channelAccount,
  connectOperator,
  eventually,
  type GatewayProcess,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { startTcpRelay, type TcpRelay } from './tcp-relay.ts';

const LEASE_MS = 3000;
// Longer than the lease renewal interval (a third of the lease), so the owner renews while it
// waits between two parts; shorter than the lease, so that wait is over when it wakes up.
const PER_CHAT_MS = 2500;
const PREFIX = 'oc-fence:';
const CHAT = '880';
const LEASE_KEY = 'lease:channel:telegram:default';

describe('lease fencing between gateway processes', needs('redis-server'), () => {
  const token = randomBytes(24).toString('base64url');
  let redis: RedisServer;
  let relay: TcpRelay;
  let tg: FakeTelegram;
  let reader: { store: Store; quit(): Promise<unknown> };
  const dirs: string[] = [];
  const gws: GatewayProcess[] = [];
  const clients: GatewayClient[] = [];

  async function gateway(tag: string, redisUrl: string): Promise<GatewayProcess> {
    const dir = await tempStateDir();
    dirs.push(dir);
    await writeFile(
      join(dir, 'openclaw.json'),
      JSON.stringify({
        cluster: { redisUrl, keyPrefix: PREFIX, leaseTtlMs: LEASE_MS },
        channels: {
          telegram: {
            botToken: tg.token,
            // Each gateway calls the fake through its own root, so the fake knows who sent what.
            apiRoot: await tg.apiRootVia(tag),
            dmPolicy: 'open',
            textChunkLimit: 12,
            pacing: { perChatMs: PER_CHAT_MS, perAccountMs: 0 },
          },
        },
      }),
    );
    const gw = await spawnGateway({ stateDir: dir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    gws.push(gw);
    return gw;
  }

  async function operator(gw: GatewayProcess): Promise<GatewayClient> {
    const c = await connectOperator(gw.url, token);
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    relay = await startTcpRelay(redis.port);
    tg = await FakeTelegram.start({ holdMs: 100 });
    const c = await connectClusterStore({ url: redis.url, prefix: PREFIX });
    reader = { store: c.store, quit: () => c.client.quit() };
  }, 30_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    for (const g of gws) {
      // A stopped process cannot act on SIGTERM.
      g.child.kill('SIGCONT');
      await g.stop().catch(() => {});
    }
    await reader?.quit().catch(() => {});
    await relay?.close();
    await tg?.close();
    await redis?.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('an owner that hangs mid-send and wakes after a takeover sends nothing more; every part arrives once', async () => {
    // A reaches Redis through a relay the test can hold; it starts first, so it owns the account.
    const a = await gateway('gw-a', `redis://127.0.0.1:${relay.port}`);
    const opA = await operator(a);
    await eventually(
      async () => (await channelAccount(opA, 'telegram'))?.connected,
      15_000,
      'A to own the account',
    );
    const b = await gateway('gw-b', redis.url);
    const opB = await operator(b);
    await eventually(
      async () => (await channelAccount(opB, 'telegram'))?.healthState === 'held-elsewhere',
      15_000,
      'B to see the account held by A',
    );

    // Three parts, paced: A sends the first, then waits before the second.
    const sent = await opA.request('send', {
      channel: 'telegram',
      to: CHAT,
      message: 'part-one-aa\npart-two-bb\npart-three',
      idempotencyKey: 'fence-1',
    });
    const id = sent.messageId;
    const record = async (): Promise<OutboxRecord> => (await reader.store.outbox.get(id))!;
    const { chunks } = await record();
    expect(chunks).toHaveLength(3);
    await eventually(async () => (await record()).partsSent >= 1, 10_000, 'A to record the first part');
    expect(tg.sent.filter((s) => s.chatId === CHAT).map((s) => [s.via, s.text])).toEqual([
      ['gw-a', chunks[0]],
    ]);

    // A renews its lease while it waits. Freeze it right after the renewal is sent, with Redis's
    // answer ("still yours") not yet read: that is what it will believe when it wakes up, until its
    // next renewal. Frozen at any other moment, its first act on waking would be an overdue
    // renewal that finds the lease gone and stops the adapter, which hides a missing check before
    // the send; here only that check stands between A and a stale send.
    relay.hold();
    await relay.nextRequest(
      (chunk) => /evalsha|eval/i.test(chunk) && chunk.includes(LEASE_KEY),
      LEASE_MS,
      'A to renew its lease',
    );
    a.child.kill('SIGSTOP');
    relay.release();
    const sentBeforeFreeze = tg.sent.length;

    // The lease runs out; B takes the account over and carries on with the same record.
    await eventually(
      async () => (await record()).partsSent >= 2,
      LEASE_MS * 4,
      'B to deliver the second part',
    );
    expect(tg.sent.slice(sentBeforeFreeze).map((s) => [s.via, s.text])).toEqual([['gw-b', chunks[1]]]);

    // A wakes up: the wait before its next part is long over and it still thinks it owns the account.
    a.child.kill('SIGCONT');
    const staleSends = () => tg.sent.slice(sentBeforeFreeze).filter((s) => s.via === 'gw-a');
    // Marker: A reached its check before the next part (or, unfenced, sent it).
    await waitFor(
      () => a.output().includes('account no longer ours') || staleSends().length > 0,
      10_000,
      'A to act on its stale send',
    );
    expect(staleSends()).toEqual([]);

    // One more message through the new owner, queued behind the record; once it is there,
    // nothing else can still be on its way.
    await opB.request('send', {
      channel: 'telegram',
      to: CHAT,
      message: 'marker',
      idempotencyKey: 'fence-2',
    });
    await waitFor(() => tg.sentTexts(CHAT).includes('marker'), PER_CHAT_MS * 4, 'the marker');
    expect(tg.sent.filter((s) => s.chatId === CHAT).map((s) => [s.via, s.text])).toEqual([
      ['gw-a', chunks[0]],
      ['gw-b', chunks[1]],
      ['gw-b', chunks[2]],
      ['gw-b', 'marker'],
    ]);
    expect(await record()).toMatchObject({ status: 'delivered', partsSent: 3 });
    // And A, awake, reports the account as someone else's.
    await eventually(
      async () => (await channelAccount(opA, 'telegram'))?.healthState === 'held-elsewhere',
      LEASE_MS * 2,
      'A to step back',
    );
  }, 90_000);
});
