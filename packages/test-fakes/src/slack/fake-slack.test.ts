import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type Logger, LogLevel, SocketModeClient } from '@slack/socket-mode';
import { WebClient, WebClientEvent } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, listen, readBody } from '../http-util.ts';
import { FakeSlack } from './fake-slack.ts';

const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

describe('FakeSlack with the real @slack/web-api and @slack/socket-mode', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function startFake(): Promise<FakeSlack> {
    const fake = await FakeSlack.start();
    cleanups.push(() => fake.close());
    return fake;
  }

  it('WebClient: auth.test, chat.postMessage, reactions.add and files.uploadV2 reach the fake', async () => {
    const fake = await startFake();
    const web = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, logger: silent });
    const auth = await web.auth.test();
    expect(auth).toMatchObject({
      ok: true,
      user_id: fake.botUserId,
      bot_id: fake.botId,
      team_id: fake.teamId,
    });

    const posted = await web.chat.postMessage({
      channel: 'C123',
      text: 'hello slack',
      thread_ts: '1700000000.000100',
    });
    expect(posted.ok).toBe(true);
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({
      channel: 'C123',
      text: 'hello slack',
      threadTs: '1700000000.000100',
      ts: posted.ts,
    });
    expect(fake.calls.find((c) => c.method === 'chat.postMessage')?.token).toBe(fake.botToken);

    await web.reactions.add({ channel: 'C123', timestamp: posted.ts!, name: 'thumbsup' });
    expect(fake.reactions).toEqual([{ channel: 'C123', timestamp: posted.ts, name: 'thumbsup' }]);
    await expect(
      web.reactions.add({ channel: 'C123', timestamp: posted.ts!, name: 'thumbsup' }),
    ).rejects.toMatchObject({
      data: { ok: false, error: 'already_reacted' },
    });

    await web.filesUploadV2({
      channel_id: 'C123',
      file: Buffer.from('file bytes'),
      filename: 'note.txt',
      title: 'A note',
      initial_comment: 'see attached',
    });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({
      filename: 'note.txt',
      title: 'A note',
      size: 10,
      channel: 'C123',
    });
    expect(fake.uploads[0]!.data.toString()).toBe('file bytes');
  });

  it('WebClient retries a 429 after Retry-After on its own', async () => {
    const fake = await startFake();
    // Short p-retry backoff on top of the Retry-After pause, so the test stays fast.
    const web = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      logger: silent,
      retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 },
    });
    const limited: number[] = [];
    web.on(WebClientEvent.RATE_LIMITED, (seconds: number) => limited.push(seconds));
    fake.failNext({ method: 'chat.postMessage', status: 429, retryAfter: 1 });
    const t0 = Date.now();
    const res = await web.chat.postMessage({ channel: 'C1', text: 'after the limit' });
    expect(res.ok).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(limited).toEqual([1]);
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(2);
    expect(fake.sent.map((s) => s.text)).toEqual(['after the limit']);
  });

  it('WebClient: a 401 failure is {ok:false,error:invalid_auth} over HTTP 200', async () => {
    const fake = await startFake();
    const web = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, logger: silent });
    fake.failNext({ method: 'auth.test', status: 401 });
    await expect(web.auth.test()).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'invalid_auth' },
    });
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, logger: silent });
    await expect(wrong.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('url_private needs the bot token', async () => {
    const fake = await startFake();
    const file = fake.addFile(Buffer.from('png-bytes'), 'pic.png', 'image/png');
    const ok = await fetch(file.url_private_download, {
      headers: { authorization: `Bearer ${fake.botToken}` },
    });
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect(await ok.text()).toBe('png-bytes');
    const anon = await fetch(file.url_private);
    expect(anon.headers.get('content-type')).toContain('text/html');
    await anon.text();
  });

  it('SocketModeClient connects, receives a pushed message event, acks it and reconnects on disconnect', async () => {
    const fake = await startFake();
    // clientPingTimeout also sets the reconnect delay (×1 after the first drop); keep it short for the test.
    const sm = new SocketModeClient({
      appToken: fake.appToken,
      clientOptions: { slackApiUrl: fake.apiUrl },
      logger: silent,
      clientPingTimeout: 300,
    });
    cleanups.push(() => sm.disconnect());
    const received: Record<string, unknown>[] = [];
    sm.on('message', async ({ event, ack }: { event: Record<string, unknown>; ack: () => Promise<void> }) => {
      received.push(event);
      await ack();
    });
    sm.on('app_mention', async ({ ack }: { ack: () => Promise<void> }) => {
      await ack();
    });
    await sm.start();
    expect(fake.connections).toBe(1);

    const { envelopeId } = await fake.pushMessage({ channel: 'D42', user: 'U42', text: 'hi from slack' });
    const ack = await fake.waitForAck(envelopeId);
    expect(ack.envelope_id).toBe(envelopeId);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      type: 'message',
      channel: 'D42',
      channel_type: 'im',
      user: 'U42',
      text: 'hi from slack',
    });

    const reconnected = new Promise((resolve) => sm.once('connected', resolve));
    fake.sendDisconnect('refresh_requested');
    await reconnected;
    expect(fake.connections).toBe(2);
    expect(fake.calls.filter((c) => c.method === 'apps.connections.open')).toHaveLength(2);
    const second = await fake.pushEvent({
      type: 'app_mention',
      channel: 'C1',
      user: 'U42',
      text: `<@${fake.botUserId}> yo`,
    });
    await fake.waitForAck(second.envelopeId);
  });

  it('postSignedEvent signs Events API callbacks the way Slack does', async () => {
    const fake = await startFake();
    const seen: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const target: Server = createServer(async (req, res) => {
      seen.push({ headers: req.headers, body: (await readBody(req)).toString('utf8') });
      res.writeHead(200, { 'content-length': 0 });
      res.end();
    });
    const port = await listen(target);
    cleanups.push(() => closeServer(target));
    const body = fake.buildEventCallback(
      fake.buildMessageEvent({ channel: 'C1', user: 'U1', text: 'signed' }),
    );
    const res = await fake.postSignedEvent(`http://127.0.0.1:${port}/slack/events`, body, 'shh', {
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    expect(res.status).toBe(200);
    const got = seen[0]!;
    const ts = String(got.headers['x-slack-request-timestamp']);
    const expected = `v0=${createHmac('sha256', 'shh').update(`v0:${ts}:${got.body}`).digest('hex')}`;
    expect(got.headers['x-slack-signature']).toBe(expected);
    expect(got.headers['x-slack-retry-num']).toBe('1');
    expect(JSON.parse(got.body)).toMatchObject({ type: 'event_callback', event: { text: 'signed' } });
    await fake.postSignedEvent(`http://127.0.0.1:${port}/slack/events`, body, 'shh', { badSignature: true });
    expect(seen[1]!.headers['x-slack-signature']).not.toBe(
      `v0=${createHmac('sha256', 'shh').update(`v0:${seen[1]!.headers['x-slack-request-timestamp']}:${seen[1]!.body}`).digest('hex')}`,
    );
  });
});
