import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NonRetryableChannelError, RateLimitedError } from '@openclaw/gateway-core/channel';
import { afterEach, describe, expect, it } from 'vitest';
import { config, context, FakeWhatsApp, prelink, tempDir, waitFor, waLib } from '../test/support.ts';
import type { WhatsAppLoginState } from './linking.ts';
import { messageIdFor, WhatsAppAdapter } from './whatsapp-adapter.ts';

// Real Baileys 6.17.16 against FakeWhatsApp: Noise handshake, WABinary, QR pairing, Signal both ways.

describe('WhatsAppAdapter against FakeWhatsApp (real Baileys)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup(extra: Record<string, unknown> = {}, fakeOptions: { qrRefs?: number } = {}) {
    const fake = await FakeWhatsApp.start({ lib: waLib, ...fakeOptions });
    cleanup.push(() => fake.close());
    const tmp = await tempDir();
    cleanup.push(() => tmp.cleanup());
    const authDir = join(tmp.dir, 'auth');
    const make = () => {
      const adapter = new WhatsAppAdapter(config(fake, authDir, extra), 'default');
      cleanup.push(() => adapter.stop());
      return adapter;
    };
    return { fake, authDir, stateDir: tmp.dir, make };
  }

  it('links by QR: a QR and a PNG data URL, scan → 515 → login → connected, creds on disk', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    const adapter = make();
    const events: WhatsAppLoginState[] = [];
    adapter.onLoginEvent((s) => events.push(s));
    const { ctx, statuses, failures } = context(stateDir);
    await adapter.start(ctx);
    expect(statuses.at(-1)).toEqual({ connected: false, mode: 'awaiting-login' });

    const qr = await adapter.loginStart({ timeoutMs: 5000 });
    expect(qr.status).toBe('qr');
    expect(qr.qr?.split(',')).toHaveLength(4);
    expect(qr.qrDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(qr.expiresAtMs).toBeGreaterThan(Date.now() + 50_000);
    // Asking again while it is valid returns the same QR.
    expect((await adapter.loginStart()).qr).toBe(qr.qr);

    const linked = adapter.loginWait({ timeoutMs: 5000 });
    const jid = await fake.scanQr(qr.qr!);
    expect(await linked).toEqual({ status: 'linked', self: { id: fake.phone } });
    expect(jid).toMatch(new RegExp(`^${fake.phone}:\\d+@s\\.whatsapp\\.net$`));
    expect(statuses.at(-1)).toMatchObject({
      connected: true,
      mode: 'linked-device',
      self: { id: fake.phone },
    });
    expect(events.map((e) => e.status)).toEqual(['qr', 'connecting', 'linked']);
    expect(failures).toEqual([]);
    // One login: the connection after the 515 restart.
    expect(fake.logins).toBe(1);
    await waitFor(() => fake.isOnline(), 5000, 'app-state keys delivered');
    await adapter.stop();
    const files = await readdir(authDir);
    expect(files).toContain('creds.json');
    expect(files.some((f) => f.startsWith('pre-key-'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a second adapter logs in with the stored creds, without a QR', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    const adapter = make();
    const events: WhatsAppLoginState[] = [];
    adapter.onLoginEvent((s) => events.push(s));
    const { ctx, statuses } = context(stateDir);
    await adapter.start(ctx);
    expect(statuses.at(-1)).toMatchObject({ connected: true, mode: 'linked-device' });
    expect(events.map((e) => e.status)).toEqual(['linked']);
    expect(await adapter.loginStart()).toMatchObject({ status: 'linked' });
    expect(fake.logins).toBe(2);
  });

  it('DMs both ways: inbound emitted, outbound decrypted by the fake; typing, reactions, replies', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    const adapter = make();
    const { ctx, inbound } = context(stateDir);
    await adapter.start(ctx);

    const id = await fake.pushText('15550001', 'hello there', { pushName: 'Ann' });
    await waitFor(() => inbound.length > 0, 5000, 'inbound DM');
    expect(inbound[0]).toMatchObject({
      channel: 'whatsapp',
      accountId: 'default',
      id,
      chat: { kind: 'direct', id: '15550001@s.whatsapp.net' },
      sender: { id: '15550001', name: 'Ann', isBot: false, isSelf: false },
      text: 'hello there',
      mentions: { bot: false, userIds: [] },
    });

    const r = await adapter.send({
      to: { chatId: '15550001@s.whatsapp.net' },
      text: 'hi back',
      nonce: 'n-1',
    });
    const sentId = messageIdFor('default', '15550001@s.whatsapp.net', 'n-1');
    expect(r.ids).toEqual([sentId]);
    await waitFor(() => fake.sent.length > 0, 5000, 'outbound on the fake');
    expect(fake.sent[0]).toMatchObject({ to: '15550001@s.whatsapp.net', id: sentId, text: 'hi back' });

    await adapter.send({ to: { chatId: '15550001' }, text: 'quoting you', nonce: 'n-2', replyToId: id });
    await waitFor(() => fake.sent.length > 1, 5000, 'reply');
    expect(fake.sent[1]).toMatchObject({ text: 'quoting you', quotedId: id });

    await adapter.setTyping('15550001@s.whatsapp.net', true);
    await adapter.setTyping('15550001@s.whatsapp.net', false);
    await adapter.react('15550001@s.whatsapp.net', id, '👍');
    await waitFor(() => fake.sent.some((s) => s.reaction), 5000, 'reaction');
    expect(fake.sent.at(-1)).toMatchObject({ text: '', reaction: { emoji: '👍', targetId: id } });
    await waitFor(() => fake.presence.filter((p) => p.kind === 'chatstate').length >= 2, 5000, 'typing');
    expect(fake.presence.filter((p) => p.kind === 'chatstate')).toMatchObject([
      { to: '15550001@s.whatsapp.net', state: 'composing' },
      { to: '15550001@s.whatsapp.net', state: 'paused' },
    ]);

    // The conversation goes on over the established sessions (msg, not pkmsg) both ways.
    await fake.pushText('15550001', 'and again', { pushName: 'Ann' });
    await waitFor(() => inbound.length > 1, 5000, 'second inbound');
    expect(inbound[1]!.text).toBe('and again');
    expect(fake.errors).toEqual([]);
  });

  it('prekeys running low: the server notifies and Baileys uploads a new batch', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    const adapter = make();
    const { ctx, inbound } = context(stateDir);
    await adapter.start(ctx);
    const start = fake.preKeysLeft();
    const senders = Array.from({ length: start - 2 }, (_, i) => String(15551000 + i));
    for (const s of senders) await fake.pushText(s, `hi from ${s}`);
    await waitFor(() => inbound.length === senders.length, 5000, 'every first message (pkmsg)');
    await waitFor(() => fake.preKeysLeft() > 20, 5000, 'a new prekey batch');
    expect(fake.errors).toEqual([]);
  });

  it('groups: skmsg in with a mention of the bot, skmsg out to every member', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    const adapter = make();
    const { ctx, inbound } = context(stateDir);
    await adapter.start(ctx);
    const group = fake.createGroup('120363000000000001', 'Team', ['15550001', '15550002']);
    await fake.pushGroupText(group, '15550002', 'chatter', { pushName: 'Bob' });
    await fake.pushGroupText(group, '15550002', '@bot question', {
      pushName: 'Bob',
      mentions: [`${fake.phone}@s.whatsapp.net`],
    });
    await waitFor(() => inbound.length > 1, 5000, 'group messages');
    expect(inbound[0]).toMatchObject({
      chat: { kind: 'group', id: group },
      sender: { id: '15550002', name: 'Bob' },
      text: 'chatter',
      mentions: { bot: false },
    });
    expect(inbound[1]).toMatchObject({
      text: '@bot question',
      mentions: { bot: true, userIds: [fake.phone] },
    });
    await adapter.send({ to: { chatId: group }, text: 'answer', nonce: 'g-1' });
    await waitFor(() => fake.sent.length > 0, 5000, 'group send');
    expect(fake.sent[0]).toMatchObject({ to: group, text: 'answer' });
    expect(fake.errors).toEqual([]);
  });

  it('loggedOut (401): needs-action to re-link, and the auth dir is wiped', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    const adapter = make();
    const { ctx, failures } = context(stateDir);
    await adapter.start(ctx);
    fake.logout();
    await waitFor(() => failures.length > 0, 5000, 'failure');
    const e = failures[0] as NonRetryableChannelError;
    expect(e).toBeInstanceOf(NonRetryableChannelError);
    expect(e).toMatchObject({ code: 'WHATSAPP_LOGGED_OUT', state: 'needs-action' });
    expect(e.action).toBe('needs re-link: run openclaw channels login whatsapp');
    expect(existsSync(join(authDir, 'creds.json'))).toBe(false);
    expect((await readdir(authDir)).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('stored creds the phone has since removed: start fails needs-action and wipes them', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    fake.logout();
    const { ctx } = context(stateDir);
    await expect(make().start(ctx)).rejects.toMatchObject({ code: 'WHATSAPP_LOGGED_OUT' });
    expect(existsSync(join(authDir, 'creds.json'))).toBe(false);
  });

  it('connection replaced (440): non-retryable, the adapter does not fight for the session', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    const adapter = make();
    const { ctx, failures } = context(stateDir);
    await adapter.start(ctx);
    const loginsBefore = fake.logins;
    fake.replace();
    await waitFor(() => failures.length > 0, 5000, 'failure');
    expect(failures[0]).toBeInstanceOf(NonRetryableChannelError);
    expect(failures[0]).toMatchObject({ code: 'WHATSAPP_REPLACED' });
    expect((failures[0] as Error).message).toContain('another client took the session');
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.logins).toBe(loginsBefore);
  });

  it('restart required (515) reconnects inside the adapter; other drops go to the supervisor', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    const adapter = make();
    const { ctx, failures, statuses } = context(stateDir);
    await adapter.start(ctx);
    const before = fake.logins;
    const seen = statuses.length;
    fake.forceRestart();
    await waitFor(() => statuses.slice(seen).some((p) => p.connected), 5000, 'reconnected');
    expect(fake.logins).toBe(before + 1);
    await adapter.send({ to: { chatId: '15550001' }, text: 'still here', nonce: 'r-1' });
    await waitFor(() => fake.sent.length > 0, 5000, 'send after restart');
    expect(failures).toEqual([]);
    fake.dropConnections();
    await waitFor(() => failures.length > 0, 5000, 'drop reported');
    expect(failures[0]).not.toBeInstanceOf(NonRetryableChannelError);
    expect(String(failures[0])).toMatch(/WhatsApp connection closed \(428/);
  });

  it('rate-overlimit on a send → RateLimitedError with the configured retry', async () => {
    const { fake, authDir, stateDir, make } = await setup({ rateLimitRetryMs: 1234 });
    await prelink(fake, authDir);
    const adapter = make();
    const { ctx } = context(stateDir);
    await adapter.start(ctx);
    fake.failNextSend(429);
    const err = await adapter.send({ to: { chatId: '15550001' }, text: 'x', nonce: 'l-1' }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfterMs).toBe(1234);
    await adapter.send({ to: { chatId: '15550001' }, text: 'x', nonce: 'l-1' });
    await waitFor(() => fake.sent.length > 0, 5000, 'send after the limit');
    expect(fake.sendAttempts).toBe(2);
  });

  it('stop while a query is unanswered: the waiting send fails at once instead of in 60 s', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    const adapter = make();
    const { ctx } = context(stateDir);
    await adapter.start(ctx);
    fake.ignoreNextQuery('usync');
    const pending = adapter
      .send({ to: { chatId: '15550001' }, text: 'x', nonce: 's-1' })
      .catch((e: Error) => e);
    await waitFor(() => fake.ignoredQueries > 0, 5000, 'the usync query');
    const t0 = Date.now();
    await adapter.stop();
    const err = await pending;
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RateLimitedError);
  });

  it('unscanned QRs expire without failing; loginStart then brings a new QR', async () => {
    const { fake, stateDir, make } = await setup({ qrTimeoutMs: 150 }, { qrRefs: 2 });
    const adapter = make();
    const events: WhatsAppLoginState[] = [];
    adapter.onLoginEvent((s) => events.push(s));
    const { ctx, failures, statuses } = context(stateDir);
    await adapter.start(ctx);
    await waitFor(() => events.some((e) => e.status === 'expired'), 5000, 'the QRs to run out');
    // Two refs: the first QR, one rotation, then expired (and no socket left showing QRs).
    expect(events.map((e) => e.status)).toEqual(['qr', 'qr', 'expired']);
    expect(events[1]!.qr).not.toBe(events[0]!.qr);
    expect(failures).toEqual([]);
    expect(statuses.at(-1)).toMatchObject({ connected: false, mode: 'awaiting-login' });
    expect(await adapter.loginWait({ timeoutMs: 50 })).toEqual({ status: 'expired' });
    const fresh = await adapter.loginStart({ timeoutMs: 5000 });
    expect(fresh.status).toBe('qr');
    const linked = adapter.loginWait({ timeoutMs: 5000 });
    await fake.scanQr(fresh.qr!);
    expect((await linked).status).toBe('linked');
  });

  it('messages queued while offline arrive on login (Baileys `append`), old ones are skipped', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    await fake.pushText('15550001', 'while you were away', { pushName: 'Ann' });
    await fake.pushText('15550001', 'ancient', { timestamp: Math.floor(Date.now() / 1000) - 86_400 });
    const adapter = make();
    const { ctx, inbound } = context(stateDir);
    await adapter.start(ctx);
    await waitFor(() => inbound.length > 0, 5000, 'offline message');
    // Marker: a live message after the offline batch; a day-old one let through would come first.
    await waitFor(() => fake.isOnline(), 5000, 'online');
    await fake.pushText('15550001', 'marker', { pushName: 'Ann' });
    await waitFor(() => inbound.some((m) => m.text === 'marker'), 5000, 'the marker');
    expect(inbound.map((m) => m.text)).toEqual(['while you were away', 'marker']);
  });

  it('force re-link: unlinks the device and shows a new QR', async () => {
    const { fake, authDir, stateDir, make } = await setup();
    await prelink(fake, authDir);
    const adapter = make();
    const { ctx } = context(stateDir);
    await adapter.start(ctx);
    const before = fake.linkedJids();
    const s = await adapter.loginStart({ force: true, timeoutMs: 5000 });
    expect(s.status).toBe('qr');
    expect(fake.linkedJids()).toEqual([]);
    const linked = adapter.loginWait({ timeoutMs: 5000 });
    await fake.scanQr(s.qr!);
    expect((await linked).status).toBe('linked');
    expect(fake.linkedJids()).not.toEqual(before);
  });
});
