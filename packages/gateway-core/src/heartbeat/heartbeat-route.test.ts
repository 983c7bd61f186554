import { parseConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../store/session-types.ts';
import type { Store } from '../store/types.ts';
import { resolveHeartbeatRoute } from './heartbeat-route.ts';

const storeWith = (sessions: Partial<SessionRecord>[]) =>
  ({ sessions: { list: async () => ({ sessions, total: sessions.length }) } }) as unknown as Pick<
    Store,
    'sessions'
  >;
const agents = { agentOf: (key: string) => key.split(':')[1] ?? 'main' };
const owner = { agentId: 'main', target: 'owner' };
/** As the Telegram provider reads its allow lists. */
const telegramIds = (channel: string, id: string) => (channel === 'telegram' ? id.replace(/^tg:/, '') : id);

describe('resolveHeartbeatRoute: owner', () => {
  it("an allowFrom sender in its channel's form becomes the chat id; an account's list names the account", async () => {
    const channels = (telegram: unknown) => ({ channels: { telegram } as Record<string, unknown> });
    const top = { ...parseConfig({}), ...channels({ allowFrom: ['*', 'tg:1001'] }) };
    expect(await resolveHeartbeatRoute(storeWith([]), agents, owner, top, telegramIds)).toEqual({
      ok: true,
      channel: 'telegram',
      to: '1001',
      direct: true,
    });
    const perAccount = { ...parseConfig({}), ...channels({ accounts: { ops: { allowFrom: ['tg:7'] } } }) };
    expect(await resolveHeartbeatRoute(storeWith([]), agents, owner, perAccount, telegramIds)).toMatchObject({
      to: '7',
      accountId: 'ops',
    });
  });

  it("commands.ownerAllowFrom comes first, on a configured channel only; the agent's session with that chat gives its thread and session", async () => {
    const config = {
      ...parseConfig({ commands: { ownerAllowFrom: ['slack:U1', 'telegram:tg:55'] } }),
      channels: { telegram: { allowFrom: ['1001'] } } as Record<string, unknown>,
    };
    const chat = {
      key: 'agent:main:telegram:default:55',
      kind: 'channel' as const,
      channel: 'telegram',
      accountId: 'default',
      chatId: '55',
      threadId: '9',
      updatedAtMs: 1,
    };
    expect(await resolveHeartbeatRoute(storeWith([chat]), agents, owner, config, telegramIds)).toEqual({
      ok: true,
      channel: 'telegram',
      to: '55',
      direct: true,
      accountId: 'default',
      threadId: '9',
      sessionKey: chat.key,
    });
    const nobody = { ...parseConfig({ commands: { ownerAllowFrom: ['*', 42, 'slack:U1'] } }) };
    expect(await resolveHeartbeatRoute(storeWith([chat]), agents, owner, nobody, telegramIds)).toEqual({
      ok: false,
      reason: 'no-route',
    });
  });
});

describe('resolveHeartbeatRoute: whether the chat is direct', () => {
  it("last and an explicit target say what their chat's session recorded; nothing when no session says", async () => {
    const chat = (chatId: string, chatKind: SessionRecord['chatKind'], updatedAtMs: number) => ({
      key: `agent:main:telegram:default:${chatId}`,
      kind: 'channel' as const,
      channel: 'telegram',
      accountId: 'default',
      chatId,
      chatKind,
      updatedAtMs,
    });
    const store = storeWith([chat('-5', 'group', 1), chat('7', 'direct', 2), chat('8', undefined, 3)]);
    const route = (target: string, to?: string) =>
      resolveHeartbeatRoute(store, agents, { agentId: 'main', target, to });
    expect((await route('last')) as unknown).toMatchObject({ to: '8' });
    expect(await route('last')).not.toHaveProperty('direct');
    expect(await route('telegram', '7')).toMatchObject({ to: '7', direct: true });
    expect(await route('telegram', '-5')).toMatchObject({ to: '-5', direct: false });
    expect(await route('telegram', '99')).not.toHaveProperty('direct');
    const lastIsGroup = storeWith([chat('-5', 'group', 9), chat('7', 'direct', 2)]);
    expect(
      await resolveHeartbeatRoute(lastIsGroup, agents, { agentId: 'main', target: 'last' }),
    ).toMatchObject({
      to: '-5',
      direct: false,
    });
  });
});
