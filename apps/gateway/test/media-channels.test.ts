// Media end to end on all six providers (WhatsApp, Telegram, Slack, Discord, Signal, iMessage): the real gateway process, each platform's real library
// against its wire-level fake, the fake OpenAI server transcribing voice notes, and the Control UI
// in Debian's Chromium showing what arrived (screenshots in test-artifacts/media/).
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ChatMessage, GatewayClient } from '@openclaw/protocol';
import {
  FakeBlueBubbles,
  FakeDiscord,
  FakeOpenAi,
  FakeSignal,
  FakeSlack,
  FakeTelegram,
  FakeWhatsApp,
  samplePng,
  sampleVoiceNote,
  type WaLib,
  waitFor,
} from '@openclaw/test-fakes';
import {
  connectOperator,
  type GatewayProcess,
  repoRoot,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { type Browser, launchBrowser, signedInPage } from './browser.ts';

const GUILD = '100000000000000001';
const GENERAL = '200000000000000001';
const ANN = '300000000000000001';
const open = { dmPolicy: 'open', pacing: { perChatMs: 0, perAccountMs: 0 } };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'media');
const baileys = createRequire(import.meta.url)('@whiskeysockets/baileys') as WaLib;

/** One provider's part of the test: how a photo and a voice note go in, and what came back out. */
interface Case {
  channel: string;
  sessionKey: string;
  seed: number;
  photoIn(photo: Buffer): Promise<unknown>;
  voiceIn(voice: Buffer): Promise<unknown>;
  /** The bytes of every image the fake received from the bot. */
  imagesOut(): Buffer[];
}

