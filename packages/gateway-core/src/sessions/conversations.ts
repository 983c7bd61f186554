import type { ThinkingRow } from '../agent/session-thinking.ts';
import type { AgentCatalog } from '../agents/agent-catalog.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { Store } from '../store/types.ts';
import type { UsageLedger } from '../usage/usage-ledger.ts';
import type { Clock } from '../util/clock.ts';
import { SessionFeed } from './session-feed.ts';
import { SessionViews } from './session-views.ts';

export interface ConversationWatchersOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  agents: AgentCatalog;
  /** The run going on in a session, if any (the conversations know). */
  activeRunId(sessionKey: string): string | undefined;
  /** The sessions' token figures, for their rows. */
  usage?: Pick<UsageLedger, 'sessionFigures'> | undefined;
  /** The sessions' thinking fields, for their rows. */
  thinking?: { rows(keys: readonly string[]): Promise<Map<string, ThinkingRow>> } | undefined;
}

/** What watches the conversations (the SessionRouter the channels wing builds). */
export interface ConversationWatchers {
  /** Who follows the session list or a transcript: every stored message and run change is told here. */
  feed: SessionFeed;
  /** The stored sessions as the clients read them (rows, list pages, previews, a chat's first page). */
  views: SessionViews;
}

export function watchConversations(o: ConversationWatchersOptions): ConversationWatchers {
  const { activeRunId } = o;
  const feed = new SessionFeed({
    bus: o.bus,
    store: o.store,
    clock: o.clock,
    log: o.log,
    activeRunId,
    agentOf: (key) => o.agents.agentOf(key),
    usage: o.usage,
    thinking: o.thinking,
  });
  const views = new SessionViews({
    store: o.store,
    agents: o.agents,
    clock: o.clock,
    activeRunId,
    usage: o.usage,
    thinking: o.thinking,
  });
  return { feed, views };
}
