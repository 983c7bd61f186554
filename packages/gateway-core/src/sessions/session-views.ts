import type {
  ChatMessage,
  MethodParams,
  MethodResult,
  SessionPreview,
  SessionSummary,
  SessionsListResult,
} from '@openclaw/protocol';
import type { ThinkingRow } from '../agent/session-thinking.ts';
import { type AgentCatalog, MAIN_AGENT_ID } from '../agents/agent-catalog.ts';
import { agentIdInKey } from '../agents/agent-routing.ts';
import type { SessionRecord, Store } from '../store/types.ts';
import type { SessionUsageFigures, UsageLedger } from '../usage/usage-ledger.ts';
import type { Clock } from '../util/clock.ts';
import { shownInChat } from './heartbeat-transcript.ts';
import { chatMessageOf, newSessionRecord, sessionDefaults, sessionRow, shorten } from './session-rows.ts';

/** Rows one sessions.list answer carries at most (and what in-memory filters read). */
const MAX_ROWS = 1000;
/** Messages a row looks back for its last one shown (quiet heartbeat turns are passed over). */
const LAST_MESSAGE_LOOKBACK = 16;

export interface SessionViewsOptions {
  store: Pick<Store, 'sessions'>;
  agents: AgentCatalog;
  clock: Clock;
  activeRunId: (sessionKey: string) => string | undefined;
  /** The sessions' token figures (rows carry none without it). */
  usage?: Pick<UsageLedger, 'sessionFigures'> | undefined;
  /** The sessions' thinking fields (rows carry none without it). */
  thinking?: { rows(keys: readonly string[]): Promise<Map<string, ThinkingRow>> } | undefined;
}

export interface RowOptions {
  lastMessage?: boolean | undefined;
  derivedTitle?: boolean | undefined;
}

/**
 * Read-only views of the stored sessions in the reference clients' layout: the session list with
 * its filters and paging, one row, previews and the chat's opening page.
 */
export class SessionViews {
  readonly #o: SessionViewsOptions;

  constructor(options: SessionViewsOptions) {
    this.#o = options;
  }

  async row(
    rec: SessionRecord,
    o: RowOptions = {},
    usage?: Map<string, SessionUsageFigures>,
    thinking?: Map<string, ThinkingRow>,
  ): Promise<SessionSummary> {
    const figures = usage ?? (await this.#o.usage?.sessionFigures([rec.key]));
    const thought = thinking ?? (await this.#o.thinking?.rows([rec.key]));
    return sessionRow(rec, {
      usage: figures?.get(rec.key),
      thinking: thought?.get(rec.key),
      answeredBy: this.#o.agents.agentOf(rec.key),
      activeRunId: this.#o.activeRunId(rec.key),
      derivedTitle: o.derivedTitle,
      lastMessage: o.lastMessage
        ? (await this.#o.store.sessions.history(rec.key, { limit: LAST_MESSAGE_LOOKBACK }))
            .filter(shownInChat)
            .at(-1)?.text
        : undefined,
    });
  }

  async list(p: MethodParams<'sessions.list'>): Promise<SessionsListResult> {
    const { store, clock, agents } = this.#o;
    const now = clock.now();
    const limit = Math.min(p.limit ?? 100, MAX_ROWS);
    const offset = p.offset ?? 0;
    const base = { ts: now, limitApplied: limit, defaults: sessionDefaults(agents) };
    // Filters that match nothing here: spawned sessions, archived ones.
    if (p.spawnedBy || p.archived === true) {
      return { ...base, sessions: [], total: 0, count: 0, totalCount: 0, nextOffset: null, hasMore: false };
    }
    // Whose a session is shows in its key (agent:<id>:…, else main); an agent no longer
    // configured still has its sessions (answered by main now). With main alone, main's are all.
    const agentId =
      p.agentId && (p.agentId !== MAIN_AGENT_ID || agents.list().length > 1) ? p.agentId : undefined;
    const filtered = p.includeUnknown === false || p.activeMinutes !== undefined || agentId !== undefined;
    let records: SessionRecord[];
    let total: number;
    if (filtered) {
      // Kind and recency are not store queries: filter the newest MAX_ROWS in memory.
      const all = (await store.sessions.list({ limit: MAX_ROWS, offset: 0, search: p.search })).sessions;
      const since = p.activeMinutes !== undefined ? now - p.activeMinutes * 60_000 : undefined;
      const kept = all.filter(
        (s) =>
          !(p.includeUnknown === false && s.kind === 'channel') &&
          (agentId === undefined || (agentIdInKey(s.key) ?? MAIN_AGENT_ID) === agentId) &&
          (since === undefined || s.updatedAtMs >= since),
      );
      total = kept.length;
      records = kept.slice(offset, offset + limit);
    } else {
      const page = await store.sessions.list({ limit, offset, search: p.search });
      records = page.sessions;
      total = page.total;
    }
    // One read for the page's token figures and thinking levels, not one per row.
    const keys = records.map((r) => r.key);
    const [usage, thinking] = await Promise.all([
      this.#o.usage?.sessionFigures(keys),
      this.#o.thinking?.rows(keys),
    ]);
    const rowOptions = { lastMessage: p.includeLastMessage, derivedTitle: p.includeDerivedTitles };
    const sessions = await Promise.all(records.map((r) => this.row(r, rowOptions, usage, thinking)));
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
  }

  async preview(keys: string[], limit: number, maxChars: number): Promise<SessionPreview[]> {
    const previews: SessionPreview[] = [];
    for (const key of keys) {
      const rec = await this.#o.store.sessions.get(key);
      if (!rec) {
        previews.push({ key, status: 'missing', items: [] });
        continue;
      }
      // Previews show what people said; tool steps and their results are left out.
      const msgs = (await this.#o.store.sessions.history(key, { limit: limit * 4 }))
        .filter((m) => shownInChat(m) && m.role !== 'toolResult' && (m.text.trim() || !m.toolCalls?.length))
        .slice(-limit);
      previews.push({
        key,
        status: msgs.length ? 'ok' : 'empty',
        items: msgs.map((m) => ({
          role: m.role as 'user' | 'assistant' | 'system',
          text: shorten(m.text, maxChars),
          timestamp: m.ts,
        })),
      });
    }
    return previews;
  }

  /** What a chat view opens with: the newest messages that fit in `maxBytes` of text, and the row. */
  async startup(p: MethodParams<'chat.startup'>): Promise<MethodResult<'chat.startup'>> {
    const { store, clock, agents } = this.#o;
    const { sessionKey, limit, maxBytes } = p;
    const rec = (await store.sessions.get(sessionKey)) ?? newSessionRecord(sessionKey, clock.now());
    const page = (await store.sessions.history(sessionKey, { limit: limit ?? 80 })).filter(shownInChat);
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
      defaults: sessionDefaults(agents),
      sessionInfo: await this.row(rec),
    };
  }
}
