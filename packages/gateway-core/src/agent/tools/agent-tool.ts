import type { MethodName } from '@openclaw/protocol';
import type { Static, TSchema } from '@sinclair/typebox';
import type { RunDelivery, StoredMedia } from '../../store/types.ts';

/** What a tool call knows about the turn it runs in. */
export interface ToolCallContext {
  runId: string;
  sessionKey: string;
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
  /** A `tool` update event (progress of a long call). */
  update(partial: unknown): void;
  /** Attach stored media to the turn's reply (a canvas snapshot goes out with the answer). */
  attach(media: StoredMedia): void;
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
