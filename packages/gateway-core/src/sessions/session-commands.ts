import { sessionModel } from '../agent/session-model.ts';
import type { AgentCatalog } from '../agents/agent-catalog.ts';
import type { SessionCommands } from '../channels/chat-commands.ts';
import type { Store } from '../store/types.ts';
import type { UsageLedger } from '../usage/usage-ledger.ts';
import { compactSession } from './session-compact.ts';
import type { SessionFeed } from './session-feed.ts';
import { resetSession } from './session-reset.ts';
import type { SessionRouter } from './session-router.ts';

/**
 * How many of the newest messages `/compact` leaves in the transcript (the last exchange or two);
 * the rest go into the summary. The reference keeps a recent tail by tokens instead.
 */
export const CHAT_COMPACT_KEEP = 4;

/**
 * The chat commands' view of sessions, built from what the session methods use: `/new` and
 * `/reset` go through resetSession like sessions.reset, `/compact` through compactSession like
 * sessions.compact, `/stop` aborts as chat.abort does, `/model` sets the model sessions.patch
 * sets (only one of the agent's configured models: its default and fallbacks).
 */
export function sessionCommands(d: {
  store: Pick<Store, 'sessions' | 'kv'>;
  /** The conversations (made with the channels, so read when a command runs). */
  sessions: () => Pick<SessionRouter, 'stopRuns' | 'activeRunId' | 'abort'>;
  feed: Pick<SessionFeed, 'sessionChanged'>;
  agents: Pick<AgentCatalog, 'agentOf' | 'modelRef' | 'fallbacks'>;
  agentState: {
    setModel(key: string, model: string | null): Promise<void>;
    /** What a reset forgets (not the session's levels). */
    reset(key: string): Promise<void>;
    summarize(key: string, keep: number, instructions?: string): Promise<boolean>;
    /** The session's context as its next turn would carry it (estimated tokens), and its model's window. */
    context(key: string): Promise<{ tokens: number; window: number }>;
  };
  usage?: Pick<UsageLedger, 'sessionFigures'> | undefined;
}): SessionCommands {
  return {
    async reset(key) {
      await resetSession(
        {
          store: d.store,
          stopRuns: (k) => d.sessions().stopRuns(k),
          forget: (k) => d.agentState.reset(k),
          changed: (k) => d.feed.sessionChanged(k, 'reset'),
        },
        key,
      );
    },
    async models(key) {
      const agentId = d.agents.agentOf(key);
      const choices = [...new Set([d.agents.modelRef(agentId), ...d.agents.fallbacks(agentId)])];
      const own = await sessionModel(d.store.kv, key);
      return { current: own ?? choices[0]!, own: own !== undefined, choices };
    },
    setModel: (key, ref) => d.agentState.setModel(key, ref),
    stop: (key) => d.sessions().abort(key),
    async compact(key, instructions) {
      const before = await d.agentState.context(key);
      const done = await compactSession(
        {
          store: d.store,
          summarize: (k, keep, i) => d.agentState.summarize(k, keep, i),
          changed: (k) => d.feed.sessionChanged(k, 'compact'),
        },
        key,
        CHAT_COMPACT_KEEP,
        instructions,
      );
      const after = await d.agentState.context(key);
      return {
        compacted: (done?.removedMessages ?? 0) > 0,
        tokensBefore: before.tokens,
        tokensAfter: after.tokens,
        contextTokens: after.window,
      };
    },
    async status(key) {
      const rec = await d.store.sessions.get(key);
      const figures = (await d.usage?.sessionFigures([key]))?.get(key);
      return {
        messageCount: rec?.messageCount ?? 0,
        totalTokens: figures?.totalTokens,
        contextTokens: figures?.contextTokens,
        running: d.sessions().activeRunId(key) !== undefined,
      };
    },
  };
}
