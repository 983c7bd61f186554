import { type Static, Type } from '@sinclair/typebox';
import { NonEmptyString } from './primitives.ts';

export const ErrorShape = Type.Object(
  {
    code: NonEmptyString('Stable top-level code; branch on this and on details.code.'),
    message: NonEmptyString('Human-readable message; may change between versions.'),
    details: Type.Optional(
      Type.Unknown({ description: 'Structured details; `details.code` is the precise reason.' }),
    ),
    retryable: Type.Optional(Type.Boolean({ description: 'True when the same request may succeed later.' })),
    retryAfterMs: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Wait at least this long before retrying.' }),
    ),
  },
  { $id: 'ErrorShape', additionalProperties: false, description: 'The error carried by a failed response.' },
);
export type ErrorShape = Static<typeof ErrorShape>;

export const RequestFrame = Type.Object(
  {
    type: Type.Literal('req', { description: 'Frame discriminator.' }),
    id: NonEmptyString('Caller-chosen id, echoed in the response.', { maxLength: 128 }),
    method: NonEmptyString('Method name.', { maxLength: 128 }),
    params: Type.Optional(
      Type.Unknown({ description: 'Method params; validated against the method schema.' }),
    ),
    traceparent: Type.Optional(
      Type.String({ maxLength: 128, description: 'W3C trace context for this request.' }),
    ),
  },
  { $id: 'RequestFrame', additionalProperties: false, description: 'A client request.' },
);
export type RequestFrame = Static<typeof RequestFrame>;

export const ResponseFrame = Type.Object(
  {
    type: Type.Literal('res', { description: 'Frame discriminator.' }),
    id: NonEmptyString('The id of the request this answers.'),
    ok: Type.Boolean({ description: 'True with `payload`, false with `error`.' }),
    payload: Type.Optional(Type.Unknown({ description: 'The method result when ok.' })),
    error: Type.Optional(ErrorShape),
  },
  { $id: 'ResponseFrame', additionalProperties: false, description: 'The answer to one request.' },
);
export type ResponseFrame = Static<typeof ResponseFrame>;

export const StateVersion = Type.Object(
  {
    presence: Type.Integer({ minimum: 0, description: 'Bumped on every presence change.' }),
    health: Type.Integer({ minimum: 0, description: 'Bumped on every health change.' }),
  },
  {
    $id: 'StateVersion',
    additionalProperties: false,
    description: 'Versions of the shared state snapshots.',
  },
);
export type StateVersion = Static<typeof StateVersion>;

export const EventFrame = Type.Object(
  {
    type: Type.Literal('event', { description: 'Frame discriminator.' }),
    event: NonEmptyString('Event name.'),
    payload: Type.Optional(
      Type.Unknown({ description: 'Event payload; its schema is given by the event name.' }),
    ),
    seq: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Per-connection sequence; a gap means events were missed.' }),
    ),
    stateVersion: Type.Optional(StateVersion),
  },
  { $id: 'EventFrame', additionalProperties: false, description: 'A server-pushed event.' },
);
export type EventFrame = Static<typeof EventFrame>;

export const GatewayFrame = Type.Union([RequestFrame, ResponseFrame, EventFrame], {
  $id: 'GatewayFrame',
  description: 'Any frame on the wire, discriminated by `type`.',
});
export type GatewayFrame = Static<typeof GatewayFrame>;
