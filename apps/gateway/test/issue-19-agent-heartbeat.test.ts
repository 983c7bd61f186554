// An agent that schedules its own work: heartbeat turns through the real gateway process, a fake
// OpenAI-compatible model and Telegram on its wire-level fake. A direct message makes the last
// route; a heartbeat block added by config.patch starts the turns without a restart; an answer of
// HEARTBEAT_OK stays in the main session, an alert goes to the chat through the outbox, and
// last-heartbeat says which.
import { type ChatRequest, messageText } from '@openclaw/test-fakes';
import { type CleanupList, eventually, runCleanup, telegramAgentGateway } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

const PROMPT = 'Heartbeat: anything to report? Else reply NO_REPLY.';

type Last = {
  enabled: boolean;
  ts?: number;
  status?: string;
  channel?: string;
  to?: string;
  preview?: string;
  silent?: boolean;
};

describe('agent heartbeat turns (process)', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it('a HEARTBEAT_OK turn is not delivered, an alert goes to the last chat; last-heartbeat tells which', async () => {
    let beats = 0;
    // Heartbeat turns answer in order: an acknowledgement, an alert, then nothing to report.
    const script = (req: ChatRequest) => {
      const asked = messageText(req.messages.filter((m) => m.role === 'user').at(-1)!);
      if (asked !== PROMPT) return { text: [`re: ${asked}`] };
      beats += 1;
      return {
        text: [beats === 1 ? 'HEARTBEAT_OK' : beats === 2 ? 'Disk almost full on db-1.' : 'NO_REPLY'],
      };
    };
    const { tg, op } = await telegramAgentGateway(cleanup, { model: { script } });
    const last = async () => (await op.request('last-heartbeat', {})) as Last;
    // No heartbeat block: no turn has run.
    expect((await last()).status).toBeUndefined();

    await tg.pushMessage({ chatId: 4401, from: { id: 4401, first_name: 'Ann' }, text: 'hello' });
    await eventually(() => tg.sentTexts('4401').includes('re: hello'), 30_000);

    // Applied live: the first turn is one interval later.
    await op.request('config.patch', {
      raw: JSON.stringify({ agent: { heartbeat: { every: '1s', prompt: PROMPT, target: 'last' } } }),
    });
    const ack = await eventually(async () => {
      const l = await last();
      return l.status === 'ok-token' ? l : undefined;
    }, 30_000);
    expect(ack).toMatchObject({ silent: true, channel: 'telegram', to: '4401' });

    const alert = await eventually(async () => {
      const l = await last();
      return l.status === 'sent' ? l : undefined;
    }, 30_000);
    expect(alert).toMatchObject({ channel: 'telegram', to: '4401', preview: 'Disk almost full on db-1.' });
    await eventually(() => tg.sentTexts('4401').includes('Disk almost full on db-1.'), 30_000);

    const on = (await op.request('status', {})) as { heartbeat: { agents: unknown[] } };
    expect(on.heartbeat.agents[0]).toEqual({
      agentId: 'main',
      enabled: true,
      every: '1s',
      everyMs: 1000,
      waitingForRoute: false,
    });

    // Off again (0m), after at least one NO_REPLY turn: only the alert reached the chat.
    await eventually(() => beats >= 3, 30_000);
    await op.request('config.patch', { raw: JSON.stringify({ agent: { heartbeat: { every: '0m' } } }) });
    expect(tg.sentTexts()).toEqual(['re: hello', 'Disk almost full on db-1.']);
    const status = (await op.request('status', {})) as { heartbeat: { agents: { every: string }[] } };
    expect(status.heartbeat.agents[0]?.every).toBe('disabled');
  });

  it('the default target, owner, with commands.ownerAllowFrom (the first alert with its note), isolatedSession and channels.defaults.heartbeatVisibility: applied live on Telegram, bad values refused with their paths', async () => {
    let beats = 0;
    const script = (req: ChatRequest) => {
      const asked = messageText(req.messages.filter((m) => m.role === 'user').at(-1)!);
      if (asked !== PROMPT) return { text: [`re: ${asked}`] };
      beats += 1;
      return {
        text: [beats === 1 ? 'HEARTBEAT_OK' : beats === 2 ? 'Certificate expires tomorrow.' : 'NO_REPLY'],
      };
    };
    const { tg, op } = await telegramAgentGateway(cleanup, { model: { script } });
    const patch = (raw: unknown) => op.request('config.patch', { raw: JSON.stringify(raw) });
    await expect(
      patch({ channels: { defaults: { heartbeatVisibility: { showOk: 'yes' } } } }),
    ).rejects.toMatchObject({ details: { path: 'channels.defaults.heartbeatVisibility.showOk' } });
    await expect(patch({ commands: { ownerAllowFrom: ['telegram:'] } })).rejects.toMatchObject({
      details: { path: 'commands.ownerAllowFrom.0' },
    });
    await expect(patch({ agent: { heartbeat: { directPolicy: 'never' } } })).rejects.toMatchObject({
      details: { path: 'agent.heartbeat.directPolicy' },
    });
    // No target: the owner's direct chat (a positive Telegram id is a user's). The owner never
    // wrote to the bot: the alert still reaches them.
    await patch({
      commands: { ownerAllowFrom: ['telegram:5501'] },
      channels: { defaults: { heartbeatVisibility: { showOk: true } } },
      agent: { heartbeat: { every: '1s', prompt: PROMPT, isolatedSession: true } },
    });
    const alerted = () => tg.sentTexts('5501').some((t) => t.endsWith('\nCertificate expires tomorrow.'));
    await eventually(alerted, 30_000);
    await eventually(() => beats >= 3, 30_000);
    await patch({ agent: { heartbeat: { every: '0m' } } });
    // showOk: the acknowledgement went out too, first; the first alert to the default target says
    // what these messages are and how to turn them off.
    const [ok, alert] = tg.sentTexts('5501');
    expect(ok).toBe('HEARTBEAT_OK');
    expect(alert).toMatch(/^First heartbeat alert: .*target to "none"\.\nCertificate expires tomorrow\.$/s);
    // The turns ran in a session of their own beside the main one.
    const rows = (await op.request('sessions.list', {})) as { sessions: { key: string }[] };
    expect(rows.sessions.map((x) => x.key)).toContain('agent:main:main:heartbeat');
  });
});
