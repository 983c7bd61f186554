import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ChannelAdapter,
  NonRetryableChannelError,
  PermanentSendError,
  RateLimitedError,
} from '@openclaw/gateway-core/channel';
import type {
  AnyMessageContent,
  MiscMessageGenerationOptions,
  WAMessage,
  WAPresence,
} from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { context, tempDir, waitFor } from '../test/support.ts';
import { normalizeWhatsAppId } from './config.ts';
import { whatsappProvider } from './index.ts';
import { linkingOf } from './linking.ts';
import type { WhatsAppSocket, WhatsAppSocketOptions } from './socket.ts';
import { messageIdFor, WhatsAppAdapter } from './whatsapp-adapter.ts';

const ME = { id: '15550009:11@s.whatsapp.net', lid: '987654321:11@lid', name: 'Gateway' };

/** What Baileys puts in lastDisconnect.error: a Boom with the reason in output.statusCode. */
const boom = (statusCode: number, message = `closed ${statusCode}`): Error =>
  Object.assign(new Error(message), { output: { statusCode } });

/** A Baileys-shaped socket: an EventEmitter for `ev`, and records of what the adapter asked. */
class StubSocket implements WhatsAppSocket {
  readonly ev = new EventEmitter();
  user: WhatsAppSocket['user'];
  readonly options: WhatsAppSocketOptions;
  readonly sent: { jid: string; content: AnyMessageContent; options?: MiscMessageGenerationOptions }[] = [];
  readonly presence: { type: WAPresence; jid?: string }[] = [];
  readonly ended: (Error | undefined)[] = [];
  sendError: unknown;

  constructor(options: WhatsAppSocketOptions) {
    this.options = options;
  }

  async sendMessage(
    jid: string,
    content: AnyMessageContent,
    options?: MiscMessageGenerationOptions,
  ): Promise<WAMessage | undefined> {
    if (this.sendError) throw this.sendError;
    this.sent.push({ jid, content, ...(options ? { options } : {}) });
    return {
      key: { remoteJid: jid, fromMe: true, id: options?.messageId ?? 'X' },
      message: { conversation: 'x' },
    };
  }

  async sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void> {
    this.presence.push({ type, ...(jid ? { jid } : {}) });
  }

  end(error: Error | undefined): void {
    this.ended.push(error);
    this.emitClose(error);
  }

  // ── what the server makes Baileys emit ──
  open(user = ME): void {
    this.user = user;
    this.ev.emit('connection.update', { connection: 'open' });
  }
  qr(qr = '2@ref,bm9pc2U=,aWRlbnQ=,YWR2'): void {
    this.ev.emit('connection.update', { qr });
  }
  emitClose(error: Error | undefined): void {
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }
  upsert(type: 'notify' | 'append', ...messages: WAMessage[]): void {
    this.ev.emit('messages.upsert', { type, messages });
  }
}

const dm = (id: string, text: string, extra: Partial<WAMessage> = {}): WAMessage => ({
  key: { remoteJid: '15550001@s.whatsapp.net', fromMe: false, id },
  messageTimestamp: Math.floor(Date.now() / 1000),
  pushName: 'Ann',
  message: { conversation: text },
  ...extra,
});

