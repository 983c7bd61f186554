// Opt-in (`pnpm test:interop`): the reference CLI's main- and current-session cron jobs against our gateway.
// `cron add --session main --system-event …` stores a job that `cron list` shows on the main
// session; `cron run --wait` ends once a turn of the agent's main session has answered the event,
// and the main session's history (read with the reference CLI) holds the event and the reply. With
// `--wake next-heartbeat` the event waits in the main session, and is still there after a restart.
// And `cron add --session current --session-key <a chat's session>`: a run told of that chat's
// recent messages, whose reply goes to the chat and is committed into its conversation. And a
// main-session job with `--session-key <a chat's session>` (the wake turn answers that chat) or
// `--webhook <url>` (the finished run is POSTed, its summary the event's text).
// Needs the reference package (installed on first run, see reference-clients.ts).

import { FakeTelegram, WebhookReceiver, waitFor } from '@openclaw/test-fakes';
import { spawnGateway, tempDir } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { cronRunWaitArgs, ensureReference, ref } from './reference-clients.ts';

const TOKEN = 'cron-main-token-0123456789abcdef';
const config = { pairing: { autoApproveLoopback: false } };

type Message = { role: string; text: string };

describe('the reference CLI’s main-session and current-session cron jobs against our gateway', () => {
  it('cron add --session main --system-event, cron run: the main session holds the event and the reply; next-heartbeat waits there across a restart', async () => {
    await ensureReference();
    await using state = await tempDir();
    await using home = await tempDir();
    let url = '';
    const cli = (args: string[]) =>
      ref(args, home.path, { OPENCLAW_GATEWAY_URL: url, OPENCLAW_GATEWAY_TOKEN: TOKEN });
    const mainHistory = async (): Promise<Message[]> => {
      const r = await cli([
        'gateway',
        'call',
        'chat.history',
        '--json',
        '--params',
        JSON.stringify({ sessionKey: 'agent:main:main' }),
      ]);
      expect(r.code, r.out).toBe(0);
      return (JSON.parse(r.out.slice(r.out.indexOf('{'))) as { messages: Message[] }).messages;
    };
    const idOf = (out: string) => /"id": "(job_[\w-]+)"/.exec(out)?.[1];

    let waitingId: string | undefined;
    {
      await using gw = await spawnGateway({ token: TOKEN, stateDir: state.path, config, timeoutMs: 60_000 });
      url = gw.url;
      const add = await cli([
        'cron',
        'add',
        '--name',
        'interop-main',
        '--every',
        '1h',
        '--session',
        'main',
        '--system-event',
        'Check the calendar.',
      ]);
      expect(add.code, add.out).toBe(0);
      expect(add.out).toMatch(/"sessionTarget": "main"/);
      expect(add.out).toMatch(/"wakeMode": "now"/);
      expect(add.out).toMatch(/"kind": "systemEvent"/);
      const id = idOf(add.out);
      expect(id, add.out).toBeDefined();
      const list = await cli(['cron', 'list']);
      expect(list.code, list.out).toBe(0);
      expect(list.out.split('\n').find((l) => l.startsWith(id!))).toMatch(/\binterop-main\b.*\bmain\b/);

      const run = await cli(cronRunWaitArgs(id!));
      expect(run.code, run.out).toBe(0);
      expect(run.out).toMatch(/"completionStatus": "succeeded"/);
      // The event, then the turn that answered it (the echo backend repeats its prompt).
      expect(await mainHistory()).toEqual([
        expect.objectContaining({ role: 'system', text: 'Check the calendar.' }),
        expect.objectContaining({ role: 'assistant', text: 'echo: System: Check the calendar.' }),
      ]);
      expect((await cli(['cron', 'rm', id!])).code).toBe(0);

      const later = await cli([
        'cron',
        'add',
        '--name',
        'interop-later',
        '--every',
        '1h',
        '--system-event',
        'Renew the certificate.',
        '--wake',
        'next-heartbeat',
      ]);
      expect(later.code, later.out).toBe(0);
      expect(later.out).toMatch(/"wakeMode": "next-heartbeat"/);
      waitingId = idOf(later.out);
      const queued = await cli(cronRunWaitArgs(waitingId!));
      expect(queued.code, queued.out).toBe(0);
      expect(queued.out).toMatch(/"completionStatus": "succeeded"/);
      // Queued, not answered: no turn ran for it.
      expect((await mainHistory()).slice(2)).toEqual([
        expect.objectContaining({ role: 'system', text: 'Renew the certificate.' }),
      ]);
    }
    // The next gateway on the same state still has it waiting, and the job.
    await using gw = await spawnGateway({ token: TOKEN, stateDir: state.path, config, timeoutMs: 60_000 });
    url = gw.url;
    expect((await mainHistory()).map((m) => [m.role, m.text])).toEqual([
      ['system', 'Check the calendar.'],
      ['assistant', 'echo: System: Check the calendar.'],
      ['system', 'Renew the certificate.'],
    ]);
    const show = await cli(['cron', 'list', '--json']);
    expect(show.code, show.out).toBe(0);
    expect(show.out).toContain(waitingId!);
    expect(show.out).toMatch(/"wakeMode": "next-heartbeat"/);
  });

  it('cron add --session current --session-key <chat>: the run reads the chat, its reply goes there and into its conversation', async () => {
    await ensureReference();
    const tg = await FakeTelegram.start({ holdMs: 100 });
    try {
      await using home = await tempDir();
      await using gw = await spawnGateway({
        token: TOKEN,
        config: {
          ...config,
          channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: 'open' } },
        },
        timeoutMs: 60_000,
      });
      const cli = (args: string[]) =>
        ref(args, home.path, { OPENCLAW_GATEWAY_URL: gw.url, OPENCLAW_GATEWAY_TOKEN: TOKEN });
      await tg.pushMessage({ chatId: 4270, from: { id: 4270, first_name: 'Ann' }, text: 'buy milk' });
      await waitFor(() => tg.sentTexts('4270').includes('echo: buy milk'), 30_000, 'the reply to the DM');
      const sessions = await cli(['gateway', 'call', 'sessions.list', '--params', '{}']);
      const chat = /"key": "(telegram:[^"]*:4270)"/.exec(sessions.out)?.[1];
      expect(chat, sessions.out).toBeDefined();

      const add = await cli([
        'cron',
        'add',
        '--name',
        'interop-current',
        '--every',
        '1h',
        '--session',
        'current',
        '--session-key',
        chat!,
        '--message',
        'What did I ask for?',
      ]);
      expect(add.code, add.out).toBe(0);
      expect(add.out).toMatch(/"sessionTarget": "current"/);
      expect(add.out).toContain(`"sessionKey": "${chat}"`);
      const id = /"id": "(job_[\w-]+)"/.exec(add.out)?.[1];
      const run = await cli(cronRunWaitArgs(id!));
      expect(run.code, run.out).toBe(0);
      expect(run.out).toMatch(/"deliveryStatus": "delivered"/);
      // The echo backend repeats its prompt: the chat's recent lines, then the job's message.
      const reply =
        'echo: Recent conversation:\n- User: buy milk\n- Assistant: echo: buy milk\n\nWhat did I ask for?';
      expect(tg.sentTexts('4270')).toEqual(['echo: buy milk', reply]);
      const history = await cli([
        'gateway',
        'call',
        'chat.history',
        '--json',
        '--params',
        JSON.stringify({ sessionKey: chat }),
      ]);
      expect(history.code, history.out).toBe(0);
      const messages = (JSON.parse(history.out.slice(history.out.indexOf('{'))) as { messages: Message[] })
        .messages;
      expect(messages.map((m) => [m.role, m.text])).toEqual([
        ['user', 'buy milk'],
        ['assistant', 'echo: buy milk'],
        ['assistant', reply],
      ]);
    } finally {
      await tg.close();
    }
  });
  it('cron add --session main --system-event --session-key <chat> answers that chat; --webhook posts the finished run', async () => {
    await ensureReference();
    const tg = await FakeTelegram.start({ holdMs: 100 });
    const rx = await WebhookReceiver.start();
    try {
      await using home = await tempDir();
      await using gw = await spawnGateway({
        token: TOKEN,
        config: {
          ...config,
          channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: 'open' } },
          cron: { webhookSsrfPolicy: { allowedHostnames: ['127.0.0.1'] } },
        },
        timeoutMs: 60_000,
      });
      const cli = (args: string[]) =>
        ref(args, home.path, { OPENCLAW_GATEWAY_URL: gw.url, OPENCLAW_GATEWAY_TOKEN: TOKEN });
      await tg.pushMessage({ chatId: 4271, from: { id: 4271, first_name: 'Bo' }, text: 'hi' });
      await waitFor(() => tg.sentTexts('4271').includes('echo: hi'), 30_000, 'the reply to the DM');
      const sessions = await cli(['gateway', 'call', 'sessions.list', '--params', '{}']);
      const chat = /"key": "(telegram:[^"]*:4271)"/.exec(sessions.out)?.[1];
      expect(chat, sessions.out).toBeDefined();
      const main = ['cron', 'add', '--every', '1h', '--session', 'main'];

      const keyed = await cli([
        ...main,
        '--name',
        'interop-main-key',
        '--system-event',
        'Stretch.',
        '--session-key',
        chat!,
      ]);
      expect(keyed.code, keyed.out).toBe(0);
      expect(keyed.out).toContain(`"sessionKey": "${chat}"`);
      const run = await cli(cronRunWaitArgs(/"id": "(job_[\w-]+)"/.exec(keyed.out)![1]!));
      expect(run.code, run.out).toBe(0);
      expect(run.out).toMatch(/"deliveryStatus": "delivered"/);
      // The main session's turn answered the event, in that chat.
      expect(tg.sentTexts('4271')).toEqual(['echo: hi', 'echo: System: Stretch.']);

      const hooked = await cli([
        ...main,
        '--name',
        'interop-main-hook',
        '--system-event',
        'Backup done?',
        '--webhook',
        rx.url('/main'),
      ]);
      expect(hooked.code, hooked.out).toBe(0);
      expect(hooked.out).toMatch(/"mode": "webhook"/);
      const id = /"id": "(job_[\w-]+)"/.exec(hooked.out)![1]!;
      const posted = await cli(cronRunWaitArgs(id));
      expect(posted.code, posted.out).toBe(0);
      expect(posted.out).toMatch(/"deliveryStatus": "delivered"/);
      expect(rx.hits).toHaveLength(1);
      expect(JSON.parse(rx.hits[0]!.body)).toMatchObject({
        jobId: id,
        action: 'finished',
        status: 'ok',
        summary: 'Backup done?',
      });
      // A chat of its own is refused by the CLI itself, as a main-session job has its route.
      const chatTarget = await cli([
        ...main,
        '--name',
        'interop-main-chat',
        '--system-event',
        'x',
        '--channel',
        'telegram',
        '--to',
        '4271',
      ]);
      expect(chatTarget.code, chatTarget.out).not.toBe(0);
      expect(tg.sentTexts('4271')).toHaveLength(2);
    } finally {
      await rx.close();
      await tg.close();
    }
  });
});
