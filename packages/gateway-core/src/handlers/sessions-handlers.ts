import {
  gatewayError,
  type ReasoningLevel,
  type sessionsMethods,
  type ThinkingLevel,
} from '@openclaw/protocol';
import type { FamilyHandlers } from '../router/router.ts';
import { compactSession } from '../sessions/session-compact.ts';
import type { SessionFeed } from '../sessions/session-feed.ts';
import { parseReasoningLevel } from '../sessions/session-reasoning.ts';
import { resetSession } from '../sessions/session-reset.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import type { SessionViews } from '../sessions/session-views.ts';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';

export interface SessionsDeps {
  store: Pick<Store, 'sessions'>;
  sessions: SessionRouter;
  sessionFeed: SessionFeed;
  sessionViews: SessionViews;
  clock: Clock;
  /** The agent's state beside a session's transcript: its summary (compaction) and chosen model. */
  agentState?: {
    /** Summarise what a trim to the newest `keep` messages removes; false when nothing was summarised. */
    summarize(key: string, keep: number): Promise<boolean>;
    /** How many of the newest messages a compaction without maxLines keeps (agent.compaction.keepRecentTokens). */
    recentTail(key: string): Promise<number>;
    /** The model the session answers with (`provider/model`), or null for the default. */
    setModel(key: string, model: string | null): Promise<void>;
    /** Forget what a reset clears (summary, token figures; the model and levels stay). */
    reset(key: string): Promise<void>;
    /** Forget all of it (a delete). */
    forget(key: string): Promise<void>;
    /** The session's own thinking level: checked against its model, then set (null: the agent's). */
    thinking?:
      | {
          check(
            key: string,
            raw: string,
            model: string | null | undefined,
            path: string,
          ): Promise<ThinkingLevel>;
          set(key: string, level: ThinkingLevel | null): Promise<void>;
          /** Whether the session's reasoning is shown in its chat (null: back to off). */
          setReasoning(key: string, level: ReasoningLevel | null): Promise<void>;
        }
      | undefined;
  };
}

/**
 * Following sessions (sessions.subscribe, sessions.messages.*), describing and previewing them,
 * and session control (patch, reset, delete, compact), each change told to list subscribers.
 */
export function createSessionsHandlers(d: SessionsDeps): FamilyHandlers<typeof sessionsMethods> {
  const { store, sessions, sessionFeed: feed, sessionViews: views, clock } = d;
  return {
    'sessions.subscribe': async (params, ctx) => {
      feed.subscribeList(ctx.conn, true);
      return Object.keys(params).length
        ? { subscribed: true as const, list: await views.list(params) }
        : { subscribed: true as const };
    },
    'sessions.unsubscribe': (_params, ctx) => {
      feed.subscribeList(ctx.conn, false);
      return { subscribed: false as const };
    },
    'sessions.describe': async ({ key, includeLastMessage, includeDerivedTitles }) => {
      const rec = await store.sessions.get(key);
      return {
        session: rec
          ? await views.row(rec, { lastMessage: includeLastMessage, derivedTitle: includeDerivedTitles })
          : null,
      };
    },
    'sessions.preview': async ({ keys, limit, maxChars }) => ({
      ts: clock.now(),
      previews: await views.preview(keys, limit ?? 3, maxChars ?? 240),
    }),
    'sessions.messages.subscribe': ({ key, includeApprovals }, ctx) => {
      feed.subscribeMessages(ctx.conn, key, true);
      const out: {
        subscribed: true;
        key: string;
        approvalReplay?: {
          sessionKey: string;
          updatedAtMs: number;
          approvals: unknown[];
          truncated: boolean;
        };
      } = {
        subscribed: true,
        key,
      };
      if (includeApprovals)
        out.approvalReplay = { sessionKey: key, updatedAtMs: clock.now(), approvals: [], truncated: false };
      return out;
    },
    'sessions.messages.unsubscribe': ({ key }, ctx) => {
      feed.subscribeMessages(ctx.conn, key, false);
      return { subscribed: false as const, key };
    },
    'sessions.patch': async ({ key, label, model, thinkingLevel, reasoningLevel }) => {
      const thinking = d.agentState?.thinking;
      if ((thinkingLevel !== undefined || reasoningLevel !== undefined) && !(await store.sessions.get(key)))
        throw unknownSession(key);
      // Checked before anything changes: a level the (new) model cannot take changes nothing.
      const level =
        typeof thinkingLevel === 'string'
          ? await thinking?.check(key, thinkingLevel, model, '/thinkingLevel')
          : thinkingLevel;
      const shown =
        typeof reasoningLevel === 'string'
          ? parseReasoningLevel(reasoningLevel, '/reasoningLevel')
          : reasoningLevel;
      const rec =
        label === undefined
          ? await store.sessions.get(key)
          : await store.sessions.setTitle(key, label ?? undefined);
      if (!rec) throw unknownSession(key);
      if (model !== undefined) await d.agentState?.setModel(key, model);
      if (level !== undefined) await thinking?.set(key, level);
      if (shown !== undefined) await thinking?.setReasoning(key, shown);
      feed.sessionChanged(key, 'patch');
      return { ok: true as const, key, session: await views.row(rec) };
    },
    'sessions.reset': async ({ key }) => {
      const removedMessages = await resetSession(
        {
          store,
          stopRuns: (k) => sessions.stopRuns(k),
          forget: d.agentState && ((k) => d.agentState!.reset(k)),
          changed: (k) => feed.sessionChanged(k, 'reset'),
        },
        key,
      );
      if (removedMessages === undefined) throw unknownSession(key);
      return { ok: true as const, key, removedMessages };
    },
    'sessions.delete': async ({ key }) => {
      await sessions.stopRuns(key);
      const deleted = await store.sessions.remove(key);
      await d.agentState?.forget(key);
      if (deleted) feed.sessionChanged(key, 'delete');
      return { ok: true as const, key, deleted, archived: [] };
    },
    'sessions.compact': async ({ key, maxLines }) => {
      const done = await compactSession(
        {
          store,
          summarize: d.agentState && ((k, keep) => d.agentState!.summarize(k, keep)),
          changed: (k) => feed.sessionChanged(k, 'compact'),
        },
        key,
        // Without maxLines, a recent tail by tokens, as `/compact` keeps (and the reference's model compaction).
        maxLines ?? (d.agentState ? await d.agentState.recentTail(key) : 100),
      );
      if (!done) throw unknownSession(key);
      return {
        ok: true as const,
        key,
        removedMessages: done.removedMessages,
        keptMessages: done.keptMessages,
        ...(done.summarized ? { summarized: true } : {}),
      };
    },
  };
}

function unknownSession(key: string) {
  return gatewayError('NOT_FOUND', 'SESSION_UNKNOWN', `no session ${key}`, { details: { key } });
}
