import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import type { EventName } from './events.ts';
import { getEvent } from './events.ts';
import { dropUnknownProperties } from './forward-compat.ts';
import type { MethodName } from './methods/index.ts';
import { getMethod } from './methods/index.ts';
import { ConnectParams } from './schema/connect.ts';
import { EventFrame, GatewayFrame, RequestFrame, ResponseFrame } from './schema/frames.ts';

/** One reason a value failed validation. `path` is a JSON pointer into the value. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** A compiled check for one schema. Compiled on first use, then reused for every value. */
export interface Validator<T> {
  /** Fast boolean check; narrows the type. */
  check(value: unknown): value is T;
  /** Why a value fails (at most `max` issues, default 5). Only call on failure: it is the slow path. */
  issues(value: unknown, max?: number): ValidationIssue[];
  /**
   * Forward compatibility: a copy of `value` without the properties the schema does not declare
   * (at every depth where the schema is a closed object), and their JSON pointers. `check` then
   * says whether what is left is valid. Only call after `check` failed: it is the slow path.
   */
  dropUnknown(value: unknown): { value: unknown; dropped: string[] };
}

const cache = new WeakMap<TSchema, Validator<unknown>>();

/** The validator for a schema; compiled once per schema object. */
export function validatorFor<S extends TSchema>(schema: S): Validator<Static<S>> {
  let v = cache.get(schema);
  if (!v) {
    let compiled: TypeCheck<S> | undefined;
    const get = () => {
      compiled ??= TypeCompiler.Compile(schema);
      return compiled;
    };
    v = {
      check: (value: unknown): value is Static<S> => get().Check(value),
      issues: (value: unknown, max = 5) => {
        const out: ValidationIssue[] = [];
        for (const e of get().Errors(value)) {
          out.push({ path: e.path || '/', message: e.message });
          if (out.length >= max) break;
        }
        return out;
      },
      dropUnknown: (value: unknown) => {
        const dropped: string[] = [];
        return { value: dropUnknownProperties(schema, value, '', dropped), dropped };
      },
    };
    cache.set(schema, v);
  }
  return v as Validator<Static<S>>;
}

export const requestFrameValidator: Validator<RequestFrame> = validatorFor(RequestFrame);
export const responseFrameValidator: Validator<ResponseFrame> = validatorFor(ResponseFrame);
export const eventFrameValidator: Validator<EventFrame> = validatorFor(EventFrame);
export const gatewayFrameValidator: Validator<GatewayFrame> = validatorFor(GatewayFrame);
export const connectParamsValidator: Validator<ConnectParams> = validatorFor(ConnectParams);

/** Params validator of a method; undefined for unknown names. */
export function paramsValidator(method: MethodName | string): Validator<unknown> | undefined {
  const def = getMethod(method);
  return def ? validatorFor(def.params) : undefined;
}

/** Result validator of a method; undefined for unknown names. */
export function resultValidator(method: MethodName | string): Validator<unknown> | undefined {
  const def = getMethod(method);
  return def ? validatorFor(def.result) : undefined;
}

/** Payload validator of an event; undefined for unknown names. */
export function payloadValidator(event: EventName | string): Validator<unknown> | undefined {
  const def = getEvent(event);
  return def ? validatorFor(def.payload) : undefined;
}
