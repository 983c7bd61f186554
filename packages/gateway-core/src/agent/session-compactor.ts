import type { GatewayConfig } from '@openclaw/protocol';
import type { Logger } from '../logging/logger.ts';
import type { HistoryTurn } from '../sessions/responder.ts';
import type { KvRepo } from '../store/types.ts';
import type { TokenUsage } from './model-call.ts';
import type { ModelRegistry, ResolvedModel } from './model-registry.ts';

/** Where a session's summary lives in the store's key-value table. */
const SUMMARY_KV_PREFIX = 'session-summary:';

/** What older turns of a session were compacted into. */
export interface SessionSummary {
  text: string;
  /** Every message up to this seq is covered by the summary (and no longer sent to the model). */
  throughSeq: number;
  atMs: number;
}

const INSTRUCTIONS =
  'You compact a conversation between a user and an assistant that can call tools. Write a concise summary ' +
  'of what is below (and of the earlier summary, if any): facts learned, decisions, open tasks, what tools ' +
  'did and returned that still matters. Plain text, at most 300 words, no preamble.';

function transcript(turns: readonly HistoryTurn[]): string {
  return turns
    .map((t) => {
      if (t.role === 'toolResult')
        return `[tool ${t.toolName ?? ''} ${t.isError ? 'failed' : 'returned'}] ${t.text}`;
      const calls = t.toolCalls?.length
        ? ` [calls ${t.toolCalls.map((c) => `${c.name}(${JSON.stringify(c.args)})`).join(', ')}]`
        : '';
      return `${t.role}: ${t.text}${calls}`;
    })
    .join('\n');
}

export interface SessionCompactorOptions {
  kv: KvRepo;
  models: ModelRegistry;
  config: () => GatewayConfig['agent'];
  log: Logger;
}

/**
 * Compaction: older turns of a session become a summary (a model call) kept beside the
 * transcript; later turns send the summary instead of what it covers.
 */
export class SessionCompactor {
  readonly #o: SessionCompactorOptions;

  constructor(options: SessionCompactorOptions) {
    this.#o = options;
  }

  summary(sessionKey: string): Promise<SessionSummary | undefined> {
    return this.#o.kv.get<SessionSummary>(`${SUMMARY_KV_PREFIX}${sessionKey}`);
  }

  async forget(sessionKey: string): Promise<void> {
    await this.#o.kv.delete(`${SUMMARY_KV_PREFIX}${sessionKey}`);
  }

  /** The context window (tokens) of a model: its own setting, else `agent.contextTokens`. */
  contextTokens(modelRef: string): number {
    const a = this.#o.config();
    return a.contextTokensByModel[modelRef] ?? a.contextTokens;
  }

  /** The token budget of the recent tail a manual compaction keeps (`agent.compaction.keepRecentTokens`). */
  keepRecentTokens(): number {
    return this.#o.config().compaction.keepRecentTokens;
  }

  /**
   * Summarise `turns` (with the session's earlier summary) using the first of `candidates` that
   * answers, and store the result as covering everything through `throughSeq`.
   */
  async compact(
    sessionKey: string,
    turns: readonly HistoryTurn[],
    throughSeq: number,
    candidates: readonly string[],
    signal?: AbortSignal,
    /** What each summary call reported using (a turn accounts it with its own calls). */
    onUsage?: (model: ResolvedModel, usage: TokenUsage) => void,
    /** What the user asked the summary to focus on (`/compact <instructions>`). */
    instructions?: string,
  ): Promise<SessionSummary> {
    // The AI SDK loads with the first model call, so an echo-only gateway never pays for it.
    const [{ streamText }, { backendErrorOf }] = await Promise.all([
      import('ai'),
      import('./model-errors.ts'),
    ]);
    const previous = await this.summary(sessionKey);
    const prompt = `${previous ? `Earlier summary:\n${previous.text}\n\n` : ''}Conversation:\n${transcript(turns)}`;
    let lastError: unknown;
    for (const ref of candidates) {
      try {
        const target = await this.#o.models.resolve(ref);
        if (!target.model) continue;
        let text = '';
        let failure: unknown;
        const result = streamText({
          model: target.model,
          system: instructions
            ? `${INSTRUCTIONS}\n\nThe user asked this summary to follow these instructions: ${instructions}`
            : INSTRUCTIONS,
          prompt,
          maxRetries: 0,
          onError: () => {},
          ...(signal ? { abortSignal: signal } : {}),
        });
        for await (const part of result.fullStream) {
          if (part.type === 'text-delta') text += part.text;
          else if (part.type === 'error') failure = backendErrorOf(part.error, target);
          else if (part.type === 'finish' && onUsage) {
            const u = part.totalUsage;
            const cacheRead = u.inputTokenDetails.cacheReadTokens ?? 0;
            const cacheWrite = u.inputTokenDetails.cacheWriteTokens ?? 0;
            const input =
              u.inputTokenDetails.noCacheTokens ?? Math.max(0, (u.inputTokens ?? 0) - cacheRead - cacheWrite);
            if (u.inputTokens !== undefined || u.outputTokens !== undefined)
              onUsage(target, { input, output: u.outputTokens ?? 0, cacheRead, cacheWrite });
          }
        }
        if (failure) throw failure;
        const summary: SessionSummary = {
          text: text.trim(),
          throughSeq: Math.max(throughSeq, previous?.throughSeq ?? 0),
          atMs: Date.now(),
        };
        await this.#o.kv.set(`${SUMMARY_KV_PREFIX}${sessionKey}`, summary);
        this.#o.log.info({ sessionKey, throughSeq: summary.throughSeq, model: ref }, 'session compacted');
        return summary;
      } catch (error) {
        if (signal?.aborted) throw error;
        lastError = error;
      }
    }
    throw backendErrorOf(lastError ?? new Error('no model can summarise'), { ref: candidates[0] ?? '' });
  }
}
