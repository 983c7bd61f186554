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

export interface SessionAccess {
  /** The agent that answers a session (its key's, when that agent is configured; else main). */
  agentOf(sessionKey: string): string;
  /** `agent`: a turn reads its agent's sessions only; `all`: every agent's (agent.tools.sessionsVisibility). */
  visibility(): 'agent' | 'all';
}

/** How many sessions a listing looks through for the turn's agent (the newest first). */
const SCAN_SESSIONS = 1000;

/**
 * `sessions`: read other conversations (the sessions list, one session's recent history) — by
 * default only those of the turn's own agent, so one agent cannot read what people told another.
 */
export function sessionsTool(store: Store, access: SessionAccess) {
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
      const own = access.visibility() === 'agent';
      if (input.action === 'list') {
        let { sessions } = await store.sessions.list({ limit: own ? SCAN_SESSIONS : limit, offset: 0 });
        if (own) sessions = sessions.filter((x) => access.agentOf(x.key) === ctx.agentId).slice(0, limit);
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
      if (own && access.agentOf(sessionKey) !== ctx.agentId)
        throw new Error(`FORBIDDEN: session ${sessionKey} belongs to another agent`);
      const page = await store.sessions.history(sessionKey, { limit });
      return { sessionKey, messages: page.map(line) };
    },
  });
}
