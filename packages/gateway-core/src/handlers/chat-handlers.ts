import { gatewayError } from '@openclaw/protocol';
import type { MediaStore } from '../media/media-store.ts';
import { storeChatAttachments } from '../media/send-media.ts';
import type { HandlerTable } from '../router/router.ts';
import type { SessionRouter } from '../sessions/session-router.ts';

/** WebChat: chat.send (with attachments into the media store) / chat.history / chat.abort. */
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
        preferredRunId: params.idempotencyKey,
      });
    },
    'chat.history': (params) => sessions.history(params.sessionKey, params.limit ?? 100, params.cursor),
    'chat.abort': ({ sessionKey, runId }) => {
      const runIds = sessions.abort(sessionKey, runId);
      return { sessionKey, aborted: runIds.length > 0, runIds };
    },
  };
}
