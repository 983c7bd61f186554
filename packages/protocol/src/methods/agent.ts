import { type Static, Type } from '@sinclair/typebox';
import { Count, IdempotencyKey, NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

export const AgentRunStatus = Type.Union(
  [
    Type.Literal('accepted'),
    Type.Literal('running'),
    Type.Literal('ok'),
    Type.Literal('error'),
    Type.Literal('aborted'),
    Type.Literal('timeout'),
    Type.Literal('interrupted'),
  ],
  { description: 'Run state; interrupted means the gateway restarted during the run.' },
);

export const AgentParams = Strict(
  {
    message: NonEmptyString('Prompt.', { maxLength: 100_000 }),
    sessionKey: Type.Optional(Type.String({ description: 'Session (a fresh one when absent).' })),
    channel: Type.Optional(Type.String({ description: 'Deliver the reply on this channel.' })),
    to: Type.Optional(Type.String({ description: 'Deliver the reply to this target.' })),
    accountId: Type.Optional(Type.String({ description: 'Account for delivery.' })),
    deliver: Type.Optional(Type.Boolean({ description: 'Deliver the reply through the outbox.' })),
    timeout: Type.Optional(Count('Run timeout in seconds.')),
    idempotencyKey: IdempotencyKey,
  },
  { $id: 'AgentParams', description: 'Start an agent run.' },
);

export const agent = defineMethod({
  name: 'agent',
  description: 'Start an agent run; returns at once, output streams as agent events.',
  params: AgentParams,
  result: Strict(
    {
      runId: NonEmptyString('Run.'),
      status: Type.Literal('accepted', { description: 'Accepted.' }),
      sessionKey: NonEmptyString('Session.'),
    },
    { $id: 'AgentResult', description: 'Accepted run.' },
  ),
  scope: 'operator.write',
  sideEffect: true,
});

export const AgentWaitResult = Strict(
  {
    runId: NonEmptyString('Run.'),
    status: AgentRunStatus,
    output: Type.Optional(Type.String({ description: 'Full output text.' })),
    error: Type.Optional(Type.String({ description: 'Error message.' })),
    startedAtMs: Type.Optional(TimestampMs('Started.')),
    endedAtMs: Type.Optional(TimestampMs('Ended.')),
  },
  { $id: 'AgentWaitResult', description: 'Where the run stands.' },
);

export const agentWait = defineMethod({
  name: 'agent.wait',
  description: 'Wait for a run to end (or the timeout), then report it.',
  params: Strict(
    { runId: NonEmptyString('Run.'), timeoutMs: Type.Optional(Count('How long to wait (default 30 s).')) },
    { $id: 'AgentWaitParams', description: 'Which run.' },
  ),
  result: AgentWaitResult,
  scope: 'operator.write',
  sideEffect: false,
});

export const AgentEvent = Strict(
  {
    runId: NonEmptyString('Run.'),
    seq: Count('Per-run sequence.'),
    stream: NonEmptyString('lifecycle or output.'),
    ts: TimestampMs('When.'),
    data: Type.Record(Type.String(), Type.Unknown(), {
      description: 'lifecycle: {phase: start|end|error|aborted, …}; output: {delta}.',
    }),
  },
  { $id: 'AgentEvent', description: 'A run lifecycle change or output delta.' },
);

export const agentMethods = [agent, agentWait] as const;

export type AgentRunStatus = Static<typeof AgentRunStatus>;
export type AgentParams = Static<typeof AgentParams>;
export type AgentWaitResult = Static<typeof AgentWaitResult>;
export type AgentEvent = Static<typeof AgentEvent>;
