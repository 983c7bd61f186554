// Media on a cluster (docs/DEPLOYMENT.md, "Media on a cluster"): two real gateway processes on one
// redis-server, each with its own state dir but the same media directory (a shared volume). A
// photo arrives through whichever gateway owns the Telegram account; an operator connected to the
// other one reads it from chat.history and downloads it there, and `send`s it on by reference
// through the other gateway.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayClient } from '@openclaw/protocol';
import { startRedisServer } from '@openclaw/store-redis/testing';
import { FakeTelegram, samplePng, waitFor } from '@openclaw/test-fakes';
import { connectOperator, type GatewayProcess, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('media shared by two gateways through one directory', needs('redis-server'), () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let tg: FakeTelegram;
  let mediaDir: string;
  const token = randomBytes(24).toString('base64url');
  const gws: GatewayProcess[] = [];
  const dirs: string[] = [];
  const clients: GatewayClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    tg = await FakeTelegram.start({ holdMs: 100 });
    mediaDir = await mkdtemp(join(tmpdir(), 'oc-shared-media-'));
    for (let i = 0; i < 2; i++) {
      const dir = await tempStateDir();
      dirs.push(dir);
      await writeFile(
        join(dir, 'openclaw.json'),
        JSON.stringify({
          cluster: { redisUrl: redis.url, keyPrefix: 'oc-media:', leaseTtlMs: 5000 },
          media: { dir: mediaDir },
          channels: {
            telegram: tg.account(),
          },
        }),
      );
      gws.push(await spawnGateway({ stateDir: dir, env: { OPENCLAW_GATEWAY_TOKEN: token } }));
    }
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    for (const g of gws) await g.stop().catch(() => {});
    await tg?.close();
    await redis?.stop();
    for (const d of [...dirs, mediaDir]) if (d) await rm(d, { recursive: true, force: true });
  });

  it('a photo received by the owner is in the history, downloadable and sendable on the other gateway', async () => {
    const a = await connectOperator(gws[0]!.url, token);
    const b = await connectOperator(gws[1]!.url, token);
    clients.push(a, b);
    // Which gateway holds the Telegram account: the other one is where we read.
    const { i: owner } = await waitFor(
      async () => {
        for (const [i, c] of [a, b].entries()) {
          const st = await c.request('channels.status', { channel: 'telegram' });
          if (st.channelAccounts.telegram?.[0]?.connected) return { i };
        }
        return undefined;
      },
      20_000,
      'one gateway to own the account',
    );
    const reader = owner === 0 ? b : a;
    const readerPort = gws[owner === 0 ? 1 : 0]!.port;
    const photo = samplePng(41);
    await tg.pushMessage({ chatId: 901, from: { id: 901, first_name: 'Ann' }, photo, caption: 'shared' });
    const media = await waitFor(
      async () => {
        const h = await reader.request('chat.history', { sessionKey: 'telegram:default:901' });
        return h.messages.find((m) => m.role === 'user')?.media?.[0];
      },
      15_000,
      'the photo in the history, seen from the other gateway',
    );
    expect(media).toMatchObject({ kind: 'image', id: sha(photo), mimeType: 'image/png' });
    const res = await fetch(`http://127.0.0.1:${readerPort}${media.url}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(true);
    // Sent on by reference from the reader's side; the owner streams it from the shared directory.
    await reader.request('send', {
      channel: 'telegram',
      to: '902',
      mediaUrl: `media:${media.id}`,
      idempotencyKey: 'forward-1',
    });
    const out = await waitFor(
      () => tg.sent.find((s) => s.chatId === '902' && s.method === 'sendPhoto'),
      15_000,
      'the forwarded photo',
    );
    expect(out.file?.data.equals(photo)).toBe(true);
  }, 60_000);
});
