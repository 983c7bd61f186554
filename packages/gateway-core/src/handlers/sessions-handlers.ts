import {
  type ChatMessage,
  gatewayError,
  type MethodParams,
  type SessionPreview,
  type SessionsListResult,
} from '@openclaw/protocol';
import { type AgentCatalog, MAIN_AGENT_ID } from '../agents/agent-catalog.ts';
import type { HandlerTable } from '../router/router.ts';
import type { SessionFeed } from '../sessions/session-feed.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import {
  chatMessageOf,
  newSessionRecord,
  sessionDefaults,
  sessionRow,
  shorten,
} from '../sessions/session-rows.ts';
import type { SessionRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';

/** Rows one sessions.list answer carries at most (and what in-memory filters read). */
const MAX_ROWS = 1000;

export interface SessionsHandlerDeps {
  store: Store;
  sessions: SessionRouter;
  feed: SessionFeed;
  catalog: AgentCatalog;
  clock: Clock;
}

/** The session list and views: sessions.list/subscribe/describe/preview/messages.*, chat.startup/metadata/inject. */
export function createSessionsHandlers(d: SessionsHandlerDeps): HandlerTable {
  const row = async (
    rec: SessionRecord,
    o: { lastMessage?: boolean | undefined; derivedTitle?: boolean | undefined } = {},
  ) =>
    sessionRow(rec, {
      activeRunId: d.sessions.activeRunId(rec.key),
      derivedTitle: o.derivedTitle,
      lastMessage: o.lastMessage
        ? (await d.store.sessions.history(rec.key, { limit: 1 }))[0]?.text
        : undefined,
    });

  const list = async (p: MethodParams<'sessions.list'>): Promise<SessionsListResult> => {
    const now = d.clock.now();
    const limit = Math.min(p.limit ?? 100, MAX_ROWS);
    const offset = p.offset ?? 0;
    const base = { ts: now, limitApplied: limit, defaults: sessionDefaults(d.catalog) };
    // Filters that match nothing here: another agent, spawned sessions, archived ones.
    if ((p.agentId && p.agentId !== MAIN_AGENT_ID) || p.spawnedBy || p.archived === true) {
      return { ...base, sessions: [], total: 0, count: 0, totalCount: 0, nextOffset: null, hasMore: false };
    }
    const filtered = p.includeUnknown === false || p.activeMinutes !== undefined;
    let records: SessionRecord[];
    let total: number;
    if (filtered) {
      // Kind and recency are not store queries: filter the newest MAX_ROWS in memory.
      const all = (await d.store.sessions.list({ limit: MAX_ROWS, offset: 0, search: p.search })).sessions;
      const since = p.activeMinutes !== undefined ? now - p.activeMinutes * 60_000 : undefined;
      const kept = all.filter(
        (s) =>
          !(p.includeUnknown === false && s.kind === 'channel') &&
          (since === undefined || s.updatedAtMs >= since),
      );
      total = kept.length;
      records = kept.slice(offset, offset + limit);
    } else {
      const page = await d.store.sessions.list({ limit, offset, search: p.search });
      records = page.sessions;
      total = page.total;
    }
    const sessions = await Promise.all(
      records.map((r) => row(r, { lastMessage: p.includeLastMessage, derivedTitle: p.includeDerivedTitles })),
    );
    const next = offset + records.length;
    return {
      ...base,
      sessions,
      total,
      count: sessions.length,
      totalCount: total,
      nextOffset: next < total ? next : null,
      hasMore: next < total,
    };
  };

  return {
    'sessions.list': list,
    'sessions.subscribe': async (params, ctx) => {
      d.feed.subscribeList(ctx.conn, true);
      return Object.keys(params).length
        ? { subscribed: true as const, list: await list(params) }
        : { subscribed: true as const };
    },
    'sessions.unsubscribe': (_params, ctx) => {
      d.feed.subscribeList(ctx.conn, false);
      return { subscribed: false as const };
    },
    'sessions.describe': async ({ key, includeLastMessage, includeDerivedTitles }) => {
      const rec = await d.store.sessions.get(key);
      return {
        session: rec
          ? await row(rec, { lastMessage: includeLastMessage, derivedTitle: includeDerivedTitles })
          : null,
      };
    },
    'sessions.preview': async ({ keys, limit, maxChars }) => {
      const previews: SessionPreview[] = [];
      for (const key of keys) {
        const rec = await d.store.sessions.get(key);
        if (!rec) {
          previews.push({ key, status: 'missing', items: [] });
          continue;
        }
        const msgs = await d.store.sessions.history(key, { limit: limit ?? 3 });
        previews.push({
          key,
          status: msgs.length ? 'ok' : 'empty',
          items: msgs.map((m) => ({ role: m.role, text: shorten(m.text, maxChars ?? 240), timestamp: m.ts })),
        });
      }
      return { ts: d.clock.now(), previews };
    },
    'sessions.messages.subscribe': ({ key, includeApprovals }, ctx) => {
      d.feed.subscribeMessages(ctx.conn, key, true);
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
        out.approvalReplay = { sessionKey: key, updatedAtMs: d.clock.now(), approvals: [], truncated: false };
      return out;
    },
    'sessions.messages.unsubscribe': ({ key }, ctx) => {
      d.feed.subscribeMessages(ctx.conn, key, false);
      return { subscribed: false as const, key };
    },
    'sessions.patch': async ({ key, label }) => {
      const rec =
        label === undefined
          ? await d.store.sessions.get(key)
          : await d.store.sessions.setTitle(key, label ?? undefined);
      if (!rec) throw unknownSession(key);
      d.feed.sessionChanged(key, 'patch');
      return { ok: true as const, key, session: await row(rec) };
    },
    'sessions.reset': async ({ key }) => {
      if (!(await d.store.sessions.get(key))) throw unknownSession(key);
      await d.sessions.stopRuns(key);
      const removedMessages = await d.store.sessions.trim(key, 0);
      d.feed.sessionChanged(key, 'reset');
      return { ok: true as const, key, removedMessages };
    },
    'sessions.delete': async ({ key }) => {
      await d.sessions.stopRuns(key);
      const deleted = await d.store.sessions.remove(key);
      if (deleted) d.feed.sessionChanged(key, 'delete');
      return { ok: true as const, key, deleted, archived: [] };
    },
    'sessions.compact': async ({ key, maxLines }) => {
      const rec = await d.store.sessions.get(key);
      if (!rec) throw unknownSession(key);
      const keep = maxLines ?? 100;
      const removedMessages = await d.store.sessions.trim(key, keep);
      d.feed.sessionChanged(key, 'compact');
      return {
        ok: true as const,
        key,
        removedMessages,
        keptMessages: Math.max(0, rec.messageCount - removedMessages),
      };
    },
    'chat.startup': async ({ sessionKey, limit, maxBytes }) => {
      const now = d.clock.now();
      const rec = (await d.store.sessions.get(sessionKey)) ?? newSessionRecord(sessionKey, now);
      const page = await d.store.sessions.history(sessionKey, { limit: limit ?? 80 });
      // Keep the newest messages that fit in maxBytes of text.
      const messages: ChatMessage[] = [];
      let bytes = 0;
      for (let i = page.length - 1; i >= 0; i--) {
        const m = page[i]!;
        bytes += Buffer.byteLength(m.text);
        if (maxBytes !== undefined && bytes > maxBytes && messages.length) break;
        messages.unshift(chatMessageOf(m));
      }
      return {
        sessionKey,
        messages,
        pendingInputs: { items: [], total: 0 },
        hasMore: rec.messageCount > messages.length,
        totalMessages: rec.messageCount,
        defaults: sessionDefaults(d.catalog),
        sessionInfo: await row(rec),
      };
    },
    'chat.metadata': ({ sessionKey }) => {
      const out: {
        agentId: string;
        sessionKey?: string;
        commands: unknown[];
        models: unknown[];
        defaults: ReturnType<typeof sessionDefaults>;
      } = {
        agentId: MAIN_AGENT_ID,
        commands: [],
        models: d.catalog.choices(),
        defaults: sessionDefaults(d.catalog),
      };
      if (sessionKey) out.sessionKey = sessionKey;
      return out;
    },
    'chat.inject': async ({ sessionKey, message, agentId, label }) => {
      if (agentId !== undefined && agentId !== MAIN_AGENT_ID) {
        throw gatewayError('INVALID_REQUEST', 'AGENT_UNKNOWN', `unknown agent id "${agentId}"`, {
          details: { agentId },
        });
      }
      const stored = await d.sessions.inject(sessionKey, label ? `${label}: ${message}` : message);
      return { ok: true as const, messageId: stored.id };
    },
  };
}

function unknownSession(key: string) {
  return gatewayError('NOT_FOUND', 'SESSION_UNKNOWN', `no session ${key}`, { details: { key } });
}
