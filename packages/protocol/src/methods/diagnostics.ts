import { type Static, Type } from '@sinclair/typebox';
import { Count, NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { ProcessMemory } from '../schema/status-reference.ts';
import { defineMethod } from './define.ts';

/** The record types this gateway records (the reference's names for the same happenings). */
export const DIAGNOSTIC_RECORD_TYPES = [
  'message.received',
  'message.dispatch.started',
  'message.dispatch.completed',
  'message.processed',
  'session.turn.created',
  'run.completed',
  'diagnostic.memory.sample',
  'diagnostic.liveness.warning',
] as const;

export const DiagnosticRecord = Strict(
  {
    seq: Count('Record number since the gateway started (1, 2, …).'),
    ts: TimestampMs('When it happened.'),
    type: Type.Union(
      DIAGNOSTIC_RECORD_TYPES.map((t) => Type.Literal(t)),
      { description: 'What happened.' },
    ),
    channel: Type.Optional(NonEmptyString('The channel (message.* records).')),
    source: Type.Optional(NonEmptyString('The agent (session.turn.created) or what is busy (liveness).')),
    durationMs: Type.Optional(
      Count('How long it took (completed and processed records; liveness: the window).'),
    ),
    outcome: Type.Optional(
      NonEmptyString(
        'message.dispatch.completed: completed or error. message.processed: completed, skipped (dropped, or its sender must pair first) or error. session.turn.created: the trigger (message). run.completed: ok, error, aborted, interrupted, timeout.',
      ),
    ),
    reason: Type.Optional(NonEmptyString('A short code: why skipped, or the first liveness reason.')),
    level: Type.Optional(Type.Union([Type.Literal('info'), Type.Literal('warning')])),
    count: Type.Optional(Count('Liveness: how many reasons.')),
    memory: Type.Optional(ProcessMemory),
    eventLoopDelayP99Ms: Type.Optional(Type.Number({ minimum: 0, description: 'Liveness: p99 delay.' })),
    eventLoopDelayMaxMs: Type.Optional(Type.Number({ minimum: 0, description: 'Liveness: worst delay.' })),
    eventLoopUtilization: Type.Optional(Type.Number({ minimum: 0, description: 'Liveness: 0..1.' })),
    cpuCoreRatio: Type.Optional(Type.Number({ minimum: 0, description: 'Liveness: CPU per wall time.' })),
  },
  {
    $id: 'DiagnosticRecord',
    description: 'One recorded happening: counts, durations, names and sizes; never message text or ids.',
  },
);

export const DiagnosticsStabilityParams = Strict(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'Most records returned, newest (default 50).' }),
    ),
    type: Type.Optional(
      NonEmptyString('Only records of this type (any string; an unknown type matches none).'),
    ),
    sinceSeq: Type.Optional(Count('Only records after this seq.')),
  },
  { $id: 'DiagnosticsStabilityParams', description: 'Which records.' },
);

export const DiagnosticsStabilityResult = Strict(
  {
    generatedAt: NonEmptyString('When this snapshot was taken (ISO 8601).'),
    capacity: Count('Records kept at most (older ones are dropped first).'),
    count: Count('Records matching the filter, before the limit.'),
    dropped: Count('Records dropped for capacity since start.'),
    firstSeq: Type.Optional(Count('Seq of the first matching record.')),
    lastSeq: Type.Optional(Count('Seq of the last matching record.')),
    events: Type.Array(DiagnosticRecord, {
      description: 'The newest `limit` matching records, oldest first.',
    }),
    summary: Strict(
      {
        byType: Type.Record(Type.String(), Count('Records.'), { description: 'Matching records per type.' }),
        memory: Type.Optional(
          Strict(
            {
              latest: ProcessMemory,
              maxRssBytes: Count('Largest RSS among the matching records.'),
              maxHeapUsedBytes: Count('Largest heap in use among them.'),
              pressureCount: Count('Memory pressure records: none are recorded here, so 0.'),
            },
            { description: 'From the memory samples among the matching records (absent with none).' },
          ),
        ),
      },
      { description: 'Totals over the matching records.' },
    ),
  },
  {
    $id: 'DiagnosticsStabilityResult',
    description: "The bounded diagnostic recorder of this process (the reference's stability snapshot).",
  },
);

export const diagnosticsStability = defineMethod({
  name: 'diagnostics.stability',
  description:
    'Recent diagnostic records of this gateway process: inbound messages and their dispatch, turns, memory samples (one per heartbeat) and event-loop liveness warnings.',
  params: DiagnosticsStabilityParams,
  result: DiagnosticsStabilityResult,
  scope: 'operator.read',
  sideEffect: false,
});

export type DiagnosticRecord = Static<typeof DiagnosticRecord>;
export type DiagnosticRecordType = (typeof DIAGNOSTIC_RECORD_TYPES)[number];
export type DiagnosticsStabilityParams = Static<typeof DiagnosticsStabilityParams>;
export type DiagnosticsStabilityResult = Static<typeof DiagnosticsStabilityResult>;
