import type { chatMethods, SessionSummary } from '@openclaw/protocol';
import type { FamilyHandlers } from '../router/router.ts';
import type { SessionRouter } from '../sessions/session-router.ts';

export interface ChatDeps {
  sessions: SessionRouter;
}

/** WebChat and sessions: chat.send / chat.history / chat.abort / sessions.list. */
export function createChatHandlers({ sessions }: ChatDeps): FamilyHandlers<typeof chatMethods> {
  return {
    'chat.send': (params, ctx) =>
      sessions.send({ ...params, dedupeKey: `${ctx.caller.id}|chat.send|${params.idempotencyKey}` }),
    'chat.history': (params) => sessions.history(params.sessionKey, params.limit ?? 100, params.cursor),
    'chat.abort': ({ sessionKey, runId }) => {
      const runIds = sessions.abort(sessionKey, runId);
      return { sessionKey, aborted: runIds.length > 0, runIds };
    },
    'sessions.list': async (params) => {
      const { sessions: list, total } = await sessions.list({
        limit: params.limit ?? 100,
        offset: params.offset ?? 0,
        search: params.search,
      });
      return {
        total,
        sessions: list.map((s) => {
          const out: SessionSummary = {
            key: s.key,
            kind: s.kind,
            createdAtMs: s.createdAtMs,
            updatedAtMs: s.updatedAtMs,
            messageCount: s.messageCount,
          };
          if (s.channel) out.channel = s.channel;
          if (s.accountId) out.accountId = s.accountId;
          if (s.chatId) out.chatId = s.chatId;
          if (s.title) out.title = s.title;
          const active = sessions.activeRunId(s.key);
          if (active) out.activeRunId = active;
          return out;
        }),
      };
    },
  };
}
