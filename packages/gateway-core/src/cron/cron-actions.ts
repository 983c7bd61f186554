import type { GatewayConfig, SendParams } from '@openclaw/protocol';
import type { Channels } from '../channels/create-channels.ts';
import type { Logger } from '../logging/logger.ts';
import type { SessionFeed } from '../sessions/session-feed.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import type { CronServiceOptions } from './cron-service.ts';
import { commitToConversation, conversationContext } from './current-session-run.ts';
import { sendAlert } from './failure-alert-send.ts';
import { jobSessionKey } from './job-agent.ts';
import { runTurnOf } from './job-turn.ts';
import { resolveLastRoute, routeSessionKey } from './last-route.ts';
import { queueMainSessionEvent } from './main-session-event.ts';
import { WebhookQueue } from './webhook-queue.ts';

type Target = { channel: string; to: string; accountId?: string | undefined; threadId?: string | undefined };

/**
 * What a job does when it fires: an agent run in a session, or a send through the outbox; and
 * where a webhook job's finished runs are POSTed.
 */
export function cronActions(
  core: {
    sessions: SessionRouter;
    channels: Pick<Channels, 'send'>;
    agent: { agentState: { forget(key: string): Promise<void> } };
    config: { readonly current: Pick<GatewayConfig, 'cron'> };
  },
  // For jobs that start each run afresh: the transcript, and who hears that it was emptied.
  // A current-session job also reads its conversation and commits its reply there (with the clock).
  deps: {
    store: Pick<Store, 'sessions' | 'kv' | 'cron' | 'runs'>;
    feed: Pick<SessionFeed, 'sessionChanged' | 'messageStored'>;
    clock: Clock;
    log: Logger;
  },
): Pick<CronServiceOptions, 'runAgent' | 'send' | 'webhooks' | 'alerts' | 'agentRunSettled'> {
  const { sessions, channels, agent } = core;
  const { store, feed } = deps;
  const webhooks = new WebhookQueue({
    store,
    clock: deps.clock,
    log: deps.log.child({ component: 'cron-webhook' }),
    settings: () => {
      const c = core.config.current.cron;
      return {
        token: c.webhookToken,
        policy: c.webhookSsrfPolicy,
        timeoutMs: c.webhookTimeoutMs,
        attempts: c.webhookRetry.attempts,
        delayMs: c.webhookRetry.delayMs,
      };
    },
  });
  const alertDeps = { channels, store, webhooks, log: deps.log };
  return {
    webhooks,
    alerts: {
      config: () => core.config.current.cron.failureAlert,
      send: (job, notice, run) => sendAlert(alertDeps, job, notice, run),
    },
    runAgent: async (action, job, dedupeKey) => {
      if (action.kind === 'systemEvent')
        return queueMainSessionEvent(sessions, store, action, job, dedupeKey);
      // The job's agent answers: its session key carries the agent (agent:<id>:…).
      const sessionKey = jobSessionKey(job);
      // A job's runs never overlap, so nothing of its own is running in the session now.
      if (action.freshSession && (await store.sessions.get(sessionKey))) {
        await sessions.stopRuns(sessionKey);
        await store.sessions.trim(sessionKey, 0);
        await agent.agentState.forget(sessionKey);
        feed.sessionChanged(sessionKey, 'reset');
      }
      // The conversation a current-session job is bound to (its creating session).
      const bound = action.currentSession ? routeSessionKey(job) : undefined;
      // A named chat, or the last route (found now, so it follows the session); with none, the
      // turn still runs and its reply stays in the session, and the run says why it was not sent.
      let target: Target | undefined =
        action.channel && action.to
          ? { channel: action.channel, to: action.to, accountId: action.accountId, threadId: action.threadId }
          : undefined;
      let undelivered: string | undefined;
      if (!target && action.deliver) {
        const route = await resolveLastRoute(store, job);
        // A current-session reply is committed into its conversation even when that is no chat.
        const committable = bound !== undefined && (await store.sessions.get(bound)) !== undefined;
        if (route.ok) {
          const { channel, accountId, chatId, threadId } = route.target;
          target = { channel, to: chatId, accountId, threadId };
        } else if (!committable) undelivered = route.error;
      }
      const context = bound ? await conversationContext(store, bound) : undefined;
      const r = await sessions.agent({
        message: context ? `${context}\n\n${action.message}` : action.message,
        sessionKey,
        ...(target
          ? { channel: target.channel, to: target.to, accountId: target.accountId, threadId: target.threadId }
          : {}),
        dedupeKey,
        source: 'cron',
        // The job's own model, tools, context and ceiling, for this run only.
        ...runTurnOf(action),
      });
      const outcome = sessions.wait(r.runId, 24 * 3600_000).then(async (w) => {
        const ok = w?.status === 'ok';
        // Why its model failed (the provider's answer, kept on the agent run): is it worth a retry.
        const errorReason = ok ? undefined : (await store.runs.get(r.runId))?.errorReason;
        // Ended by its gateway's stop: a transient failure (a retry follows).
        const interrupted = w?.status === 'interrupted';
        const error = ok ? undefined : (w?.error ?? w?.status);
        const ended = { ok, error, output: w?.output, errorReason, interrupted };
        if (!ok || !bound || !action.deliver) return ended;
        const committed = await commitToConversation(deps, bound, r.runId, w?.output);
        // With a chat to send to, the outbox says whether it was delivered; else the commit did.
        return target ? ended : { ...ended, delivery: committed };
      });
      return { runId: r.runId, outcome, ...(undelivered ? { undelivered } : {}) };
    },
    agentRunSettled: async (agentRunId) => {
      const w = await sessions.settled(agentRunId);
      return w && { ...w, errorReason: (await store.runs.get(agentRunId))?.errorReason };
    },
    send: async (action, idempotencyKey) => {
      const p: SendParams = { to: action.to, message: action.message, idempotencyKey };
      if (action.channel) p.channel = action.channel;
      if (action.accountId) p.accountId = action.accountId;
      return { outboxId: (await channels.send(p, 'cron')).messageId };
    },
  };
}

/**
 * One scheduler for a whole cluster: whoever holds the `cron:leader` lease fires the jobs, and
 * followers look again within a third of the lease time, so they take over soon after it dies.
 */
export function cronLeadership(deps: {
  store: Pick<Store, 'leases'>;
  clock: Clock;
  gatewayId: string;
  leaseTtlMs: () => number;
}): Pick<CronServiceOptions, 'leader' | 'leaderCheckMs'> {
  const { store, clock, gatewayId, leaseTtlMs } = deps;
  return {
    leader: async () =>
      (await store.leases.acquire('cron:leader', gatewayId, leaseTtlMs(), clock.now())).acquired,
    leaderCheckMs: Math.max(250, Math.floor(leaseTtlMs() / 3)),
  };
}
