import { createHook } from 'node:async_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAIRING_ALPHABET } from '../channels/access-control.ts';
import { type Channels, createChannels } from '../channels/create-channels.ts';
import { measure } from '../channels/sdk/chunker.ts';
import type { ChannelProvider, TextUnit, WebhookRegistrar } from '../channels/sdk/types.ts';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { echoResponder } from '../sessions/responder.ts';
import { channelSessionKey } from '../sessions/session-keys.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { Store } from '../store/types.ts';
import { systemClock } from '../util/clock.ts';

/** A platform's own limit on one message's text, as its documentation (or its server) states it. */
export interface PlatformTextLimit {
  max: number;
  unit: TextUnit;
  /** Where the number comes from. */
  source: string;
}

/** What the contract suite needs from a provider's test file: its fake platform and how to drive it. */
export interface ChannelContractHarness<F> {
  provider: ChannelProvider;
  startFake(): Promise<F>;
  stopFake(fake: F): Promise<void>;
  /** `channels.<id>` for one account pointed at the fake (policies are added by the suite). */
  accountConfig(fake: F): Record<string, unknown>;
  /**
   * The platform's own limit on one message's text, as its documentation (or its server) states
   * it, with where the number comes from. Chunks are held to it, not only to what the provider
   * declares, so a provider declaring the wrong number or unit fails instead of being measured
   * against its own mistake. `'none documented'` holds the provider to what it declares.
   */
  platformTextLimit: PlatformTextLimit | 'none documented';
  /** Platform-shaped ids: two DM senders and one group. */
  ids: { senderA: string; senderB: string; group: string };
  pushDirect(fake: F, m: { senderId: string; senderName: string; text: string }): Promise<void>;
  pushGroup(
    fake: F,
    m: { groupId: string; senderId: string; senderName: string; text: string; mention: boolean },
  ): Promise<void>;
  /** Messages the bot sent, in order. */
  sent(fake: F): { chatId: string; text: string }[];
  /** Chat the bot answers a DM of `senderId` in. */
  directChatId(senderId: string): string;
  groupChatId(groupId: string): string;
  /**
   * The next send is refused the way the platform refuses it for sending too fast, with
   * `retryAfterSeconds` in the platform's own retry-after field where its 429 has one (Telegram's
   * `parameters.retry_after`, Slack's `Retry-After` header, Discord's `Retry-After` header and
   * JSON `retry_after`, a proxy's `Retry-After` in front of BlueBubbles).
   */
  failNextSendWith429(fake: F, retryAfterSeconds: number): void;
  /**
   * How long the provider must wait after that refusal before sending again, in ms: the
   * retry-after it was given, or, where the platform's 429 carries none (Signal, WhatsApp), the
   * wait the harness configured for the account.
   */
  expectedRetryWaitMs(retryAfterSeconds: number): number;
  /** Calls of the platform's send endpoint so far (to count retries). */
  sendCalls(fake: F): number;
  /** The platform becomes unreachable: open connections cut, new ones refused. */
  goOffline(fake: F): Promise<void>;
  /** The platform is reachable again, where the account expects it. */
  goOnline(fake: F): Promise<void>;
  /**
   * Why this receive mode cannot notice an unreachable platform on its own (it makes no call
   * there until it sends), when that is so. The liveness case is then reported as skipped rather
   * than passed (and the skip needs its entry in tooling/vitest/skip-allowlist.ts).
   */
  livenessUnobservable?: string;
  /** What the fake sees of the bot right now (its control API's `activity()`, plus mounted routes). */
  activity(fake: F): BotActivity;
  /**
   * The longest a running bot stays silent towards the platform while holding nothing open there,
   * in ms, from the harness's own config: its poll interval plus the fake's long-poll hold, or its
   * library's reconnect delay. A socket-holding bot is seen by its open connection instead.
   */
  maxSilenceMs(fake: F): number;
  /** Routes the gateway mounts for webhook receive modes; the harness serves them to the fake. */
  webhooks?(fake: F): WebhookRegistrar;
}

