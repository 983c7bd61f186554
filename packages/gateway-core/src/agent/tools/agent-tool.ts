import type { MethodName } from '@openclaw/protocol';
import type { Static, TSchema } from '@sinclair/typebox';
import type { RunDelivery, StoredMedia } from '../../store/types.ts';

/** What a tool call knows about the turn it runs in. */
export interface ToolCallContext {
  runId: string;
  sessionKey: string;
  /** The agent the turn runs as (its session's agent). */
  agentId: string;
  toolCallId: string;
  /** The scopes of whoever started the run; a tool action needs its method's scope. */
  scopes: readonly string[];
  /** The chat the run answers, when it came from a channel. */
  deliverTo?: RunDelivery | undefined;
  /**
   * No operator started the run (a channel message, a cron job): it may read only its own session
   * and message only its own chat, whatever its scopes.
   */
  unattended: boolean;
  /** `agent:<runId>:<toolCallId>`: side effects carry it so a retried call never acts twice. */
  idempotencyKey: string;
  signal: AbortSignal;
  /**
   * A `tool` update event (progress of a long call), in the reference's shape: `{content: [{type:
   * 'text', text}], details}` (see toolProgress).
   */
  update(partial: unknown): void;
  /** Show the model a picture beside this call's result (kept out of the stored history). */
  image(image: ToolImage): void;
  /** Attach stored media to the turn's reply (a canvas snapshot goes out with the answer). */
  attach(media: StoredMedia): void;
}

/** A picture a tool call produced, for the model to see with the call's result. */
export interface ToolImage {
  mediaType: string;
  data: Uint8Array;
  /** Its copy in the media store, kept with the result so a resumed turn can show it again. */
  media?: StoredMedia | undefined;
}

/** A tool update's `partialResult` in the reference's shape: a line for people, and the facts. */
export function toolProgress(text: string, details: Record<string, unknown>): unknown {
  return { content: [{ type: 'text', text }], details };
}

/**
 * One tool the model may call: a name, a description the model reads, a TypeBox schema for its
 * input (compiled once, checked before it runs), the gateway method whose scope each call needs,
 * and the code that runs it.
 */
export interface AgentTool<S extends TSchema = TSchema> {
  readonly name: string;
  readonly description: string;
  readonly schema: S;
  /** The method an input acts as (its scope is checked against the run's scopes). */
  methodFor(input: Static<S>): MethodName;
  run(input: Static<S>, ctx: ToolCallContext): Promise<unknown>;
}

/** Identity with the schema's type carried into `run` (a typed `defineTool` for a heterogeneous list). */
export function defineTool<S extends TSchema>(tool: AgentTool<S>): AgentTool {
  return tool as unknown as AgentTool;
}