describe('config', () => {
  it('defaults, validation and sender ids', () => {
    const c = whatsappProvider.parseAccountConfig({}, 'default');
    expect(c).toMatchObject({
      waWebSocketUrl: 'wss://web.whatsapp.com/ws/chat',
      browser: 'OpenClaw',
      connectTimeoutMs: 20_000,
      rateLimitRetryMs: 30_000,
    });
    expect(c.authDir).toBeUndefined();
    expect(whatsappProvider.parseAccountConfig({ version: [2, 3000, 1] }, 'x').version).toEqual([2, 3000, 1]);
    expect(() => whatsappProvider.parseAccountConfig({ waWebSocketUrl: 'http://x' }, 'x')).toThrow(/ws:\/\//);
    expect(() => whatsappProvider.parseAccountConfig({ version: [2, 'a', 1] }, 'x')).toThrow(/version/);
    expect(() => whatsappProvider.parseAccountConfig({ rateLimitRetryMs: -1 }, 'x')).toThrow(
      /rateLimitRetryMs/,
    );
    expect(normalizeWhatsAppId('+1 555-000-1')).toBe('15550001');
    expect(normalizeWhatsAppId('whatsapp:+15550001')).toBe('15550001');
    expect(normalizeWhatsAppId('15550001:3@s.whatsapp.net')).toBe('15550001');
  });

  it('the provider: id, label, capabilities, always configured (links by QR)', () => {
    expect(whatsappProvider).toMatchObject({ id: 'whatsapp', label: 'WhatsApp' });
    expect(whatsappProvider.capabilities).toMatchObject({
      chatKinds: ['direct', 'group'],
      text: { max: 4000, unit: 'codepoint' },
      typing: true,
      reactions: true,
      pacing: { perChatMs: 1000, perAccountMs: 250 },
    });
    expect(whatsappProvider.isConfigured(whatsappProvider.parseAccountConfig({}, 'default'))).toBe(true);
    expect(whatsappProvider.normalizeSenderId?.('+44 7700 900123')).toBe('447700900123');
  });
});

describe('WhatsAppAdapter over an injected socket', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup(extra: Record<string, unknown> = {}) {
    const tmp = await tempDir();
    cleanup.push(() => tmp.cleanup());
    const sockets: StubSocket[] = [];
    const cfg = whatsappProvider.parseAccountConfig(
      { waWebSocketUrl: 'ws://127.0.0.1:1/ws/chat', ...extra },
      'default',
    );
    const adapter = new WhatsAppAdapter(cfg, 'default', {
      socketFactory: (o) => {
        const s = new StubSocket(o);
        sockets.push(s);
        return s;
      },
    });
    cleanup.push(() => adapter.stop());
    const c = context(tmp.dir);
    const authDir = join(tmp.dir, 'auth');
    /** Start and let the first socket open (stored credentials). */
    const startOpen = async () => {
      const p = adapter.start(c.ctx);
      await waitFor(() => sockets[0]);
      sockets[0]!.open();
      await p;
      return sockets[0]!;
    };
    return { adapter, sockets, authDir, startOpen, ...c };
  }

  it('start resolves on the first QR: awaiting-login, QR as a PNG data URL', async () => {
    const { adapter, sockets, statuses, ctx } = await setup();
    const p = adapter.start(ctx);
    await waitFor(() => sockets[0]);
    sockets[0]!.qr('2@abc,bm9pc2U=,aWRlbnQ=,YWR2');
    await p;
    expect(statuses.at(-1)).toEqual({ connected: false, mode: 'awaiting-login' });
    const s = await adapter.loginStart();
    expect(s).toMatchObject({ status: 'qr', qr: '2@abc,bm9pc2U=,aWRlbnQ=,YWR2' });
    expect(s.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(s.expiresAtMs! - Date.now()).toBeGreaterThan(55_000);
    const rotation = adapter.loginWait({ timeoutMs: 1000 });
    sockets[0]!.qr('2@def,bm9pc2U=,aWRlbnQ=,YWR2');
    const next = await rotation;
    expect(next).toMatchObject({ status: 'qr', qr: '2@def,bm9pc2U=,aWRlbnQ=,YWR2' });
    // Later QRs live 20 s, as in WhatsApp.
    expect(next.expiresAtMs! - Date.now()).toBeLessThan(21_000);
    expect(await adapter.probe(100)).toMatchObject({ ok: false });
    await expect(adapter.send({ to: { chatId: '1' }, text: 'x', nonce: 'n' })).rejects.toThrow(/not linked/);
  });

  it('start resolves when connected; the socket gets the gateway settings', async () => {
    const { adapter, statuses, authDir, startOpen } = await setup({
      browser: 'My Gateway',
      version: [2, 1, 3],
    });
    const sock = await startOpen();
    expect(statuses.at(-1)).toEqual({
      connected: true,
      mode: 'linked-device',
      self: { id: '15550009', name: 'Gateway' },
    });
    expect(sock.options).toMatchObject({
      url: 'ws://127.0.0.1:1/ws/chat',
      browser: ['My Gateway', 'Desktop', '1.0.0'],
      version: [2, 1, 3],
    });
    expect(Object.keys(sock.options.caches).sort()).toEqual([
      'callOfferCache',
      'msgRetryCounterCache',
      'placeholderResendCache',
      'userDevicesCache',
    ]);
    expect(existsSync(authDir)).toBe(true);
    expect(await adapter.probe(100)).toEqual({ ok: true, self: { id: '15550009', name: 'Gateway' } });
    expect(linkingOf(adapter as ChannelAdapter)).toBe(adapter);
    expect(linkingOf({} as ChannelAdapter)).toBeUndefined();
  });

  it('creds.update is written atomically, keeping the previous copy as creds.json.bak', async () => {
    const { sockets, authDir, startOpen, adapter } = await setup();
    await startOpen();
    const auth = sockets[0]!.options.auth;
    auth.creds.me = { id: ME.id, name: 'first' };
    sockets[0]!.ev.emit('creds.update', { me: auth.creds.me });
    await waitFor(() => existsSync(join(authDir, 'creds.json')));
    auth.creds.me = { id: ME.id, name: 'second' };
    sockets[0]!.ev.emit('creds.update', { me: auth.creds.me });
    await adapter.stop();
    expect(JSON.parse(await readFile(join(authDir, 'creds.json'), 'utf8')).me.name).toBe('second');
    expect(JSON.parse(await readFile(join(authDir, 'creds.json.bak'), 'utf8')).me.name).toBe('first');
  });

  it('inbound: DMs and groups become envelopes; own, status, protocol and empty messages do not', async () => {
    const { inbound, startOpen } = await setup();
    const sock = await startOpen();
    sock.upsert('notify', dm('A1', 'hello'));
    sock.upsert(
      'notify',
      dm('A2', 'mine', { key: { remoteJid: '15550001@s.whatsapp.net', fromMe: true, id: 'A2' } }),
      dm('A3', 'story', {
        key: { remoteJid: 'status@broadcast', fromMe: false, id: 'A3', participant: '1@s.whatsapp.net' },
      }),
      dm('A4', '', { message: { protocolMessage: { type: 0 } } }),
      dm('A5', '', { message: { reactionMessage: { text: '👍', key: { id: 'A1' } } } }),
      dm('A6', '', { message: {} }),
      {
        key: {
          remoteJid: '120363000000000001@g.us',
          fromMe: false,
          id: 'G1',
          participant: '15550002@s.whatsapp.net',
        },
        messageTimestamp: 1_700_000_000,
        pushName: 'Bob',
        message: {
          extendedTextMessage: {
            text: '@15550009 and @987654321 look',
            contextInfo: {
              mentionedJid: ['15550009@s.whatsapp.net', '987654321@lid'],
              stanzaId: 'OUT1',
              participant: '15550009@s.whatsapp.net',
              quotedMessage: { conversation: 'earlier answer' },
            },
          },
        },
      },
      // Ephemeral chats wrap the message; the caption of an image is its text.
      dm('A7', '', { message: { ephemeralMessage: { message: { imageMessage: { caption: 'a photo' } } } } }),
    );
    await waitFor(() => inbound.length >= 3);
    expect(inbound.map((m) => m.id)).toEqual(['A1', 'G1', 'A7']);
    expect(inbound[0]).toMatchObject({
      channel: 'whatsapp',
      chat: { kind: 'direct', id: '15550001@s.whatsapp.net' },
      sender: { id: '15550001', name: 'Ann', isBot: false, isSelf: false },
      text: 'hello',
      mentions: { bot: false, userIds: [] },
      media: [],
    });
    expect(inbound[1]).toMatchObject({
      at: 1_700_000_000_000,
      chat: { kind: 'group', id: '120363000000000001@g.us' },
      sender: { id: '15550002', name: 'Bob' },
      mentions: { bot: true, implicit: 'reply_to_bot', userIds: ['15550009', '987654321'] },
      replyTo: { id: 'OUT1', senderId: '15550009', text: 'earlier answer' },
    });
    expect(inbound[2]!.text).toBe('a photo');
  });

  it('append (messages queued while offline): recent ones are taken, old ones skipped', async () => {
    const { inbound, startOpen } = await setup({ offlineMaxAgeMs: 60_000 });
    const sock = await startOpen();
    sock.upsert(
      'append',
      dm('OLD', 'yesterday', { messageTimestamp: Math.floor(Date.now() / 1000) - 86_400 }),
    );
    sock.upsert('append', dm('NEW', 'just now'));
    await waitFor(() => inbound.length > 0);
    await new Promise((r) => setTimeout(r, 20));
    expect(inbound.map((m) => m.id)).toEqual(['NEW']);
  });

  it('515 restart-required: a new socket at once, not a failure; a restart storm goes to the supervisor', async () => {
    const { sockets, failures, startOpen } = await setup();
    const first = await startOpen();
    first.emitClose(boom(515, 'Stream Errored (restart required)'));
    expect(sockets).toHaveLength(2);
    // Same credentials object: the pairing's creds carry over to the login.
    expect(sockets[1]!.options.auth).toBe(first.options.auth);
    sockets[1]!.open();
    expect(failures).toEqual([]);
    for (let i = 0; i < 5; i++) sockets.at(-1)!.emitClose(boom(515));
    expect(failures).toEqual([]);
    sockets.at(-1)!.emitClose(boom(515));
    expect(String(failures[0])).toMatch(/restart 6 times within a minute/);
  });

  it('401 loggedOut: needs-action with the re-link hint, and the auth dir wiped', async () => {
    const { sockets, failures, authDir, startOpen } = await setup();
    await startOpen();
    sockets[0]!.ev.emit('creds.update', {});
    await waitFor(() => existsSync(join(authDir, 'creds.json')));
    sockets[0]!.emitClose(boom(401, 'Stream Errored (conflict)'));
    await waitFor(() => failures.length > 0);
    expect(failures[0]).toBeInstanceOf(NonRetryableChannelError);
    expect(failures[0]).toMatchObject({
      code: 'WHATSAPP_LOGGED_OUT',
      state: 'needs-action',
      action: 'needs re-link: run openclaw channels login whatsapp',
    });
    expect(existsSync(join(authDir, 'creds.json'))).toBe(false);
    expect(sockets).toHaveLength(1);
  });

  it('440 replaced: non-retryable, no reconnect; other closes: a plain error for the backoff', async () => {
    const a = await setup();
    await a.startOpen();
    a.sockets[0]!.emitClose(boom(440, 'Stream Errored (conflict)'));
    expect(a.failures[0]).toBeInstanceOf(NonRetryableChannelError);
    expect((a.failures[0] as Error).message).toMatch(/another client took the session/);
    expect(a.sockets).toHaveLength(1);

    const b = await setup();
    await b.startOpen();
    b.sockets[0]!.emitClose(boom(428, 'Connection Terminated'));
    expect(b.failures[0]).not.toBeInstanceOf(NonRetryableChannelError);
    expect(String(b.failures[0])).toMatch(/428 Connection Terminated/);
  });

  it('a close before start resolved rejects start', async () => {
    const { adapter, sockets, ctx, failures } = await setup();
    const p = adapter.start(ctx);
    await waitFor(() => sockets[0]);
    sockets[0]!.emitClose(boom(503, 'Service Unavailable'));
    await expect(p).rejects.toThrow(/503/);
    expect(failures).toEqual([]);
  });

  it('a socket that neither logs in nor shows a QR is ended after connectTimeoutMs', async () => {
    const { adapter, sockets, ctx } = await setup({ connectTimeoutMs: 50 });
    await expect(adapter.start(ctx)).rejects.toThrow(/no login and no QR within 50 ms/);
    expect(sockets[0]!.ended).toHaveLength(1);
  });

  it('send: text to the jid with a stable id from the nonce, no link preview, replies quote', async () => {
    const { adapter, startOpen } = await setup();
    const sock = await startOpen();
    sock.upsert('notify', dm('IN1', 'question'));
    const r = await adapter.send({ to: { chatId: '+1 555 0001' }, text: 'answer', nonce: 'n1' });
    const id = messageIdFor('default', '15550001@s.whatsapp.net', 'n1');
    expect(id).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(r.ids).toEqual([id]);
    expect(sock.sent[0]).toEqual({
      jid: '15550001@s.whatsapp.net',
      content: { text: 'answer', linkPreview: null },
      options: { messageId: id },
    });
    await adapter.send({
      to: { chatId: '15550001@s.whatsapp.net' },
      text: 're',
      nonce: 'n2',
      replyToId: 'IN1',
    });
    expect(sock.sent[1]!.options?.quoted?.key.id).toBe('IN1');
  });

  it('send errors: rate-overlimit → RateLimitedError, refusals and empty sends → PermanentSendError', async () => {
    const { adapter, startOpen } = await setup({ rateLimitRetryMs: 777 });
    const sock = await startOpen();
    // An iq error, as Baileys' assertNodeErrorFree throws it: the code is in `data`.
    sock.sendError = Object.assign(new Error('rate-overlimit'), { data: 429, output: { statusCode: 500 } });
    const e = await adapter.send({ to: { chatId: '1' }, text: 'x', nonce: 'a' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterMs).toBe(777);
    sock.sendError = Object.assign(new Error('item-not-found'), { data: 404 });
    await expect(adapter.send({ to: { chatId: '1@g.us' }, text: 'x', nonce: 'b' })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
    sock.sendError = Object.assign(new Error('Connection Closed'), { output: { statusCode: 428 } });
    const t = await adapter.send({ to: { chatId: '1' }, text: 'x', nonce: 'c' }).catch((x: unknown) => x);
    expect(t).not.toBeInstanceOf(PermanentSendError);
    expect(t).not.toBeInstanceOf(RateLimitedError);
    sock.sendError = undefined;
    await expect(adapter.send({ to: { chatId: '1' }, nonce: 'd' })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
  });

  it('typing is composing/paused; a reaction carries the original key (with its group author)', async () => {
    const { adapter, startOpen } = await setup();
    const sock = await startOpen();
    await adapter.setTyping('15550001@s.whatsapp.net', true);
    await adapter.setTyping('15550001', false);
    expect(sock.presence).toEqual([
      { type: 'composing', jid: '15550001@s.whatsapp.net' },
      { type: 'paused', jid: '15550001@s.whatsapp.net' },
    ]);
    const key = {
      remoteJid: '120363000000000001@g.us',
      fromMe: false,
      id: 'G9',
      participant: '15550002@s.whatsapp.net',
    };
    sock.upsert('notify', { key, message: { conversation: 'hi all' } });
    await adapter.react('120363000000000001@g.us', 'G9', '👍');
    await adapter.react('15550001@s.whatsapp.net', 'UNSEEN', '❤️');
    expect(sock.sent.map((s) => s.content)).toEqual([
      { react: { text: '👍', key } },
      { react: { text: '❤️', key: { remoteJid: '15550001@s.whatsapp.net', id: 'UNSEEN', fromMe: false } } },
    ]);
  });

  it('stop ends the socket, ignores its later events and settles pending waits', async () => {
    const { adapter, sockets, ctx, inbound, failures } = await setup();
    const p = adapter.start(ctx);
    await waitFor(() => sockets[0]);
    sockets[0]!.qr();
    await p;
    const wait = adapter.loginWait({ timeoutMs: 10_000 });
    await adapter.stop();
    expect(sockets[0]!.ended).toEqual([undefined]);
    expect((await wait).status).toBe('expired');
    sockets[0]!.open();
    sockets[0]!.upsert('notify', dm('LATE', 'late'));
    sockets[0]!.emitClose(boom(428));
    expect(inbound).toEqual([]);
    expect(failures).toEqual([]);
    expect(sockets).toHaveLength(1);
  });
});