/** What a fake platform sees of the bot. */
export interface BotActivity {
  /** TCP connections from the bot the fake holds open: idle keep-alive, long polls, WebSockets. */
  connections: number;
  /** Requests from the bot the fake has not answered yet. */
  pending: number;
  /** Everything the bot sent the platform so far (requests, WebSocket frames); it only grows. */
  calls: number;
  /** Webhook routes the bot has mounted on the gateway (webhook receive modes). */
  routes?: number;
}

async function eventually<T>(fn: () => T | undefined | false, what: string, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The retry-after the 429 test asks for (whole seconds, as Telegram, Slack and Retry-After give it). */
const RETRY_AFTER_S = 2;
const POLL_MS = 10;

/** When `fn` first held (polled every POLL_MS). */
async function moment(fn: () => boolean, what: string, timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return Date.now();
}

/** The supervisor's reconnect backoff in these tests: a dropped account is back within maxMs. */
const BACKOFF = { baseMs: 50, maxMs: 200 };

/**
 * How long a connection the bot closed may still look open to the fake. On loopback the fake sees
 * a close within milliseconds; the fakes keep an idle keep-alive connection open for 30 s
 * (FAKE_KEEP_ALIVE_MS in test-fakes), so one still open after this was left open by the bot.
 */
const CLOSE_SEEN_WITHIN_MS = 3000;

/**
 * The behaviour every channel provider must show through the core: normalisation into the
 * envelope, DM pairing, group mention gating, chunking in the platform's unit, 429 handling
 * with the platform's retry-after, and a stop that leaves nothing running.
 */
export function describeChannelContract<F>(h: ChannelContractHarness<F>): void {
  const id = h.provider.id;
  describe(`channel contract: ${id}`, () => {
    let fake: F;
    let store: Store;
    let manager: Channels | undefined;
    let policy: Record<string, unknown>;
    /** Texts of inbound messages the core has finished with (accepted, challenged or dropped). */
    let handled: string[];

    const boot = async (extra: Record<string, unknown>) => {
      policy = { ...h.accountConfig(fake), pacing: { perChatMs: 0, perAccountMs: 0 }, ...extra };
      const log = createSilentLogger();
      const bus = new EventBus();
      manager = createChannels({
        store,
        bus,
        clock: systemClock,
        log,
        responder: () => echoResponder,
        providers: [h.provider],
        config: () => ({ [id]: policy }),
        stateDir: '/nonexistent-state',
        gatewayId: 'contract',
        backoff: BACKOFF,
        webhooks: h.webhooks?.(fake),
      });
      // Watch the core finish each inbound message: the marker absence checks wait for.
      handled = [];
      const inbound = manager.inbound;
      const handle = inbound.handle.bind(inbound);
      inbound.handle = async (env) => {
        try {
          await handle(env);
        } finally {
          handled.push(env.text);
        }
      };
      await manager.start();
      await eventually(() => manager!.summary().accounts[0]?.connected, `${id} account connected`);
    };

    beforeEach(async () => {
      fake = await h.startFake();
      store = createMemoryStore();
    });
    afterEach(async () => {
      await manager?.close();
      manager = undefined;
      await h.stopFake(fake);
    });

    it('normalises an inbound DM into the session and the echo reply reaches the sender', async () => {
      await boot({ dmPolicy: 'open' });
      await h.pushDirect(fake, { senderId: h.ids.senderA, senderName: 'Ann', text: 'hello there' });
      const reply = await eventually(
        () => h.sent(fake).find((s) => s.text === 'echo: hello there'),
        'echo reply on the fake',
      );
      expect(reply.chatId).toBe(h.directChatId(h.ids.senderA));
      const key = channelSessionKey(id, 'default', h.directChatId(h.ids.senderA));
      const history = await store.sessions.history(key, { limit: 10 });
      expect(history[0]).toMatchObject({
        role: 'user',
        text: 'hello there',
        senderId: h.ids.senderA,
        channel: id,
      });
      expect(manager!.summary().accounts[0]!.lastInboundAt).toBeGreaterThan(0);
    });

    it('DM pairing: an unknown sender gets one code; after approval they are answered', async () => {
      await boot({ dmPolicy: 'pairing' });
      await h.pushDirect(fake, { senderId: h.ids.senderB, senderName: 'Bob', text: 'hi' });
      const challenge = await eventually(
        () => h.sent(fake).find((s) => /pairing code/i.test(s.text)),
        'pairing code',
      );
      const code = /code: ([A-Z2-9]{8})/.exec(challenge.text)?.[1];
      expect(code).toBeDefined();
      for (const c of code!) expect(PAIRING_ALPHABET).toContain(c);
      expect(challenge.chatId).toBe(h.directChatId(h.ids.senderB));
      await h.pushDirect(fake, { senderId: h.ids.senderB, senderName: 'Bob', text: 'hello?' });
      // Handled while Bob was still unapproved: it must get neither a second code nor an answer.
      await eventually(() => handled.includes('hello?'), 'the core to handle the second DM');
      const list = await manager!.pairing.list({ channel: id });
      expect(list.requests.map((r) => r.requestId)).toEqual([code]);
      await manager!.pairing.approve({ channel: id, accountId: 'default', requestId: code! });
      await h.pushDirect(fake, { senderId: h.ids.senderB, senderName: 'Bob', text: 'now?' });
      await eventually(() => h.sent(fake).find((s) => s.text === 'echo: now?'), 'reply after approval');
      // The answer to 'now?' is the marker: a second code or an answer to 'hello?' (same chat, same
      // session, queued earlier) would have reached Bob before it.
      const toBob = h.sent(fake).filter((s) => s.chatId === h.directChatId(h.ids.senderB));
      expect(toBob.map((s) => s.text)).toEqual([challenge.text, 'echo: now?']);
    });

    it('groups: answers only when mentioned', async () => {
      await boot({ dmPolicy: 'open', groupPolicy: 'open' });
      await h.pushGroup(fake, {
        groupId: h.ids.group,
        senderId: h.ids.senderA,
        senderName: 'Ann',
        text: 'chatter',
        mention: false,
      });
      await eventually(() => handled.includes('chatter'), 'the core to handle the unmentioned message');
      await h.pushGroup(fake, {
        groupId: h.ids.group,
        senderId: h.ids.senderA,
        senderName: 'Ann',
        text: 'question',
        mention: true,
      });
      const reply = await eventually(
        () => h.sent(fake).find((s) => s.text.includes('question')),
        'reply to the mention',
      );
      expect(reply.chatId).toBe(h.groupChatId(h.ids.group));
      // The reply to the mention is the marker: an answer to 'chatter' (same group, same session,
      // handled earlier) would have arrived before it.
      expect(h.sent(fake).map((s) => s.text)).toEqual([reply.text]);
    });

    it('chunks long text in the platform unit (emoji and CJK), in order, exactly once', async () => {
      await boot({ dmPolicy: 'open' });
      const { max, unit } = h.provider.capabilities.text;
      // Chunks are held to the platform's limit, not to what the provider declares.
      const platform = h.platformTextLimit;
      const limit = platform === 'none documented' ? { max, unit } : platform;
      // A run with nowhere to break that is longer than either limit (an emoji is at least one
      // unit in any unit), so a provider declaring more than the platform takes gets cut too long.
      const run = Math.ceil(1.1 * Math.max(max, limit.max));
      const text = `${'😀'.repeat(run)}\n${'漢字'.repeat(Math.ceil(max * 0.4))}`;
      const to = h.directChatId(h.ids.senderA);
      const r = await manager!.send(
        { to, message: text, channel: id, idempotencyKey: 'contract-chunks' },
        'test',
      );
      expect(r.status).toBe('queued');
      const chunks = await eventually(() => {
        const got = h.sent(fake).filter((s) => s.chatId === to);
        return got.length >= (r.chunks ?? 0) ? got : undefined;
      }, 'all chunks');
      expect(chunks.length).toBe(r.chunks);
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) expect(measure(c.text, limit.unit)).toBeLessThanOrEqual(limit.max);
      // The provider's own limit holds too (it may be stricter than the platform's).
      for (const c of chunks) expect(measure(c.text, unit)).toBeLessThanOrEqual(max);
      expect(
        chunks
          .map((c) => c.text)
          .join('')
          .replace(/\s/g, ''),
      ).toBe(text.replace(/\s/g, ''));
      // The same idempotency key does not send again. A marker sent after it through the same
      // chat's queue arrives after anything the repeat would have queued.
      await manager!.send({ to, message: text, channel: id, idempotencyKey: 'contract-chunks' }, 'test');
      await manager!.send({ to, message: 'marker', channel: id, idempotencyKey: 'contract-marker' }, 'test');
      await eventually(() => h.sent(fake).find((s) => s.text === 'marker'), 'the marker');
      expect(h.sent(fake).filter((s) => s.chatId === to)).toEqual([
        ...chunks,
        { chatId: to, text: 'marker' },
      ]);
    });

    it('429: waits the platform retry-after, then delivers once', async () => {
      await boot({ dmPolicy: 'open' });
      const to = h.directChatId(h.ids.senderA);
      const before = h.sendCalls(fake);
      // Not 1 s: providers fall back to 1 s (or 5 s) when they find no retry-after, so only a
      // value of its own shows that the provider read the platform's.
      const expected = h.expectedRetryWaitMs(RETRY_AFTER_S);
      h.failNextSendWith429(fake, RETRY_AFTER_S);
      const queuedAt = Date.now();
      await manager!.send(
        { to, message: 'after the limit', channel: id, idempotencyKey: 'contract-429' },
        'test',
      );
      const refusedAt = await moment(() => h.sendCalls(fake) > before, 'the refused send');
      const deliveredAt = await moment(
        () => h.sent(fake).some((s) => s.text === 'after the limit'),
        'delivery after 429',
      );
      // Seen by polling, so each moment is noticed a little late (more so on a busy machine). The
      // lower bound counts from before the send was queued, the upper one from when the refusal
      // was noticed: lateness can then only make a correct wait look longer, or a wrong one
      // (1 s instead of 2) look right by the whole second it is short.
      const atLeast = deliveredAt - queuedAt;
      const atMost = deliveredAt - refusedAt;
      const what = `waited ${atMost}-${atLeast} ms for a retry-after of ${expected} ms`;
      expect(atLeast, what).toBeGreaterThanOrEqual(expected);
      expect(atMost, what).toBeLessThan(expected + 1000);
      expect(h.sendCalls(fake) - before).toBe(2);
      expect(h.sent(fake).filter((s) => s.text === 'after the limit')).toHaveLength(1);
    });

    // Skipped (not passed) where the receive mode cannot see the platform go away; such a skip
    // must be listed, with its reason, in tooling/vitest/skip-allowlist.ts.
    const liveness = h.livenessUnobservable ? it.skip : it;
    liveness(
      'liveness: an unreachable platform makes the account degraded with the error and since when; once back it runs clean',
      async () => {
        await boot({ dmPolicy: 'open' });
        const before = Date.now();
        await h.goOffline(fake);
        const down = await eventually(
          () => {
            const a = manager!.summary().accounts[0]!;
            return a.healthState === 'degraded' && a.lastError ? { ...a } : undefined;
          },
          `${id} account degraded with an error`,
          10_000,
        );
        expect(down.connected).toBe(false);
        expect(down.failingSince).toBeGreaterThanOrEqual(before);
        expect(down.lastErrorAt).toBeGreaterThanOrEqual(down.failingSince!);
        const [shown] = (await manager!.status.report()).channelAccounts[id]!;
        expect(shown).toMatchObject({ healthState: 'degraded', failingSince: down.failingSince });
        expect(shown!.lastError).toEqual(expect.any(String));
        await h.goOnline(fake);
        await eventually(
          () => {
            const a = manager!.summary().accounts[0]!;
            return (
              a.healthState === 'running' && a.connected && a.lastError === null && a.failingSince === null
            );
          },
          `${id} account running again`,
          15_000,
        );
        // Running again means working again: a DM goes through and is answered.
        await h.pushDirect(fake, { senderId: h.ids.senderA, senderName: 'Ann', text: 'back again' });
        await eventually(
          () => h.sent(fake).find((s) => s.text === 'echo: back again'),
          'echo reply after the outage',
          10_000,
        );
      },
    );

    it('stop() leaves nothing open with the platform, and the bot goes quiet', async () => {
      await settled(() => h.activity(fake).connections === 0);
      const sockets = tcpSockets();
      const timers = watchTimers();
      try {
        await boot({ dmPolicy: 'open' });
        expect(h.activity(fake).calls).toBeGreaterThan(0);
        await manager!.close();
        manager = undefined;
        // The fake keeps running: stopping it would close whatever the bot left open.
        const nothingOpen = (a: BotActivity) => a.connections === 0 && a.pending === 0 && !a.routes;
        const open = (await settled(() => nothingOpen(h.activity(fake)))) ? undefined : h.activity(fake);
        expect(open, 'connections, requests or routes the bot left open').toBeUndefined();
        // A running bot calls the platform at least once per maxSilenceMs, and a dropped one comes
        // back within the backoff: watch for twice the longer of the two.
        const window = 2 * Math.max(h.maxSilenceMs(fake), BACKOFF.maxMs);
        const silent = h.activity(fake);
        await new Promise((r) => setTimeout(r, window));
        expect(h.activity(fake), `calls to the platform in the ${window} ms after stop`).toEqual(silent);
        // Nothing else is left either: no timer that could wake it up, no socket to anywhere else.
        const clean = await settled(() => timers.pending().length === 0 && tcpSockets() <= sockets);
        expect(clean ? {} : { timers: timers.pending(), sockets: tcpSockets() - sockets }).toEqual({});
        expect(h.activity(fake), 'calls to the platform after stop').toEqual(silent);
      } finally {
        timers.stop();
      }
    });
  });
}

/** Whether `fn` holds within CLOSE_SEEN_WITHIN_MS. */
async function settled(fn: () => boolean): Promise<boolean> {
  const end = Date.now() + CLOSE_SEEN_WITHIN_MS;
  while (!fn()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** Connected TCP sockets keeping the process alive (idle pooled ones are unref'd and not counted). */
function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((t) => t === 'TCPSocketWrap' || t === 'TCPWRAP').length;
}

/**
 * Timers created from now on that are still pending and keep the process alive, each with where
 * it was set. Counting every timer in the process would not do: one of the test runner's may go
 * while one of the bot's stays.
 */
function watchTimers(): { pending(): string[]; stop(): void } {
  const made = new Map<NodeJS.Timeout, string>();
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'Timeout') made.set(resource as NodeJS.Timeout, new Error('timer set').stack ?? '');
    },
  }).enable();
  // Node marks a timer _destroyed once it has fired (unless repeating) or been cleared.
  const live = (t: NodeJS.Timeout) => t.hasRef() && !(t as unknown as { _destroyed: boolean })._destroyed;
  return {
    pending: () => [...made].filter(([t]) => live(t)).map(([, where]) => where),
    stop: () => hook.disable(),
  };
}
