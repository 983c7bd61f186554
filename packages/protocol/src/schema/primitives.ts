import { type TSchema, Type } from '@sinclair/typebox';

/** A string with at least one character. */
export const NonEmptyString = (description: string, extra: { maxLength?: number } = {}) =>
  Type.String({ minLength: 1, description, ...extra });

/** A non-negative integer. */
export const Count = (description: string) => Type.Integer({ minimum: 0, description });

/** Milliseconds since the Unix epoch. */
export const TimestampMs = (description: string) => Type.Integer({ minimum: 0, description });

/** A caller-chosen key that makes a side-effecting request safe to retry. */
export const IdempotencyKey = Type.String({
  minLength: 1,
  maxLength: 256,
  description:
    'Caller-chosen key; a retry with the same key returns the first outcome and has no second effect.',
});

/** A JSON value of any shape. */
export const AnyJson = (description: string) => Type.Unknown({ description });

/** An object schema that rejects unknown keys (every params and result object uses this). */
export const Strict = <P extends Record<string, TSchema>>(
  properties: P,
  options: { $id?: string; description: string },
) => Type.Object(properties, { additionalProperties: false, ...options });

/** The empty params object. */
export const NoParams = (id: string) =>
  Type.Object({}, { $id: id, additionalProperties: false, description: 'This method takes no params.' });

/** The `{ ok: true }` result of methods that only acknowledge. */
export const OkResult = Type.Object(
  { ok: Type.Literal(true, { description: 'Always true; failures come back as errors.' }) },
  { $id: 'OkResult', additionalProperties: false, description: 'Acknowledgement.' },
);
