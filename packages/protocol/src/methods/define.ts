import type { TSchema } from '@sinclair/typebox';
import type { MethodScope, OperatorScope } from '../scopes.ts';

/** One method of the protocol: the single source for dispatch, validation, docs and SDK types. */
export interface MethodDefinition<
  Name extends string = string,
  Params extends TSchema = TSchema,
  Result extends TSchema = TSchema,
  SideEffect extends boolean = boolean,
> {
  readonly name: Name;
  readonly description: string;
  readonly params: Params;
  readonly result: Result;
  /** The scope (or node role) a caller needs. `operator.admin` satisfies every operator scope. */
  readonly scope: MethodScope;
  /** Side-effecting methods carry an `idempotencyKey` in their params. */
  readonly sideEffect: SideEffect;
}

export function defineMethod<
  const Name extends string,
  Params extends TSchema,
  Result extends TSchema,
  const SideEffect extends boolean,
>(
  def: MethodDefinition<Name, Params, Result, SideEffect>,
): MethodDefinition<Name, Params, Result, SideEffect> {
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
