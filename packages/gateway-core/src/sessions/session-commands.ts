import { sessionModel } from '../agent/session-model.ts';
import type { AgentCatalog } from '../agents/agent-catalog.ts';
import type { SessionCommands } from '../channels/chat-commands.ts';
import type { Store } from '../store/types.ts';
import type { UsageLedger } from '../usage/usage-ledger.ts';
import type { SessionFeed } from './session-feed.ts';
import { resetSession } from './session-reset.ts';
import type { SessionRouter } from './session-router.ts';

/**
 * The chat commands' view of sessions, built from what the session methods use: `/new` and
 * `/reset` go through resetSession like sessions.reset, `/model` sets the model sessions.patch
 * sets (only one of the agent's configured models: its default and fallbacks).
 */
export function sessionCommands(d: {
  store: Pick<Store, 'sessions' | 'kv'>;
  /** The conversations (made with the channels, so read when a command runs). */
  sessions: () => Pick<SessionRouter, 'stopRuns' | 'activeRunId'>;
  feed: Pick<SessionFeed, 'sessionChanged'>;
  agents: Pick<AgentCatalog, 'agentOf' | 'modelRef' | 'fallbacks'>;
  agentState: {
    setModel(key: string, model: string | null): Promise<void>;
    /** What a reset forgets (not the session's levels). */
    reset(key: string): Promise<void>;
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
