import { gatewayError, type SessionSummary } from '@openclaw/protocol';
import type { MediaStore } from '../media/media-store.ts';
import { storeChatAttachments } from '../media/send-media.ts';
import type { HandlerTable } from '../router/router.ts';
import type { SessionRouter } from '../sessions/session-router.ts';

/** WebChat and sessions: chat.send / chat.history / chat.abort / sessions.list. */
export function createChatHandlers(sessions: SessionRouter, media?: MediaStore): HandlerTable {
  return {
    'chat.send': async ({ attachments, ...params }, ctx) => {
      if (attachments?.length && !media)
        throw gatewayError('INVALID_REQUEST', 'MEDIA_UNSUPPORTED', 'this gateway has no media store');
      const stored = attachments?.length && media ? await storeChatAttachments(media, attachments) : [];
      return sessions.send({
        ...params,
        ...(stored.length ? { media: stored } : {}),
        dedupeKey: `${ctx.session.deviceId ?? 'shared-secret'}|chat.send|${params.idempotencyKey}`,
      });
    },
    agent: async (params, ctx) => {
      const r = await sessions.agent({
        message: params.message,
        sessionKey: params.sessionKey || undefined,
        channel: params.channel,
        accountId: params.accountId,
        to: params.to,
        deliver: params.deliver,
        timeoutMs: params.timeout !== undefined ? params.timeout * 1000 : undefined,
        dedupeKey: `${ctx.session.deviceId ?? 'shared-secret'}|agent|${params.idempotencyKey}`,
      });
      return { runId: r.runId, sessionKey: r.sessionKey, status: 'accepted' as const };
    },
    'agent.wait': async ({ runId, timeoutMs }) => {
      const r = await sessions.wait(runId, timeoutMs ?? 30_000);
      if (!r) throw gatewayError('NOT_FOUND', 'RUN_UNKNOWN', `no run ${runId}`);
      return r;
    },
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
