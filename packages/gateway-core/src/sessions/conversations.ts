import type { AgentCatalog } from '../agents/agent-catalog.ts';
import { SessionFeed } from './session-feed.ts';
import { SessionRouter, type SessionRouterOptions } from './session-router.ts';
import { SessionViews } from './session-views.ts';

export interface ConversationsOptions extends Omit<SessionRouterOptions, 'onMessage' | 'onRunChange'> {
  agents: AgentCatalog;
}

/** The conversations and what watches them, wired to each other. */
export interface Conversations {
  /** Messages into sessions, and the runs that answer them. */
  router: SessionRouter;
  /** Who follows the session list or a transcript: every stored message and run change is told here. */
  feed: SessionFeed;
  /** The stored sessions as the clients read them (rows, list pages, previews, a chat's first page). */
  views: SessionViews;
}

export function createConversations(o: ConversationsOptions): Conversations {
  const { agents, ...routerOptions } = o;
  const router: SessionRouter = new SessionRouter({
    ...routerOptions,
    onMessage: (m) => feed.messageStored(m),
    onRunChange: (key) => feed.runChanged(key),
  });
  const activeRunId = (key: string) => router.activeRunId(key);
  const feed = new SessionFeed({ bus: o.bus, store: o.store, clock: o.clock, log: o.log, activeRunId });
  const views = new SessionViews({ store: o.store, agents, clock: o.clock, activeRunId });
  return { router, feed, views };
}
