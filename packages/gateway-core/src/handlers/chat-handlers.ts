import type { chatMethods } from '@openclaw/protocol';
import { parseThinkingLevel } from '../agent/thinking.ts';
import { type AgentCatalog, MAIN_AGENT_ID } from '../agents/agent-catalog.ts';
import type { MediaStore } from '../media/media-store.ts';
import { storeChatAttachments } from '../media/send-media.ts';
import type { FamilyHandlers } from '../router/router.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import { sessionDefaults } from '../sessions/session-rows.ts';
import type { SessionViews } from '../sessions/session-views.ts';
import { unknownAgent } from './agents-handlers.ts';

export interface ChatDeps {
  sessions: SessionRouter;
  sessionViews: SessionViews;
  agents: AgentCatalog;
  /** Where chat.send's attachments are stored. */
  media: MediaStore;
}

/**
 * WebChat: chat.send (attachments into the media store) / chat.history / chat.abort, the session
 * list (sessions.list), and what a chat view opens with (chat.startup / chat.metadata) or notes
 * into a transcript (chat.inject).
 */
export function createChatHandlers({
  sessions,
  sessionViews,
  agents,
  media,
}: ChatDeps): FamilyHandlers<typeof chatMethods> {
  return {
    'chat.send': async ({ attachments, thinking, ...params }, ctx) => {
      // A level for this turn only (the reference's chat.send override); a name that is none is refused.
      const level = thinking === undefined ? undefined : parseThinkingLevel(thinking, '/thinking');
      const stored = attachments?.length ? await storeChatAttachments(media, attachments) : [];
      return sessions.send({
        ...params,
        ...(level ? { turn: { thinking: level } } : {}),
        ...(stored.length ? { media: stored } : {}),
        dedupeKey: `${ctx.caller.id}|chat.send|${params.idempotencyKey}`,
        preferredRunId: params.idempotencyKey,
        scopes: ctx.session.scopes,
      });
    },
    'chat.history': (params) => sessions.history(params.sessionKey, params.limit ?? 100, params.cursor),
    'chat.abort': ({ sessionKey, runId }) => {
      const runIds = sessions.abort(sessionKey, runId);
      return { sessionKey, aborted: runIds.length > 0, runIds };
    },
    'sessions.list': (params) => sessionViews.list(params),
    'chat.startup': (params) => sessionViews.startup(params),
    'chat.metadata': async ({ sessionKey }) => {
      const out: {
        agentId: string;
        sessionKey?: string;
        commands: unknown[];
        models: unknown[];
        defaults: ReturnType<typeof sessionDefaults>;
      } = {
        agentId: sessionKey ? agents.agentOf(sessionKey) : MAIN_AGENT_ID,
        commands: [],
        models: await agents.choices(),
        defaults: sessionDefaults(agents),
      };
      if (sessionKey) out.sessionKey = sessionKey;
      return out;
    },
    'chat.inject': async ({ sessionKey, message, agentId, label }) => {
      if (agentId !== undefined && !agents.profile(agentId))
        throw unknownAgent(
          agentId,
          agents.list().map((a) => a.id),
          'INVALID_REQUEST',
        );
      const stored = await sessions.inject(sessionKey, label ? `${label}: ${message}` : message);
      return { ok: true as const, messageId: stored.id };
    },
  };
}
