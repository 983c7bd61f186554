import type { HistoryTurn } from '../sessions/responder.ts';
import type { ModelCallUsage, Store } from '../store/types.ts';
import type { UsageLedger } from '../usage/usage-ledger.ts';
import { newUuid } from '../util/ids.ts';
import { estimateTokens, fitHistory, recentTailCount, turnTokens } from './context-budget.ts';
import { ECHO_MODEL_REF, type ModelRegistry } from './model-registry.ts';
import type { SessionCompactor } from './session-compactor.ts';
import { SESSION_MODEL_KV_PREFIX, sessionModel, setSessionModel } from './session-model.ts';
import type { sessionThinkingState } from './session-thinking.ts';

/**
 * What the agent keeps beside a session's transcript (its summary, its model and thinking level), for the
 * session methods: sessions.compact summarises before it trims, reset and delete forget it (a reset
 * keeps the levels).
 */
export function sessionAgentState(d: {
  store: Store;
  models: ModelRegistry;
  compactor: SessionCompactor;
  /** The agent a session belongs to. */
  agentOf: (sessionKey: string) => string;
  /** Where the summary call's tokens are recorded (as a compaction of the session). */
  usage?: Pick<UsageLedger, 'record'>;
  /** The sessions' own thinking levels. */
  thinking?: ReturnType<typeof sessionThinkingState>;
}) {
  /**
   * A reset: the summary and token figures go; the session's own model and its thinking and
   * reasoning levels stay, as the reference's reset keeps them (settings of the chat, not of its
   * history: `/model default` clears a chosen model).
   */
  const reset = async (key: string): Promise<void> => {
    await d.compactor.forget(key);
    // Its row's token figures go; what its calls used stays in the cost history.
    await d.store.usage.forget(key);
  };
  return {
    thinking: d.thinking,
    async summarize(key: string, keep: number, instructions?: string): Promise<boolean> {
      const candidates = d.models.candidates(await sessionModel(d.store.kv, key), d.agentOf(key));
      if (candidates[0] === ECHO_MODEL_REF) return false;
      const rec = await d.store.sessions.get(key);
      if (!rec || rec.messageCount <= keep) return false;
      const removed = (await d.store.sessions.history(key, { limit: rec.messageCount })).slice(
        0,
        rec.messageCount - keep,
      );
      const through = removed.at(-1)?.seq;
      if (through === undefined) return false;
      const turns: HistoryTurn[] = removed.map((m) => ({
        role: m.role,
        text: m.text,
        seq: m.seq,
        ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}),
        ...(m.toolName ? { toolName: m.toolName } : {}),
        ...(m.isError !== undefined ? { isError: m.isError } : {}),
      }));
      // One summary call has to fit the model too: the newest of what goes, within half its window.
      const { keep: fits } = fitHistory(turns, Math.floor(d.compactor.contextTokens(candidates[0]!) / 2));
      const calls: ModelCallUsage[] = [];
      try {
        await d.compactor.compact(
          key,
          fits,
          through,
          candidates,
          undefined,
          (model, usage) => calls.push({ provider: model.provider, model: model.modelId, ...usage }),
          instructions,
        );
      } finally {
        // A summary call that failed after it was billed still counts.
        if (calls.length && d.usage)
          await d.usage.record({
            runId: `compact:${newUuid()}`,
            sessionKey: key,
            agentId: d.agentOf(key),
            calls,
            kind: 'compaction',
          });
      }
      return true;
    },
    /**
     * What the session's next turn would carry, estimated as the context budget does (its
     * summary and the messages it does not cover), and the context window of its model.
     */
    async context(key: string): Promise<{ tokens: number; window: number }> {
      const model = d.models.candidates(await sessionModel(d.store.kv, key), d.agentOf(key))[0] ?? '';
      const [rec, summary] = await Promise.all([d.store.sessions.get(key), d.compactor.summary(key)]);
      const messages = rec?.messageCount
        ? await d.store.sessions.history(key, { limit: rec.messageCount })
        : [];
      const tokens = messages
        .filter((m) => !summary || m.seq > summary.throughSeq)
        .reduce((sum, m) => sum + turnTokens(m), summary ? estimateTokens(summary.text) : 0);
      return { tokens, window: d.compactor.contextTokens(model) };
    },
    /** How many of the newest messages a manual compaction keeps (see recentTailCount). */
    async recentTail(key: string): Promise<number> {
      const rec = await d.store.sessions.get(key);
      if (!rec?.messageCount) return 0;
      const messages = await d.store.sessions.history(key, { limit: rec.messageCount });
      return recentTailCount(messages, d.compactor.keepRecentTokens());
    },
    setModel(key: string, model: string | null): Promise<void> {
      return setSessionModel(d.store.kv, key, model);
    },
    reset,
    /** A delete: everything the agent keeps beside the session goes, its model and levels too. */
    async forget(key: string): Promise<void> {
      await reset(key);
      await d.store.kv.delete(`${SESSION_MODEL_KV_PREFIX}${key}`);
      await d.thinking?.forget(key);
    },
  };
}
