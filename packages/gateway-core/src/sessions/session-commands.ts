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
 * The chat commands' view of sessions, built from what the session methods use: `/new` and
 * `/reset` go through resetSession like sessions.reset, `/compact` through compactSession like
 * sessions.compact (after stopping the session's turns, as the reference's does; keeping a recent
 * tail of `agent.compaction.keepRecentTokens`), `/stop` aborts as chat.abort does, `/model` sets the model sessions.patch
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
    /** How many of the newest messages a manual compaction keeps. */
    recentTail(key: string): Promise<number>;
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
      // A turn still running would write into what is being summarised and cut.
      await d.sessions().stopRuns(key);
      const before = await d.agentState.context(key);
      const done = await compactSession(
        {
          store: d.store,
          summarize: (k, keep, i) => d.agentState.summarize(k, keep, i),
          changed: (k) => d.feed.sessionChanged(k, 'compact'),
        },
        key,
        await d.agentState.recentTail(key),
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
