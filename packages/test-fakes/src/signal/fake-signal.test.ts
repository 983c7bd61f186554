import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeSignal, type SignalEnvelopeItem } from './fake-signal.ts';

const me = '+15559999999';
const ann = '+15550000001';
const enc = encodeURIComponent;

describe('FakeSignal with axios and ws', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function startFake(mode: 'normal' | 'json-rpc' = 'normal'): Promise<FakeSignal> {
    const fake = await FakeSignal.start({ number: me, mode });
    cleanups.push(() => fake.close());
    return fake;
  }

  it('POST /v2/send answers 201 {timestamp} and is recorded; typing, reactions and health answer 204', async () => {
    const fake = await startFake();
    const about = await axios.get(`${fake.url}/v1/about`);
    expect(about.data).toMatchObject({ versions: ['v1', 'v2'], mode: 'normal' });
    expect((await axios.get(`${fake.url}/v1/health`)).status).toBe(204);

    const res = await axios.post(`${fake.url}/v2/send`, {
      number: me,
      recipients: [ann],
      message: 'hello signal',
      base64_attachments: ['data:image/png;filename=a.png;base64,iVBORw0K'],
    });
    expect(res.status).toBe(201);
    expect(res.data.timestamp).toMatch(/^\d+$/);
    expect(fake.sent).toEqual([
      expect.objectContaining({
        number: me,
        recipients: [ann],
        message: 'hello signal',
        base64Attachments: ['data:image/png;filename=a.png;base64,iVBORw0K'],
        timestamp: Number(res.data.timestamp),
      }),
    ]);

    const empty = await axios.post(
      `${fake.url}/v2/send`,
      { number: me, recipients: [ann], message: '' },
      { validateStatus: () => true },
    );
    expect(empty.status).toBe(400);
    expect(empty.data.error).toBeTruthy();
    expect(fake.sent).toHaveLength(1);

    expect((await axios.put(`${fake.url}/v1/typing-indicator/${enc(me)}`, { recipient: ann })).status).toBe(
      204,
    );
    expect(
      (await axios.delete(`${fake.url}/v1/typing-indicator/${enc(me)}`, { data: { recipient: ann } })).status,
    ).toBe(204);
    expect(fake.typing.map((t) => t.action)).toEqual(['start', 'stop']);
    const reacted = await axios.post(`${fake.url}/v1/reactions/${enc(me)}`, {
      recipient: ann,
      reaction: '👍',
      target_author: ann,
      timestamp: 1700000000000,
    });
    expect(reacted.status).toBe(204);
    expect(fake.reactions).toEqual([
      {
        number: me,
        recipient: ann,
        reaction: '👍',
        targetAuthor: ann,
        timestamp: 1700000000000,
        remove: false,
      },
    ]);
  });

  it('normal mode: GET /v1/receive returns the pushed envelopes once, then []', async () => {
    const fake = await startFake('normal');
    const pushed = fake.pushMessage({
      source: ann,
      sourceName: 'Ann',
      text: 'hi \uFFFC',
      groupId: 'Z3JvdXAtaWQ=',
      mentions: [{ start: 3, number: me, name: 'Me' }],
      attachments: [{ data: Buffer.from('img'), contentType: 'image/png', filename: 'p.png' }],
    });
    const res = await axios.get<SignalEnvelopeItem[]>(`${fake.url}/v1/receive/${enc(me)}?timeout=1`);
    expect(res.status).toBe(200);
    expect(res.data).toEqual([pushed]);
    const env = res.data[0]!.envelope as {
      source: string;
      sourceDevice: number;
      dataMessage: {
        message: string;
        groupInfo: { groupId: string };
        mentions: { start: number }[];
        attachments: { id: string }[];
      };
    };
    expect(env).toMatchObject({ source: ann, sourceNumber: ann, sourceName: 'Ann', sourceDevice: 1 });
    expect(env.dataMessage.groupInfo.groupId).toBe('Z3JvdXAtaWQ=');
    expect(env.dataMessage.mentions[0]!.start).toBe(3);
    const bytes = await axios.get(`${fake.url}/v1/attachments/${enc(env.dataMessage.attachments[0]!.id)}`, {
      responseType: 'arraybuffer',
    });
    expect(Buffer.from(bytes.data as ArrayBuffer).toString()).toBe('img');

    const again = await axios.get(`${fake.url}/v1/receive/${enc(me)}?timeout=1`);
    expect(again.data).toEqual([]);
  });

  it('json-rpc mode: the receive path is a WebSocket, one frame per envelope', async () => {
    const fake = await startFake('json-rpc');
    expect((await axios.get(`${fake.url}/v1/about`)).data.mode).toBe('json-rpc');
    const queued = fake.pushMessage({ source: ann, sourceName: 'Ann', text: 'queued before connect' });

    const ws = new WebSocket(`${fake.url.replace('http', 'ws')}/v1/receive/${enc(me)}`);
    cleanups.push(() => ws.terminate());
    const frames: SignalEnvelopeItem[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as SignalEnvelopeItem));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const live = fake.pushMessage({ source: ann, sourceName: 'Ann', text: 'live' });
    await expect.poll(() => frames.length).toBe(2);
    expect(frames).toEqual([queued, live]);
    expect(frames[1]!.account).toBe(me);
  });

  it('a 429 carries challenge_tokens', async () => {
    const fake = await startFake();
    fake.failNext({ method: 'send', status: 429 });
    const res = await axios.post(
      `${fake.url}/v2/send`,
      { number: me, recipients: [ann], message: 'x' },
      { validateStatus: () => true },
    );
    expect(res.status).toBe(429);
    expect(res.data).toMatchObject({ error: 'Rate limit exceeded', account: me });
    expect(res.data.challenge_tokens).toHaveLength(1);
    expect(fake.sent).toHaveLength(0);
    const ok = await axios.post(`${fake.url}/v2/send`, { number: me, recipients: [ann], message: 'x' });
    expect(ok.status).toBe(201);
  });
});
