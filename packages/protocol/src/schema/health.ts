import { type Static, Type } from '@sinclair/typebox';
import { Count, TimestampMs } from './primitives.ts';

export const EventLoopHealth = Type.Object(
  {
    degraded: Type.Boolean({ description: 'True while the event loop is slower than its budget.' }),
    degradedSinceMs: Type.Optional(
      Type.Union([TimestampMs('Since when.'), Type.Null()], { description: 'When degradation began.' }),
    ),
    reasons: Type.Array(
      Type.Union([
        Type.Literal('event_loop_delay'),
        Type.Literal('event_loop_utilization'),
        Type.Literal('cpu'),
      ]),
      { description: 'Why it is degraded.' },
    ),
    intervalMs: Type.Number({ minimum: 0, description: 'Sampling window.' }),
    delayP99Ms: Type.Number({ minimum: 0, description: 'p99 event-loop delay in the window.' }),
    delayMaxMs: Type.Number({ minimum: 0, description: 'Worst event-loop delay in the window.' }),
    utilization: Type.Number({ minimum: 0, description: 'Event-loop utilisation, 0..1.' }),
    cpuCoreRatio: Type.Number({ minimum: 0, description: 'Process CPU time per wall time per core.' }),
  },
  { $id: 'EventLoopHealth', additionalProperties: false, description: 'Event-loop liveness.' },
);

export const ChannelHealth = Type.Object(
  {
    state: Type.String({
      description:
        'The worst account state: running, starting, degraded, backoff, awaiting-login, needs-action, failed, stopped, …',
    }),
    accounts: Count('Accounts configured for this channel.'),
    connected: Count('Accounts currently connected.'),
    configured: Type.Optional(Type.Boolean({ description: 'Some account of this channel is configured.' })),
    healthState: Type.Optional(
      Type.String({
        description:
          "The reference clients' word for it: healthy when every account runs connected, disconnected when one runs unconnected, else `state`.",
      }),
    ),
    lastInboundAt: Type.Optional(Type.Union([TimestampMs('Last inbound message.'), Type.Null()])),
    lastError: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'Last error, if any.' }),
    ),
  },
  { $id: 'ChannelHealth', additionalProperties: false, description: 'Summary of one channel.' },
);

const memoryFields = {
  rssBytes: Count('Resident set size of the gateway process.'),
  heapUsedBytes: Count('V8 heap in use.'),
  heapTotalBytes: Count('V8 heap reserved.'),
};

export const MemoryHealth = Type.Object(memoryFields, {
  $id: 'MemoryHealth',
  additionalProperties: false,
  description: 'Memory of the gateway process when the summary was computed.',
});

export const HealthSummary = Type.Object(
  {
    ok: Type.Literal(true, { description: 'The gateway answered; details below say how well.' }),
    ts: TimestampMs('When this summary was computed.'),
    durationMs: Count('How long computing it took.'),
    eventLoop: EventLoopHealth,
    channels: Type.Record(Type.String(), ChannelHealth, { description: 'Per channel id.' }),
    channelOrder: Type.Array(Type.String(), { description: 'Channel ids in display order.' }),
    channelLabels: Type.Record(Type.String(), Type.String(), {
      description: 'Display label per channel id.',
    }),
    heartbeatSeconds: Count('Heartbeat interval in seconds (0 when disabled).'),
    // Built from the fields, not by spreading MemoryHealth: a spread schema's type carries
    // TypeBox's symbol keys, which the published declarations cannot name.
    memory: Type.Optional(
      Type.Object(memoryFields, {
        additionalProperties: false,
        description:
          'The process memory, only in a `health` answer asked with includeMemory (never in the hello snapshot or the health event, which keep the reference shape).',
      }),
    ),
  },
  {
    $id: 'HealthSummary',
    additionalProperties: false,
    description: 'The gateway health summary: `health` result, `health` event and hello-ok snapshot.',
  },
);
export type MemoryHealth = Static<typeof MemoryHealth>;
export type HealthSummary = Static<typeof HealthSummary>;
