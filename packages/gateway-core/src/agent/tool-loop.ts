import type { LanguageModelV4FunctionTool, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ThinkingLevel } from '@openclaw/protocol';
import { type MethodName, methods, scopeSatisfies } from '@openclaw/protocol';
import type { TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { ModelMessage } from 'ai';
import type { StoredToolCall } from '../store/types.ts';
import { BackendError } from './backend-error.ts';
import { streamModel, type TokenUsage } from './model-call.ts';
import { backendErrorOf } from './model-errors.ts';
import type { ResolvedModel } from './model-registry.ts';
import { messagesFor } from './pictures-after-results.ts';
import { thinkingOptions } from './thinking.ts';
import { toolOutputOf } from './tool-output.ts';
import type { AgentTool, ToolCallContext, ToolImage } from './tools/agent-tool.ts';

/** A tool ready for the loop: its definition and its input checker (compiled once). */
export interface LoopTool {
  tool: AgentTool;
  check: TypeCheck<TSchema>;
  /** The JSON Schema the model sees. */
  parameters: unknown;
}

export interface ToolLoopInput {
  /** Model names in the order they are tried (failover moves along this list and stays there). */
  candidates: string[];
  resolve(ref: string): Promise<ResolvedModel>;
  system?: string | undefined;
  messages: ModelMessage[];
  tools: LoopTool[];
  maxSteps: number;
  temperature?: number | undefined;
  /** The turn's thinking level; each call asks its model for it as its provider can take it. */
  thinking?: ThinkingLevel | undefined;
  signal: AbortSignal;
  scopes: readonly string[];
  /** The per-call context (ids, idempotency key) for a tool call. */
  context(toolCallId: string): Omit<ToolCallContext, 'update' | 'image'>;
  /** Pictures tool calls produce go back to the model with their results (a vision model). */
  images?: boolean | undefined;
  onDelta(text: string): void;
  /** The model reasoned: what was added, and the step's reasoning so far (at most MAX_REASONING_CHARS). */
  onReasoning?(delta: string, text: string): void;
  /** A model call finished and its provider said what it used (failed calls that reported none are not heard of). */
  onUsage?(model: ResolvedModel, usage: TokenUsage): void;
  onFailover(from: string, to: string, error: BackendError): void;
  onToolStart(call: StoredToolCall): void;
  onToolUpdate(call: StoredToolCall, partial: unknown): void;
  onToolResult(call: StoredToolCall, result: unknown, isError: boolean): void;
  /** A model step that calls tools, before any of them runs (stored, so a crash cannot lose the calls). */
  onStepStart(step: { text: string; calls: StoredToolCall[]; reasoning?: string | undefined }): Promise<void>;
  /** A tool call finished (stored, so a resumed turn never runs it again). */
  onToolDone(outcome: ToolOutcome): Promise<void>;
  /**
   * A turn resumed after a crash: its last stored step, whose calls that have no result yet run
   * first (with their original ids, hence idempotency keys), then the loop goes on.
   */
  resume?: { text: string; calls: StoredToolCall[]; results: ToolOutcome[] } | undefined;
}

export interface ToolOutcome {
  call: StoredToolCall;
  result: unknown;
  isError: boolean;
  /** Pictures the call produced, for the model (never stored with the result). */
  images?: ToolImage[] | undefined;
}

export interface ToolLoopResult {
  text: string;
  /** What the model reasoned before the answer (at most MAX_REASONING_CHARS); empty when nothing. */
  reasoning: string;
  /** The model that gave the answer. */
  model: string;
  steps: number;
}

/** A step's reasoning is kept (stored, shown in events) up to this many characters. */
export const MAX_REASONING_CHARS = 16_000;

/** Reasoning of one model step, kept within its bound, with what the provider needs to see it again. */
class StepReasoning {
  text = '';
  #full = 0;
  meta: SharedV4ProviderMetadata | undefined;
  add(delta: string, meta: SharedV4ProviderMetadata | undefined): boolean {
    if (meta) this.meta = { ...this.meta, ...meta };
    if (!delta) return false;
    this.#full += delta.length;
    if (this.text.length < MAX_REASONING_CHARS)
      this.text =
        this.#full > MAX_REASONING_CHARS
          ? `${(this.text + delta).slice(0, MAX_REASONING_CHARS)}…`
          : this.text + delta;
    return true;
  }
  /** Whole: the provider is shown it again only when nothing was cut. */
  get whole(): boolean {
    return this.#full <= MAX_REASONING_CHARS;
  }
}

/** Why a tool call was refused or failed, as the model reads it. */
function errorText(error: unknown): string {
  const e = error as { message?: string; detailCode?: string; details?: { code?: string } };
  const code = e.detailCode ?? e.details?.code;
  const message = e.message ?? String(error);
  return code ? `${code}: ${message}` : message;
}

/**
 * The agent's tool loop: ask the model, run the tool calls it makes (each checked against its
 * schema and the run's scopes), give the results back, until it answers without calling a tool
 * or `maxSteps` model calls were made. A retryable model failure before the step produced
 * anything moves to the next candidate model for the rest of the turn.
 */
export async function runToolLoop(input: ToolLoopInput): Promise<ToolLoopResult> {
  const messages = [...input.messages];
  const byName = new Map(input.tools.map((t) => [t.tool.name, t]));
  const providerTools: LanguageModelV4FunctionTool[] = input.tools.map((t) => ({
    type: 'function',
    name: t.tool.name,
    description: t.tool.description,
    inputSchema: t.parameters as LanguageModelV4FunctionTool['inputSchema'],
  }));
  let at = 0;
  if (input.resume) {
    const { text, calls } = input.resume;
    const results: ToolOutcome[] = [];
    for (const call of calls) {
      const done = input.resume.results.find((r) => r.call.id === call.id);
      results.push(done ?? (await runCall(call)));
    }
    pushStep(text, calls, results);
  }
  for (let step = 1; step <= input.maxSteps; step++) {
    const { text, calls, model, reasoning } = await modelStep();
    if (calls.length === 0) return { text, reasoning: reasoning.text, model, steps: step };
    await input.onStepStart({ text, calls, ...(reasoning.text ? { reasoning: reasoning.text } : {}) });
    const results: ToolOutcome[] = [];
    for (const call of calls) results.push(await runCall(call));
    pushStep(text, calls, results, reasoning);
  }
  throw new BackendError(
    'AGENT_STEP_LIMIT',
    `the turn made ${input.maxSteps} model calls without answering (agent.maxSteps)`,
  );

  function pushStep(
    text: string,
    calls: StoredToolCall[],
    results: ToolOutcome[],
    reasoning?: StepReasoning,
  ): void {
    // The step's reasoning goes back with it within the turn (a model thinking across tool calls,
    // Anthropic's, needs its signed thinking before the calls), as the AI SDK's own loop does.
    const thought =
      reasoning?.text && reasoning.whole
        ? [
            {
              type: 'reasoning' as const,
              text: reasoning.text,
              ...(reasoning.meta ? { providerOptions: reasoning.meta } : {}),
            },
          ]
        : [];
    messages.push(
      {
        role: 'assistant',
        content: [
          ...thought,
          ...(text ? [{ type: 'text' as const, text }] : []),
          ...calls.map((c) => ({
            type: 'tool-call' as const,
            toolCallId: c.id,
            toolName: c.name,
            input: c.args,
          })),
        ],
      },
      {
        role: 'tool',
        content: results.map((r) => ({
          type: 'tool-result' as const,
          toolCallId: r.call.id,
          toolName: r.call.name,
          output: toolOutputOf(r),
        })),
      },
    );
  }

  async function modelStep(): Promise<{
    text: string;
    calls: StoredToolCall[];
    model: string;
    reasoning: StepReasoning;
  }> {
    for (;;) {
      const ref = input.candidates[at]!;
      let emitted = false;
      try {
        const target = await input.resolve(ref);
        if (!target.model) throw new BackendError('BACKEND_CONFIG', `${ref} cannot call tools`);
        let text = '';
        const calls: StoredToolCall[] = [];
        const reasoning = new StepReasoning();
        // No retries: a failure moves to the next model at once (failover).
        const parts = streamModel({
          model: target.model,
          system: input.system,
          // Where tool messages take text only (OpenAI's API, or a provider set to `user-message`),
          // a step's pictures follow its results as a user message.
          messages: messagesFor(target, messages),
          tools: providerTools,
          temperature: input.temperature,
          providerOptions: input.thinking ? thinkingOptions(input.thinking, target.api) : undefined,
          signal: input.signal,
        });
        try {
          for await (const part of parts) {
            if (input.signal.aborted) throw input.signal.reason;
            switch (part.type) {
              case 'text':
                emitted = true;
                text += part.delta;
                input.onDelta(part.delta);
                break;
              case 'reasoning':
                if (reasoning.add(part.delta, part.meta)) {
                  emitted = true;
                  input.onReasoning?.(part.delta, reasoning.text);
                }
                break;
              case 'tool-call':
                emitted = true;
                calls.push({ id: part.toolCallId, name: part.toolName, args: part.input ?? {} });
                break;
              case 'usage':
                input.onUsage?.(target, part.usage);
                break;
              case 'error':
                throw backendErrorOf(part.error, target);
            }
          }
        } catch (error) {
          if (input.signal.aborted) throw input.signal.reason ?? error;
          throw backendErrorOf(error, target);
        }
        if (input.signal.aborted) throw input.signal.reason;
        return { text, calls, model: ref, reasoning };
      } catch (error) {
        if (input.signal.aborted) throw input.signal.reason ?? error;
        const failure = backendErrorOf(error, { ref });
        const next = input.candidates[at + 1];
        if (!failure.retryable || emitted || next === undefined) throw failure;
        input.onFailover(ref, next, failure);
        at++;
      }
    }
  }

  async function runCall(call: StoredToolCall): Promise<ToolOutcome> {
    // A stopped turn starts no more calls (a resumed one runs them, under the same ids).
    if (input.signal.aborted) throw input.signal.reason;
    input.onToolStart(call);
    const images: ToolImage[] = [];
    const finish = async (result: unknown, isError: boolean): Promise<ToolOutcome> => {
      input.onToolResult(call, result, isError);
      const outcome: ToolOutcome = { call, result, isError };
      if (!isError && images.length && input.images) outcome.images = images;
      await input.onToolDone(outcome);
      return outcome;
    };
    const t = byName.get(call.name);
    if (!t) return finish(`no tool named ${call.name}`, true);
    if (!t.check.Check(call.args)) {
      const first = t.check.Errors(call.args).First();
      return finish(`invalid input${first ? ` at ${first.path || '/'}: ${first.message}` : ''}`, true);
    }
    const method: MethodName = t.tool.methodFor(call.args as never);
    const required = methods[method].scope;
    if (required === 'node' || !scopeSatisfies(input.scopes, required))
      return finish(`MISSING_SCOPE: this turn may not ${method} (needs ${required})`, true);
    try {
      const ctx: ToolCallContext = {
        ...input.context(call.id),
        update: (partial) => input.onToolUpdate(call, partial),
        image: (image) => images.push(image),
      };
      return finish(await untilAborted(t.tool.run(call.args as never, ctx), input.signal), false);
    } catch (error) {
      if (input.signal.aborted) throw input.signal.reason ?? error;
      return finish(errorText(error), true);
    }
  }
}

/**
 * A call's outcome, or the turn's abort as soon as it comes: the call is left to finish unheard
 * (no result is stored, so a resumed turn runs it again under the same idempotency key).
 */
function untilAborted<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
