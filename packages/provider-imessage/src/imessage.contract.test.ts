import { createServer, type Server } from 'node:http';
import type { WebhookRegistrar } from '@openclaw/gateway-core/channel';
import { describeChannelContract } from '@openclaw/gateway-core/testing';
import { closeServer, FakeBlueBubbles, listen } from '@openclaw/test-fakes';
import { describe } from 'vitest';
import { imessageProvider } from './index.ts';

const POLL_INTERVAL_MS = 20;
const WEBHOOK_PATH = '/channels/imessage/default/webhook';
const WEBHOOK_SECRET = 'contract-webhook-secret-0123';

type Handler = Parameters<WebhookRegistrar>[1];

/** The fake BlueBubbles, plus (webhook mode) the gateway routes it posts its events to. */
interface Rig {
  bb: FakeBlueBubbles;
  routes: Map<string, Handler>;
  server?: Server;
}

/** Routes matched by exact path, the query (which carries the secret) handed on as the gateway does. */
async function serveRoutes(routes: Map<string, Handler>): Promise<{ server: Server; base: string }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const h = routes.get((req.url ?? '').split('?')[0] ?? '');
    if (!h) return void res.writeHead(404).end();
    const out = await h({ headers: req.headers, body: Buffer.concat(chunks), url: req.url });
    res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body ?? null));
  });
  return { server, base: `http://127.0.0.1:${await listen(server)}` };
}

/**
 * The contract over both receive paths: BlueBubbles posting `new-message` to a gateway route
 * (webhook), and POST /api/v1/message/query (poll). iMessage has no mention entities: a group
 * message "mentions" the bot the way people address one in iMessage, by starting with its
 * configured name (`@Bot …`), which `mentionNames` turns into `mentions.bot`. BlueBubbles itself
 * never answers 429; the fake does so as a proxy in front of it would, with Retry-After.
 */
function contract(receive: 'webhook' | 'poll'): void {
  describeChannelContract<Rig>({
    provider: imessageProvider,
    // Apple documents no limit for an iMessage body and BlueBubbles adds none: the contract can
    // only hold the provider to what it declares.
    platformTextLimit: 'none documented',
    startFake: async () => {
      const bb = await FakeBlueBubbles.start({ password: 'contract-password-123' });
      const routes = new Map<string, Handler>();
      if (receive === 'poll') return { bb, routes };
      const { server, base } = await serveRoutes(routes);
      bb.webhook = { url: `${base}${WEBHOOK_PATH}?secret=${WEBHOOK_SECRET}` };
      return { bb, routes, server };
    },
    stopFake: async (r) => {
      await r.bb.close();
      if (r.server) await closeServer(r.server);
    },
    accountConfig: (r) => ({
      serverUrl: r.bb.url,
      password: r.bb.password,
      receive,
      ...(receive === 'poll'
        ? { pollIntervalMs: POLL_INTERVAL_MS }
        : { webhookPath: WEBHOOK_PATH, webhookSecret: WEBHOOK_SECRET }),
      mentionNames: ['Bot'],
    }),
    webhooks: (r) => (path, handler) => {
      r.routes.set(path, handler);
      return () => r.routes.delete(path);
    },
    ids: { senderA: '+15550000001', senderB: 'bob@example.com', group: 'chat493027118' },
    pushDirect: async (r, m) => {
      await r.bb.pushMessage({ from: m.senderId, text: m.text });
    },
    pushGroup: async (r, m) => {
      await r.bb.pushMessage({
        chatGuid: FakeBlueBubbles.groupGuid(m.groupId),
        from: m.senderId,
        text: m.mention ? `@Bot ${m.text}` : m.text,
        displayName: 'Friends',
      });
    },
    sent: (r) => r.bb.sent.map((s) => ({ chatId: s.chatGuid, text: s.message })),
    directChatId: (s) => FakeBlueBubbles.directGuid(s),
    groupChatId: (g) => FakeBlueBubbles.groupGuid(g),
    failNextSendWith429: (r, s) => r.bb.failNext({ method: 'message/text', status: 429, retryAfter: s }),
    sendCalls: (r) => r.bb.calls.filter((c) => c.route === 'message/text').length,
    // A proxy's 429 with a Retry-After header (seconds).
    expectedRetryWaitMs: (s) => s * 1000,
    activity: (r) => ({ ...r.bb.activity(), routes: r.routes.size }),
    // Polling asks again POLL_INTERVAL_MS after each answer; a webhook bot only listens.
    maxSilenceMs: () => (receive === 'poll' ? POLL_INTERVAL_MS : 0),
    goOffline: (r) => r.bb.goOffline(),
    goOnline: (r) => r.bb.goOnline(),
    ...(receive === 'webhook'
      ? {
          livenessUnobservable:
            'BlueBubbles posts to the gateway and the adapter calls it only to send, so an unreachable server shows only once a send fails',
        }
      : {}),
  });
}

describe('webhook mode (BlueBubbles posts new-message to the gateway)', () => contract('webhook'));
describe('poll mode (POST /api/v1/message/query)', () => contract('poll'));
