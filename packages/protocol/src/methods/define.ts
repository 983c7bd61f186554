import type { TSchema } from '@sinclair/typebox';
import type { MethodScope, OperatorScope } from '../scopes.ts';

/** One method of the protocol: the single source for dispatch, validation, docs and SDK types. */
export interface MethodDefinition<
  Name extends string = string,
  Params extends TSchema = TSchema,
  Result extends TSchema = TSchema,
  SideEffect extends boolean = boolean,
  Final extends TSchema | undefined = TSchema | undefined,
> {
  readonly name: Name;
  readonly description: string;
  readonly params: Params;
  readonly result: Result;
  /** The scope (or node role) a caller needs. `operator.admin` satisfies every operator scope. */
  readonly scope: MethodScope;
  /** Side-effecting methods carry an `idempotencyKey` in their params. */
  readonly sideEffect: SideEffect;
  /**
   * Methods that answer twice: `result` is the acceptance, sent at once; a second response with
   * this shape follows on the same request id when the work ends (clients that wait for it send
   * the request with "expect final"; others stop at the first).
   */
  readonly final?: Final;
}

export function defineMethod<
  const Name extends string,
  Params extends TSchema,
  Result extends TSchema,
  const SideEffect extends boolean,
  Final extends TSchema | undefined = undefined,
>(
  def: MethodDefinition<Name, Params, Result, SideEffect, Final>,
): MethodDefinition<Name, Params, Result, SideEffect, Final> {
  return def;
}

/** Who may receive an event. */
export type EventAudience =
  /** Every authenticated connection (transport and status events). */
  | 'all'
  /** Operators holding this scope (or one that implies it). */
  | OperatorScope
  /** Sent to one connection only (challenge, node invoke requests). */
  | 'direct';

export interface EventDefinition<Name extends string = string, Payload extends TSchema = TSchema> {
  readonly name: Name;
  readonly description: string;
  readonly payload: Payload;
  readonly audience: EventAudience;
}

export function defineEvent<const Name extends string, Payload extends TSchema>(
  def: EventDefinition<Name, Payload>,
): EventDefinition<Name, Payload> {
  return def;
}
