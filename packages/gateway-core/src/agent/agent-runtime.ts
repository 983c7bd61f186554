import { join } from 'node:path';
import type { GatewayConfig, ThinkingLevel } from '@openclaw/protocol';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { UserContent } from 'ai';
import type { AgentProfile } from '../agents/agent-catalog.ts';
import type { Logger } from '../logging/logger.ts';
import {
  echoResponder,
  type HistoryTurn,
  type Responder,
  type ResponderInput,
} from '../sessions/responder.ts';
import type { ModelCallUsage, RunUsageRecord, StoredMedia, StoredToolCall } from '../store/types.ts';
import { RecentFiles } from '../util/recent-files.ts';
import { estimateTokens, fitHistory } from './context-budget.ts';
import type { TokenUsage } from './model-call.ts';
import { modelMessagesOf, storedValue } from './model-messages.ts';
import { ECHO_MODEL_REF, type ModelRegistry, type ResolvedModel } from './model-registry.ts';
import { resumedImages } from './resumed-images.ts';
import type { SessionCompactor } from './session-compactor.ts';
import { turnThinkingLevel } from './thinking.ts';
import { type LoopTool, runToolLoop, type ToolOutcome } from './tool-loop.ts';
import type { AgentTool, ToolImage } from './tools/agent-tool.ts';
import { narrowTools, turnCandidates } from './turn-options.ts';

/** Tool results are stored (and sent back to the model) up to this many characters. */
const MAX_RESULT_CHARS = 16_000;

export interface AgentRuntimeOptions {
  config: () => GatewayConfig['agent'];
  models: ModelRegistry;
  tools: AgentTool[];
  /** The session's own model (`sessions.patch {model}`), if it chose one. */
  sessionModel(sessionKey: string): Promise<string | undefined>;
  /** The session's own thinking level (`sessions.patch {thinkingLevel}`), if it chose one. */
  sessionThinking?(sessionKey: string): Promise<ThinkingLevel | undefined>;
  /** The agent that answers a session: its model, tools and prompt. */
  agent(sessionKey: string): AgentProfile;
  /** Summaries of older turns, and the context window of each model. */
  compactor: SessionCompactor;
  /** Where each run's model calls are accounted (written once the turn's loop is over). */
  usage?: RunUsageSink | undefined;
  /** Where each agent's own system prompt file lives (`<state dir>/agents/<id>/SYSTEM.md`). */
  stateDir?: string | undefined;
  log: Logger;
}

/** Takes a run's model calls once its loop is over, whatever its outcome (the calls were made). */
export interface RunUsageSink {
  record(run: Omit<RunUsageRecord, 'ts'>): Promise<void>;
}

/** How long reads started ahead of a turn stay good for it (a run starts right after it is accepted). */
const PREPARED_FOR_MS = 2000;

/** What a turn reads before it calls the model, started ahead (see `prepare`). */
interface TurnReads {
  agent: AgentProfile;
  /** The session's own model (`sessions.patch`), if it chose one. */
  sessionModel: string | undefined;
  /** The session's own thinking level, if it chose one. */
  sessionThinking: ThinkingLevel | undefined;
  candidates: string[];
  /** The first model, resolved (its key read, its client built); none for echo. */
  first: Promise<ResolvedModel> | undefined;
  prompt: Promise<string | undefined>;
}