describe('photos and voice notes in, an image out, on every platform', needs('chromium'), () => {
  const token = randomBytes(24).toString('base64url');
  const hookSecret = 'imessage-webhook-secret-1234';
  let tg: FakeTelegram;
  let slack: FakeSlack;
  let discord: FakeDiscord;
  let signal: FakeSignal;
  let bb: FakeBlueBubbles;
  let ai: FakeOpenAi;
  let wa: FakeWhatsApp;
  let gw: GatewayProcess;
  let c: GatewayClient;
  let stateDir: string;
  let browser: Browser;
  let cases: Case[];

  beforeAll(async () => {
    tg = await FakeTelegram.start({ holdMs: 100 });
    slack = await FakeSlack.start();
    discord = await FakeDiscord.start({
      guilds: [{ id: GUILD, name: 'G', channels: [{ id: GENERAL, name: 'general' }] }],
    });
    signal = await FakeSignal.start({ number: '+15559999999', mode: 'json-rpc' });
    bb = await FakeBlueBubbles.start();
    ai = await FakeOpenAi.start({ transcribe: (t) => `a voice note of ${t.data.length} bytes` });
    wa = await FakeWhatsApp.start({ lib: baileys, media: true });
    const res = await fetch(`${discord.url}/api/v10/users/@me/channels`, {
      method: 'POST',
      headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recipient_id: ANN }),
    });
    const discordDm = ((await res.json()) as { id: string }).id;
    stateDir = await tempStateDir();
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        media: { transcription: { model: 'whisper-1', baseUrl: ai.baseUrl } },
        channels: {
          telegram: { botToken: tg.token, apiRoot: tg.apiRoot, ...open },
          slack: { botToken: slack.botToken, appToken: slack.appToken, apiUrl: slack.apiUrl, ...open },
          discord: { botToken: discord.token, apiUrl: `${discord.url}/api`, ...open },
          imessage: { serverUrl: bb.url, password: bb.password, webhookSecret: hookSecret, ...open },
          signal: { baseUrl: signal.url, number: signal.number, ...open },
          whatsapp: { waWebSocketUrl: wa.wsUrl, ...open },
        },
      }),
    );
    // WhatsApp's media hosts are HTTPS; the gateway trusts the fake's certificate as an operator
    // would trust a private CA: through Node's NODE_EXTRA_CA_CERTS.
    const ca = join(stateDir, 'wa-media-ca.pem');
    await writeFile(ca, wa.mediaCa);
    gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token, NODE_EXTRA_CA_CERTS: ca } });
    c = await connectOperator(gw.url, token);
    await waitFor(
      async () => {
        const st = await c.request('channels.status', {});
        return ['telegram', 'slack', 'discord', 'signal', 'imessage'].every((ch) =>
          st.channelAccounts[ch]?.some((a) => a.connected),
        );
      },
      30_000,
      'every channel connected',
    );
    // Link the WhatsApp account the way an operator does: a QR from web.login.start, scanned.
    const qr = await c.request('web.login.start', { timeoutMs: 10_000 });
    await wa.scanQr(qr.qr!);
    await waitFor(
      async () => (await c.request('channels.status', {})).channelAccounts.whatsapp?.[0]?.connected,
      20_000,
      'WhatsApp linked',
    );
    await waitFor(() => wa.isOnline(), 10_000, 'WhatsApp online');
    bb.webhook = {
      url: `http://127.0.0.1:${gw.port}/channels/imessage/default/webhook?secret=${hookSecret}`,
    };
    cases = [
      {
        channel: 'whatsapp',
        sessionKey: 'whatsapp:default:15550001111@s.whatsapp.net',
        seed: 26,
        photoIn: (p) =>
          wa.pushMedia('15550001111', {
            type: 'image',
            data: p,
            mimeType: 'image/png',
            caption: 'whatsapp photo',
          }),
        voiceIn: (v) =>
          wa.pushMedia('15550001111', {
            type: 'audio',
            data: v,
            mimeType: 'audio/ogg; codecs=opus',
            ptt: true,
          }),
        imagesOut: () => wa.sent.flatMap((s) => (s.media?.type === 'image' ? [s.media.data] : [])),
      },
      {
        channel: 'telegram',
        sessionKey: 'telegram:default:11',
        seed: 21,
        photoIn: (p) =>
          tg.pushMessage({
            chatId: 11,
            from: { id: 11, first_name: 'Ann' },
            photo: p,
            caption: 'telegram photo',
          }),
        voiceIn: (v) => tg.pushMessage({ chatId: 11, from: { id: 11, first_name: 'Ann' }, voice: v }),
        imagesOut: () =>
          tg.sent.filter((s) => s.method === 'sendPhoto' && s.chatId === '11').map((s) => s.file!.data),
      },
      {
        channel: 'slack',
        sessionKey: 'slack:default:DANN0001',
        seed: 22,
        photoIn: (p) =>
          slack.pushEvent(
            slack.buildMessageEvent({
              channel: 'DANN0001',
              channelType: 'im',
              user: 'UANN0001',
              text: 'slack photo',
              files: [slack.addFile(p, 'cat.png', 'image/png')],
            }),
          ),
        voiceIn: (v) =>
          slack.pushEvent(
            slack.buildMessageEvent({
              channel: 'DANN0001',
              channelType: 'im',
              user: 'UANN0001',
              text: '',
              files: [slack.addFile(v, 'audio_message.ogg', 'audio/ogg', { subtype: 'slack_audio' })],
            }),
          ),
        imagesOut: () => slack.uploads.filter((u) => u.channel === 'DANN0001').map((u) => u.data),
      },
      {
        channel: 'discord',
        sessionKey: `discord:default:${discordDm}`,
        seed: 23,
        photoIn: (p) =>
          discord.pushMessage({
            channelId: discordDm,
            author: { id: ANN, username: 'ann' },
            content: 'discord photo',
            attachments: [{ filename: 'cat.png', data: p, contentType: 'image/png' }],
          }),
        voiceIn: (v) =>
          discord.pushMessage({
            channelId: discordDm,
            author: { id: ANN, username: 'ann' },
            content: '',
            attachments: [{ filename: 'voice-message.ogg', data: v, contentType: 'audio/ogg', voice: true }],
          }),
        imagesOut: () =>
          discord.sent
            .filter((s) => s.channelId === discordDm)
            .flatMap((s) => (s.files ?? []).map((f) => f.data)),
      },
      {
        channel: 'signal',
        sessionKey: 'signal:default:+15550000001',
        seed: 24,
        photoIn: async (p) =>
          signal.pushMessage({
            source: '+15550000001',
            sourceName: 'Ann',
            text: 'signal photo',
            attachments: [{ data: p, contentType: 'image/png', filename: 'cat.png' }],
          }),
        voiceIn: async (v) =>
          signal.pushMessage({
            source: '+15550000001',
            sourceName: 'Ann',
            text: '',
            attachments: [{ data: v, contentType: 'audio/ogg', voiceNote: true }],
          }),
        imagesOut: () =>
          signal.sent
            .filter((s) => s.recipients[0] === '+15550000001')
            .flatMap((s) =>
              s.base64Attachments.map((a) => Buffer.from(a.slice(a.indexOf('base64,') + 7), 'base64')),
            ),
      },
      {
        channel: 'imessage',
        sessionKey: 'imessage:default:iMessage;-;+15550000001',
        seed: 25,
        photoIn: (p) =>
          bb.pushMessage({
            from: '+15550000001',
            text: 'imessage photo',
            attachments: [{ data: p, mimeType: 'image/png', name: 'cat.png' }],
          }),
        voiceIn: (v) =>
          bb.pushMessage({
            from: '+15550000001',
            text: '',
            attachments: [{ data: v, mimeType: 'audio/ogg', name: 'Audio Message.caf' }],
            isAudioMessage: true,
          }),
        imagesOut: () => bb.sentAttachments.map((a) => a.data),
      },
    ];
    // The first request builds the UI from source when there is no dist (a clean clone).
    expect(
      (await fetch(`http://127.0.0.1:${gw.port}/`, { signal: AbortSignal.timeout(45_000) })).status,
    ).toBe(200);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.[Symbol.asyncDispose]();
    await c?.close().catch(() => {});
    await gw?.stop();
    await Promise.all([
      tg?.close(),
      slack?.close(),
      discord?.close(),
      signal?.close(),
      bb?.close(),
      ai?.close(),
    ]);
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('each platform: both stored and in chat.history (the voice note transcribed), and the echo sends the photo back byte-identical', async () => {
    for (const k of cases) {
      await k.photoIn(samplePng(k.seed));
      await k.voiceIn(sampleVoiceNote(k.seed));
    }
    for (const k of cases) {
      const photo = samplePng(k.seed);
      const voice = sampleVoiceNote(k.seed);
      const out = await waitFor(
        () => (k.imagesOut().length > 0 ? k.imagesOut() : undefined),
        20_000,
        `${k.channel}: the photo sent back\n${gw.output().slice(-4000)}`,
      );
      expect(
        out.map((b) => b.equals(photo)),
        k.channel,
      ).toEqual([true]);
      const history = await waitFor(
        async () => {
          const h = (await c.request('chat.history', { sessionKey: k.sessionKey })).messages;
          return h.filter((m) => m.role === 'assistant' && m.status === 'complete').length >= 2
            ? h
            : undefined;
        },
        20_000,
        `${k.channel}: two answered turns`,
      );
      const media = (kind: string) =>
        history.find((m: ChatMessage) => m.role === 'user' && m.media?.[0]?.kind === kind);
      expect(media('image')?.media?.[0], k.channel).toMatchObject({
        id: sha(photo),
        mimeType: 'image/png',
        size: photo.length,
      });
      expect(media('voice')?.media?.[0], k.channel).toMatchObject({
        id: sha(voice),
        transcript: `a voice note of ${voice.length} bytes`,
      });
    }
    expect(ai.transcriptions).toHaveLength(cases.length);
  }, 120_000);

  it('the Control UI shows each photo inline and each voice note playable (screenshots)', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    // Uncaught page errors only: what this page's console says is not checked here.
    const { page, errors: pageErrors } = await signedInPage(browser, {
      base: `http://127.0.0.1:${gw.port}`,
      token,
      consoleErrors: false,
    });
    for (const k of cases) {
      await page.goto(`http://127.0.0.1:${gw.port}/#/chat/${encodeURIComponent(k.sessionKey)}`);
      const transcript = page.getByTestId('transcript');
      const img = transcript.locator('li.user [data-testid="media-image"]');
      await img.first().waitFor({ timeout: 15_000 });
      // Loaded and decoded: the real PNG came through the authenticated media route.
      await waitFor(
        () =>
          img
            .first()
            .evaluate(
              (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth === 8,
            ),
        10_000,
        `${k.channel}: photo decoded`,
      );
      await transcript.locator('[data-testid="media-audio"]').first().waitFor({ timeout: 10_000 });
      expect(await transcript.getByTestId('media-transcript').first().textContent()).toContain(
        'a voice note of',
      );
      // The echo's photo is shown on the agent's side too.
      await transcript
        .locator('li.assistant [data-testid="media-image"]')
        .first()
        .waitFor({ timeout: 10_000 });
      await transcript.screenshot({ path: join(ARTIFACTS, `${k.channel}.png`) });
    }
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
