import type { HandlerTable } from '../router/router.ts';
import type { SessionRouter } from '../sessions/session-router.ts';

/** WebChat: chat.send / chat.history / chat.abort. */
export function createChatHandlers(sessions: SessionRouter): HandlerTable {
  return {
    'chat.send': (params, ctx) =>
      sessions.send({
        ...params,
        dedupeKey: `${ctx.session.deviceId ?? 'shared-secret'}|chat.send|${params.idempotencyKey}`,
        preferredRunId: params.idempotencyKey,
      }),
    'chat.history': (params) => sessions.history(params.sessionKey, params.limit ?? 100, params.cursor),
    'chat.abort': ({ sessionKey, runId }) => {
      const runIds = sessions.abort(sessionKey, runId);
      return { sessionKey, aborted: runIds.length > 0, runIds };
    },
  };
}