function resultText(result: unknown): string {
  const text = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}…` : text;
}

/**
 * The agent: the session's model (or the default, then the fallbacks) through the AI SDK, with
 * the tools the config allows, in a tool loop whose steps stream as `agent` events and are
 * stored in the session. `echo/echo` answers without a model.
 */
export function createAgentRuntime(o: AgentRuntimeOptions): Responder {
  // Schemas compile once: a tool call is checked on the hot path of a turn.
  const compiled: (LoopTool & { schemaTokens: number })[] = o.tools.map((tool) => {
    const parameters = JSON.parse(JSON.stringify(tool.schema)) as unknown;
    return {
      tool,
      check: TypeCompiler.Compile(tool.schema),
      parameters,
      schemaTokens: estimateTokens(tool.description + JSON.stringify(parameters)),
    };
  });
  const allowed = (agent: AgentProfile) => {
    const { allow, deny } = agent.tools ?? o.config().tools;
    return compiled.filter((t) => (!allow || allow.includes(t.tool.name)) && !deny.includes(t.tool.name));
  };
  const files = new RecentFiles();
  // A turn's file reads (the prompt file, the first model's key) wait on the thread pool; they
  // start when its run is accepted, side by side, and are ready by the time the turn asks.
  // An entry not taken soon (its run was a duplicate, or never started) is stale: read again then.
  const ahead = new Map<string, { at: number; reads: Promise<TurnReads> }>();
  const startReads = async (sessionKey: string): Promise<TurnReads> => {
    const agent = o.agent(sessionKey);
    const [sessionModel, sessionThinking] = await Promise.all([
      o.sessionModel(sessionKey),
      o.sessionThinking?.(sessionKey),
    ]);
    const candidates = o.models.candidates(sessionModel, agent.id);
    const first = candidates[0] === ECHO_MODEL_REF ? undefined : o.models.resolve(candidates[0]!);
    // Awaited when the loop asks for it; until then a failure must not go unhandled.
    first?.catch(() => {});
    const prompt = systemPromptFile(files, o.stateDir, agent.id);
    return { agent, sessionModel, sessionThinking, candidates, first, prompt };
  };
  return {
    name: 'models',
    prepare(sessionKey) {
      if (ahead.size >= 1000) ahead.clear();
      const reads = startReads(sessionKey);
      reads.catch(() => {});
      ahead.set(sessionKey, { at: performance.now(), reads });
    },
    async respond(input, onDelta) {
      const agent = o.config();
      const early = ahead.get(input.sessionKey);
      ahead.delete(input.sessionKey);
      const fresh = early && performance.now() - early.at < PREPARED_FOR_MS ? early.reads : undefined;
      const reads = await (fresh ?? startReads(input.sessionKey));
      // A run with models of its own (a cron job's) tries those; the session's choice stays as it is.
      const own = input.turn?.model !== undefined || input.turn?.fallbacks !== undefined;
      const candidates = own
        ? turnCandidates(o.models, reads.sessionModel, reads.agent.id, input.turn)
        : reads.candidates;
      if (candidates[0] === ECHO_MODEL_REF) return echoResponder.respond(input, onDelta);
      const resolved = new Map<string, Promise<ResolvedModel>>();
      if (reads.first && candidates[0] === reads.candidates[0]) resolved.set(candidates[0]!, reads.first);
      const resolve = (ref: string) => {
        let r = resolved.get(ref);
        if (!r) {
          r = o.models.resolve(ref);
          resolved.set(ref, r);
        }
        return r;
      };
      // A light-context run (a cron job's `lightContext`) leaves out the agent's prompt file.
      const promptFile = input.turn?.lightContext ? undefined : await reads.prompt;
      const system = [reads.agent.systemPrompt ?? agent.openai.systemPrompt, promptFile]
        .filter(Boolean)
        .join('\n\n');
      const emit = input.emit ?? (() => {});
      // A run no operator started acts with the configured unattended scopes.
      const unattended = input.scopes === undefined;
      const scopes = input.scopes ?? agent.tools.unattendedScopes;
      // A resumed turn shows the model again the pictures its completed calls had shown it.
      const shown =
        agent.openai.vision && input.steps?.length
          ? await resumedImages(input.steps, input.readMedia, o.log)
          : undefined;
      const resumed = splitSteps(input.steps ?? [], shown);
      // What the reply carries out: first what completed calls of a resumed turn had attached.
      const attachments: StoredMedia[] = (input.steps ?? []).flatMap((t) => t.attachments ?? []);
      const attachedBy = new Map<string, StoredMedia[]>();
      const tools = narrowTools(allowed(reads.agent), input.turn);
      // Every model call of the turn, the compaction's included, for the usage record.
      const calls: ModelCallUsage[] = [];
      const onUsage = (model: ResolvedModel, usage: TokenUsage) =>
        calls.push({ provider: model.provider, model: model.modelId, ...usage });
      let result: Awaited<ReturnType<typeof runToolLoop>>;
      try {
        const context = await fitContext({
          compactor: o.compactor,
          sessionKey: input.sessionKey,
          history: input.history,
          candidates,
          fixedTokens:
            estimateTokens(system) +
            estimateTokens(input.text) +
            tools.reduce((n, t) => n + t.schemaTokens, 0),
          signal: input.signal,
          log: o.log,
          onCompacted: (throughSeq) => emit('lifecycle', { phase: 'compaction', throughSeq }),
          onUsage,
        });
        result = await runToolLoop({
          candidates: candidates.filter((c) => c !== ECHO_MODEL_REF),
          resolve,
          system: [system, context.summary && `Summary of the earlier conversation:\n${context.summary}`]
            .filter(Boolean)
            .join('\n\n'),
          messages: [
            ...modelMessagesOf(context.history),
            { role: 'user', content: await userContent(input, agent.openai.vision) },
            ...modelMessagesOf(resumed.done, shown),
          ],
          tools,
          maxSteps: agent.maxSteps,
          images: agent.openai.vision,
          temperature: agent.openai.temperature,
          // The run's own level (a turn's, a cron job's), else the session's, else the agent's.
          thinking: turnThinkingLevel(
            input.turn?.thinking,
            reads.sessionThinking,
            reads.agent.thinkingDefault ?? agent.thinkingDefault,
          ),
          signal: input.signal,
          scopes,
          context: (toolCallId) => ({
            runId: input.runId,
            sessionKey: input.sessionKey,
            agentId: reads.agent.id,
            toolCallId,
            scopes,
            unattended,
            deliverTo: input.deliverTo,
            idempotencyKey: `agent:${input.runId}:${toolCallId}`,
            signal: input.signal,
            attach: (media) => {
              attachments.push(media);
              attachedBy.set(toolCallId, [...(attachedBy.get(toolCallId) ?? []), media]);
            },
          }),
          onDelta,
          onReasoning: (delta, text) => emit('thinking', { text, delta }),
          onUsage,
          onFailover: (from, to, error) => {
            o.log.warn({ runId: input.runId, from, to, err: error.message }, 'model failed; trying the next');
            emit('lifecycle', { phase: 'fallback', from, to, error: error.message });
          },
          onToolStart: (call) =>
            emit('tool', { phase: 'start', name: call.name, toolCallId: call.id, args: call.args }),
          onToolUpdate: (call, partialResult) =>
            emit('tool', { phase: 'update', name: call.name, toolCallId: call.id, partialResult }),
          onToolResult: (call, result, isError) =>
            emit('tool', { phase: 'result', name: call.name, toolCallId: call.id, isError, result }),
          onStepStart: async ({ text, calls, reasoning }) => {
            await input.record?.({
              role: 'assistant',
              text,
              toolCalls: calls,
              ...(reasoning ? { reasoning } : {}),
            });
          },
          onToolDone: async (r) => {
            await input.record?.({
              role: 'toolResult',
              text: resultText(r.result),
              toolCallId: r.call.id,
              toolName: r.call.name,
              isError: r.isError,
              ...picturesOf(r.images),
              ...(attachedBy.has(r.call.id) ? { attachments: attachedBy.get(r.call.id) } : {}),
            });
          },
          resume: resumed.pending,
        });
      } finally {
        if (calls.length && o.usage)
          await o.usage
            .record({ runId: input.runId, sessionKey: input.sessionKey, agentId: reads.agent.id, calls })
            .catch((error: unknown) =>
              o.log.error({ runId: input.runId, err: error }, 'could not record what the model calls used'),
            );
      }
      if (!attachments.length && !result.reasoning) return result.text;
      return {
        text: result.text,
        ...(attachments.length ? { media: attachments } : {}),
        ...(result.reasoning ? { reasoning: result.reasoning } : {}),
      };
    },
  };
}

/** Where the pictures a call showed the model are kept (stored with its result, for a resumed turn). */
function picturesOf(images: readonly ToolImage[] | undefined): { images?: StoredMedia[] } {
  const stored = (images ?? []).flatMap((i) => (i.media ? [i.media] : []));
  return stored.length ? { images: stored } : {};
}

/** A stored tool result as the loop knows it (JSON back to a value, an error as its text). */
function outcomeOf(call: StoredToolCall, turn: HistoryTurn, images: ToolImage[] | undefined): ToolOutcome {
  if (turn.isError) return { call, result: turn.text, isError: true };
  const outcome: ToolOutcome = { call, result: storedValue(turn.text), isError: false };
  if (images?.length) outcome.images = images;
  return outcome;
}

/**
 * A resumed turn's stored steps: the complete ones (sent to the model as they are) and the last
 * one when some of its calls have no result yet (those, and only those, run again). `images`: the
 * pictures completed calls had shown the model, by call id.
 */
export function splitSteps(
  steps: readonly HistoryTurn[],
  images?: ReadonlyMap<string, ToolImage[]>,
): {
  done: HistoryTurn[];
  pending: { text: string; calls: StoredToolCall[]; results: ToolOutcome[] } | undefined;
} {
  const last = steps.findLastIndex((s) => s.role === 'assistant' && (s.toolCalls?.length ?? 0) > 0);
  if (last < 0) return { done: [...steps], pending: undefined };
  const step = steps[last]!;
  const calls = step.toolCalls ?? [];
  const after = steps.slice(last + 1).filter((s) => s.role === 'toolResult');
  const results = calls.flatMap((c) => {
    const r = after.find((a) => a.toolCallId === c.id);
    return r ? [outcomeOf(c, r, images?.get(c.id))] : [];
  });
  if (results.length === calls.length) return { done: [...steps], pending: undefined };
  return { done: steps.slice(0, last), pending: { text: step.text, calls, results } };
}

/**
 * The history that goes into the prompt: what the session's summary does not cover, within three
 * quarters of the model's context window. What does not fit is compacted into the summary (a
 * model call); if that fails, the older turns are left out and the turn goes on.
 */
async function fitContext(c: {
  compactor: SessionCompactor;
  sessionKey: string;
  history: HistoryTurn[];
  candidates: string[];
  fixedTokens: number;
  signal: AbortSignal;
  log: Logger;
  onCompacted(throughSeq: number): void;
  onUsage(model: ResolvedModel, usage: TokenUsage): void;
}): Promise<{ history: HistoryTurn[]; summary: string | undefined }> {
  let summary = await c.compactor.summary(c.sessionKey);
  const uncovered = summary
    ? c.history.filter((h) => h.seq === undefined || h.seq > summary!.throughSeq)
    : c.history;
  const window = c.compactor.contextTokens(c.candidates[0]!);
  const budget = Math.floor(window * 0.75) - c.fixedTokens - estimateTokens(summary?.text ?? '');
  const { keep, older } = fitHistory(uncovered, budget);
  const through = older.findLast((h) => h.seq !== undefined)?.seq;
  if (older.length === 0 || through === undefined) return { history: keep, summary: summary?.text };
  try {
    summary = await c.compactor.compact(c.sessionKey, older, through, c.candidates, c.signal, c.onUsage);
    c.onCompacted(summary.throughSeq);
  } catch (error) {
    if (c.signal.aborted) throw error;
    c.log.warn(
      { sessionKey: c.sessionKey, err: (error as Error).message },
      'compaction failed; older turns left out',
    );
  }
  return { history: keep, summary: summary?.text };
}

/** The agent's own system prompt, a file operators edit in the state dir (an edit applies within a second). */
async function systemPromptFile(
  files: RecentFiles,
  stateDir: string | undefined,
  agentId: string,
): Promise<string | undefined> {
  if (!stateDir) return undefined;
  const text = await files.read(join(stateDir, 'agents', agentId, 'SYSTEM.md'));
  return text?.trim() || undefined;
}

/**
 * The new message as the model gets it: its text (which describes every attachment), and for a
 * vision model the message's photos as image parts.
 */
async function userContent(input: ResponderInput, vision: boolean): Promise<UserContent> {
  const images =
    vision && input.readMedia ? (input.media ?? []).filter((m) => m.kind === 'image' && m.ref) : [];
  if (images.length === 0) return input.text;
  const parts: Exclude<UserContent, string> = [{ type: 'text', text: input.text }];
  for (const m of images)
    parts.push({
      type: 'image',
      image: await input.readMedia!(m.ref!),
      mediaType: m.mimeType ?? 'image/jpeg',
    });
  return parts;
}
