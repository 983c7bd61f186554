import { Type } from '@sinclair/typebox';
import type { SessionMessageRecord, Store } from '../../store/types.ts';
import { defineTool } from './agent-tool.ts';

export const SessionsToolInput = Type.Object(
  {
    action: Type.Union([Type.Literal('list'), Type.Literal('history')], {
      description: 'list: recent sessions. history: the recent messages of one session.',
    }),
    sessionKey: Type.Optional(Type.String({ description: 'history: which session (default: this one).' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'How many (default 20).' })),
  },
  { additionalProperties: false },
);

function line(m: SessionMessageRecord) {
  return {
    role: m.role,
    text: m.text.slice(0, 4000),
    ts: m.ts,
    ...(m.senderName ? { from: m.senderName } : {}),
  };
}

/** `sessions`: read other conversations (the sessions list, one session's recent history). */
export function sessionsTool(store: Store) {
  return defineTool({
    name: 'sessions',
    description: "List recent sessions, or read another session's recent messages.",
    schema: SessionsToolInput,
    methodFor: (input) => (input.action === 'list' ? 'sessions.list' : 'chat.history'),
    async run(input, ctx) {
      const limit = input.limit ?? 20;
      if (
        ctx.unattended &&
        (input.action === 'list' || (input.sessionKey ?? ctx.sessionKey) !== ctx.sessionKey)
      )
        throw new Error('FORBIDDEN: a turn no operator started reads only its own session');
      if (input.action === 'list') {
        const { sessions } = await store.sessions.list({ limit, offset: 0 });
        return {
          sessions: sessions.map((s) => ({
            key: s.key,
            title: s.title ?? null,
            channel: s.channel ?? null,
            updatedAtMs: s.updatedAtMs,
            messages: s.messageCount,
          })),
        };
      }
      const sessionKey = input.sessionKey ?? ctx.sessionKey;
      const page = await store.sessions.history(sessionKey, { limit });
      return { sessionKey, messages: page.map(line) };
    },
  });
}
