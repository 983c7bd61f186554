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

const Ignored = (what: string) =>
  Type.Optional(Type.String({ description: `Accepted for compatibility and ignored: ${what}.` }));

export const AgentParams = Strict(
  {
    message: NonEmptyString('Prompt.', { maxLength: 100_000 }),
    agentId: Type.Optional(
      NonEmptyString('Agent to run (agents.list); this gateway has one, `main`.', { maxLength: 128 }),
    ),
    sessionKey: Type.Optional(
      Type.String({
        description: 'Session; absent: the agent main session with agentId, else a fresh one.',
      }),
    ),
    channel: Type.Optional(Type.String({ description: 'Deliver the reply on this channel.' })),
    to: Type.Optional(Type.String({ description: 'Deliver the reply to this target.' })),
    accountId: Type.Optional(Type.String({ description: 'Account for delivery.' })),
    replyChannel: Type.Optional(Type.String({ description: 'Delivery channel (overrides channel).' })),
    replyAccountId: Type.Optional(Type.String({ description: 'Delivery account (overrides accountId).' })),
    replyTo: Type.Optional(Type.String({ description: 'Deliver the reply as a reply to this message id.' })),
    threadId: Type.Optional(Type.String({ description: 'Deliver the reply in this thread.' })),
    deliver: Type.Optional(Type.Boolean({ description: 'Deliver the reply through the outbox.' })),
    bestEffortDeliver: Type.Optional(
      Type.Boolean({
        description: 'With deliver: run anyway when there is no route to deliver to (default: refuse).',
      }),
    ),
    timeout: Type.Optional(Count('Run timeout in seconds.')),
    sessionId: Ignored("the reference gateway's own transcript id (sessions are named by key here)"),
    thinking: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          "A thinking level for this run, over the session's and the agent's (off, minimal, low, medium, high, xhigh, adaptive, max, or a spelling the reference takes); the session's own level is left as it is.",
      }),
    ),
    model: Ignored('a per-run model override (the configured backend decides)'),
    lane: Ignored('a scheduling lane (runs queue per session)'),
    extraSystemPrompt: Ignored('an extra system prompt'),
    label: Ignored('a run label'),
    idempotencyKey: IdempotencyKey,
  },
  { $id: 'AgentParams', description: 'Start an agent run.' },
);

export const AgentFinalStatus = Type.Union(
  [
    Type.Literal('ok'),
    Type.Literal('error'),
    Type.Literal('aborted'),
    Type.Literal('timeout'),
    Type.Literal('interrupted'),
  ],
  { description: 'How the run ended.' },
);

export const AgentFinalResult = Strict(
  {
    runId: NonEmptyString('Run.'),
    sessionKey: NonEmptyString('Session.'),
    status: AgentFinalStatus,
    summary: Type.String({ description: 'completed, failed, aborted, timed out or interrupted.' }),
    result: Strict(
      {
        payloads: Type.Array(
          Strict({ text: Type.String({ description: 'Reply text.' }) }, { description: 'One reply.' }),
          {
            description: 'What the agent replied (empty when it said nothing).',
          },
        ),
        meta: Strict(
          {
            durationMs: Count('Run duration.'),
            toolSummary: Type.Optional(
              Strict(
                {
                  calls: Count('Tool calls the model made.'),
                  tools: Type.Array(Type.String(), {
                    description: 'The tools called, each named once, in order.',
                  }),
                  failures: Count('Calls that ended in an error.'),
                },
                {
                  description:
                    'The tool calls of the turn (present when it made any), as the reference reports them.',
                },
              ),
            ),
          },
          { description: 'About the run.' },
        ),
      },
      { description: 'The reply.' },
    ),
    error: Type.Optional(Type.String({ description: 'What went wrong (status other than ok).' })),
  },
  { $id: 'AgentFinalResult', description: 'The final response of an agent request, after its acceptance.' },
);

export const agent = defineMethod({
  name: 'agent',
  description:
    'Start an agent run: answers at once with the acceptance, output streams as agent events, and a final response with the reply follows on the same request id.',
  params: AgentParams,
  result: Strict(
    {
      runId: NonEmptyString('Run.'),
      status: Type.Literal('accepted', { description: 'Accepted.' }),
      sessionKey: NonEmptyString('Session.'),
      agentId: Type.Optional(NonEmptyString('Agent.')),
      acceptedAt: Type.Optional(TimestampMs('When it was accepted.')),
    },
    { $id: 'AgentResult', description: 'Accepted run.' },
  ),
  final: AgentFinalResult,
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
    stream: NonEmptyString('lifecycle, assistant, tool or thinking.'),
    ts: TimestampMs('When.'),
    data: Type.Record(Type.String(), Type.Unknown(), {
      description:
        "lifecycle: {phase: start|end|error|aborted, …}; assistant: {text, delta}; tool: {phase, name, toolCallId, …}; thinking: {text, delta}, the model's reasoning so far (shortened past 16,000 characters) and what was added.",
    }),
  },
  { $id: 'AgentEvent', description: 'A run lifecycle change or output delta.' },
);

export const agentMethods = [agent, agentWait] as const;

export type AgentRunStatus = Static<typeof AgentRunStatus>;
export type AgentParams = Static<typeof AgentParams>;
export type AgentFinalResult = Static<typeof AgentFinalResult>;
export type AgentWaitResult = Static<typeof AgentWaitResult>;
export type AgentEvent = Static<typeof AgentEvent>;
