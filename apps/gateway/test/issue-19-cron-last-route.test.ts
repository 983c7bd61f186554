// The reference CLI's plainest `cron add` announces to channel "last". Through a real gateway, a
// fake OpenAI-compatible model and Telegram on its wire-level fake: a direct message makes a chat
// session; a job naming that session (the reference's `sessionKey`) delivers its turn's reply to
// that chat through the outbox, and a job naming no chat runs, keeps its reply and records why it
// was not delivered, sending nothing anywhere.
import { type ChatRequest, messageText } from '@openclaw/test-fakes';
import {
  type CleanupList,
  channelSessionKey,
  eventually,
  runCleanup,
  telegramAgentGateway,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

type RunRow = { status: string; deliveryStatus?: string; deliveryError?: string; agentRunId?: string };

describe('cron jobs announcing to the last route (channel "last")', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it("a job's reply goes to the chat of the session it names; one naming no chat records why not", async () => {
    // The model answers the newest user message, so each reply says which turn it is.
    const script = (req: ChatRequest) => {
      const asked = req.messages.filter((m) => m.role === 'user').at(-1);
      return { text: [`re: ${messageText(asked!)}`] };
    };
    const { tg, op } = await telegramAgentGateway(cleanup, { model: { script } });

    // A direct message: its chat's session is the route.
    await tg.pushMessage({ chatId: 4301, from: { id: 4301, first_name: 'Ann' }, text: 'hello' });
    await eventually(() => tg.sentTexts('4301').includes('re: hello'), 30_000);
    const chatSession = await eventually(() => channelSessionKey(op, 'telegram'));

    // cron.run names the run it started (absent only for mode due when nothing was due).
    const runOf = async (id: string, runId: string | undefined) =>
      ((await op.request('cron.runs', { id, runId: runId! })) as { runs: RunRow[] }).runs[0];
    const add = (name: string, message: string, sessionKey?: string) =>
      op.request('cron.add', {
        name,
        schedule: { kind: 'every', everyMs: 3_600_000 },
        sessionTarget: 'isolated',
        wakeMode: 'now',
        payload: { kind: 'agentTurn', message },
        delivery: { mode: 'announce', channel: 'last' },
        ...(sessionKey ? { sessionKey } : {}),
      });

    const keyed = await add('digest', 'daily digest', chatSession);
    const { runId } = await op.request('cron.run', { id: keyed.id, mode: 'force' });
    await eventually(() => tg.sentTexts('4301').includes('re: daily digest'), 30_000);
    // Delivered as the outbox recorded it (the run waits for its record to settle).
    const delivered = await eventually(async () => {
      const row = await runOf(keyed.id, runId);
      return row?.deliveryStatus === 'delivered' ? row : undefined;
    }, 30_000);
    expect(delivered.status).toBe('ok');

    // No chat named: the turn runs and answers in its own session; nothing is sent.
    const plain = await add('nowhere', 'lost digest');
    const lost = await op.request('cron.run', { id: plain.id, mode: 'force' });
    const undelivered = await eventually(async () => {
      const row = await runOf(plain.id, lost.runId);
      return row?.status === 'ok' ? row : undefined;
    }, 30_000);
    expect(undelivered).toMatchObject({ deliveryStatus: 'not-delivered', completionStatus: 'failed' });
    expect(undelivered.deliveryError).toMatch(
      /^no last route: the job runs in its own session and names no chat session/,
    );
    const history = await op.request('chat.history', { sessionKey: `cron:${plain.id}` });
    expect(JSON.stringify(history)).toContain('re: lost digest');

    // Absence, after a marker: one more message through the same chat, and nothing else was sent.
    await tg.pushMessage({ chatId: 4301, from: { id: 4301, first_name: 'Ann' }, text: 'marker' });
    await eventually(() => tg.sentTexts('4301').includes('re: marker'), 30_000);
    expect(tg.sentTexts()).toEqual(['re: hello', 're: daily digest', 're: marker']);
    // Before stopping: the marker's reply is recorded delivered, so no new owner resends it.
    await eventually(async () => {
      const st = (await op.request('channels.status', {})).channels as { outbox?: Record<string, number> };
      return st.outbox?.delivered === 3 && st.outbox.queued === 0 && st.outbox.sending === 0;
    }, 30_000);
  });
});
