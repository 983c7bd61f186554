import { type Static, Type } from '@sinclair/typebox';
import { AuthMode } from '../schema/connect.ts';
import { HealthSummary } from '../schema/health.ts';
import { PresenceList } from '../schema/presence.ts';
import { Count, NonEmptyString, NoParams, OkResult, Strict, TimestampMs } from '../schema/primitives.ts';
import { referenceStatusFields } from '../schema/status-reference.ts';
import { defineMethod } from './define.ts';
import { diagnosticsStability } from './diagnostics.ts';

export const HealthParams = Strict(
  {
    probe: Type.Optional(
      Type.Boolean({
        description:
          'Accepted for compatibility and ignored: health answers from what the gateway already knows. To check each channel account against its platform now, call channels.status with probe.',
      }),
    ),
    includeMemory: Type.Optional(
      Type.Boolean({
        description:
          "Add the gateway process's memory (`memory`). Not part of the reference's health summary, so only given when asked.",
      }),
    ),
  },
  { $id: 'HealthParams', description: 'Params of health.' },
);

export const health = defineMethod({
  name: 'health',
  description: 'Liveness and health summary: event loop, channels, heartbeat.',
  params: HealthParams,
  result: HealthSummary,
  scope: 'operator.read',
  sideEffect: false,
});

export const AuthLockout = Strict(
  {
    peer: NonEmptyString(
      'Who: the client address (an IPv6 client by its /64), or "loopback" for every client on this machine.',
    ),
    credential: Type.Union([Type.Literal('shared-secret'), Type.Literal('device-token')], {
      description: 'The credential kind it is limited for; other kinds from the same client are not.',
    }),
    mode: Type.Union([Type.Literal('lockout'), Type.Literal('throttle')], {
      description:
        'lockout: every attempt is refused until untilMs (remote clients). throttle: one check per auth.rateLimit.loopbackIntervalMs (loopback).',
    }),
    failures: Count('Failed attempts counted since it began.'),
    sinceMs: TimestampMs('When it began.'),
    untilMs: TimestampMs('When it ends (a throttle moves on with each further failure).'),
  },
  { $id: 'AuthLockout', description: 'A client limited after failed authentication.' },
);

export const StatusResult = Strict(
  {
    version: NonEmptyString('Gateway version.'),
    bootId: NonEmptyString('Changes on every start.'),
    startedAtMs: TimestampMs('When this process started.'),
    uptimeMs: Count('Uptime.'),
    ready: Type.Boolean({ description: 'Same truth as /readyz.' }),
    degraded: Type.Array(Type.String(), { description: 'What is degraded, if anything.' }),
    gateway: Strict(
      {
        bind: Type.String({ description: 'Bind mode: loopback, lan, tailnet, custom.' }),
        host: Type.String({ description: 'Address listened on.' }),
        port: Type.Integer({ minimum: 0, description: 'Port listened on.' }),
        authMode: AuthMode,
        tls: Type.Boolean({ description: 'True when serving wss://.' }),
      },
      { description: 'Where and how the gateway listens.' },
    ),
    connections: Strict(
      {
        total: Count('Open authenticated connections.'),
        operators: Count('Operator connections.'),
        nodes: Count('Node connections.'),
      },
      { description: 'Connection counts.' },
    ),
    channels: Type.Array(
      Strict(
        {
          channel: NonEmptyString('Channel id.'),
          accountId: NonEmptyString('Account id.'),
          state: Type.String({
            description:
              'Supervisor state: starting, running, degraded, backoff, awaiting-login, needs-action, failed, held-elsewhere, stopped, …',
          }),
          connected: Type.Boolean({ description: 'Connected now.' }),
          owner: Type.Optional(Type.String({ description: 'Gateway holding the account lease.' })),
          lastInboundAt: Type.Union([TimestampMs('Last inbound.'), Type.Null()]),
          lastError: Type.Union([Type.String(), Type.Null()], {
            description: 'The error that keeps the account from working; null while it works.',
          }),
          lastErrorAt: Type.Optional(Type.Union([TimestampMs('When lastError last happened.'), Type.Null()])),
          failingSince: Type.Optional(
            Type.Union([TimestampMs('Since when the account has not been working.'), Type.Null()]),
          ),
          action: Type.Optional(
            Type.String({ description: 'What the operator must do, when it needs someone.' }),
          ),
        },
        { description: 'One channel account.' },
      ),
      { description: 'Channel accounts and their inbound liveness.' },
    ),
    nodes: Strict(
      {
        connected: Count('Nodes connected.'),
        known: Count('Nodes known (approved or pending).'),
      },
      { description: 'Node counts.' },
    ),
    pending: Strict(
      {
        devices: Count('Pending device pairing requests.'),
        nodes: Count('Pending node approvals.'),
      },
      { description: 'What waits for an operator.' },
    ),
    authLockouts: Strict(
      {
        total: Count('Clients limited now.'),
        entries: Type.Array(AuthLockout, {
          maxItems: 20,
          description: 'The latest-ending ones, at most 20.',
        }),
      },
      { description: 'Clients locked out or throttled after failed authentication.' },
    ),
    ...referenceStatusFields,
  },
  {
    $id: 'StatusResult',
    description:
      "One-screen status of the gateway: this gateway's own fields, then the reference's (runtimeVersion onwards), filled from the same facts.",
  },
);

export const status = defineMethod({
  name: 'status',
  description: 'Gateway status: version, uptime, readiness, connections, channels, pending approvals.',
  params: Strict(
    {
      includeChannelSummary: Type.Optional(
        Type.Boolean({
          description:
            "false leaves channelSummary empty (the reference CLI asks so). `channels` (this gateway's own account list) is always included.",
        }),
      ),
      includeCliProjection: Type.Optional(
        Type.Boolean({
          description:
            "Accepted and ignored: the reference's CLI projection (agent ownership, memory plugin, update channel) has no counterpart here, so it is never given.",
        }),
      ),
    },
    { $id: 'StatusParams', description: 'Options.' },
  ),
  result: StatusResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const systemPresence = defineMethod({
  name: 'system-presence',
  description: 'Connected devices, one entry per device.',
  params: NoParams('SystemPresenceParams'),
  result: PresenceList,
  scope: 'operator.read',
  sideEffect: false,
});

export const SystemEventParams = Strict(
  {
    text: NonEmptyString('What happened, in one line.', { maxLength: 4096 }),
    kind: Type.Optional(NonEmptyString('A short category.', { maxLength: 64 })),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Structured details.' })),
  },
  { $id: 'SystemEventParams', description: 'An operator-supplied system event to broadcast and log.' },
);

export const systemEvent = defineMethod({
  name: 'system-event',
  description: 'Record a system event and broadcast it to operators.',
  params: SystemEventParams,
  result: OkResult,
  scope: 'operator.write',
  sideEffect: false,
});

export const HeartbeatPayload = Strict(
  {
    ts: TimestampMs('When the heartbeat fired.'),
    seq: Count('Heartbeat counter since start.'),
    reason: Type.String({ description: 'interval, wake or manual.' }),
    uptimeMs: Count('Gateway uptime.'),
    connections: Count('Open connections.'),
    channelsConnected: Count('Channel accounts connected.'),
    channelsTotal: Count('Channel accounts configured.'),
    text: Type.Optional(Type.String({ description: 'Wake text, when woken with one.' })),
  },
  { $id: 'HeartbeatPayload', description: 'The gateway liveness summary sent on each heartbeat.' },
);

const HeartbeatRunStatus = Type.Union(
  [
    Type.Literal('sent'),
    Type.Literal('ok-empty'),
    Type.Literal('ok-token'),
    Type.Literal('skipped'),
    Type.Literal('failed'),
  ],
  {
    description:
      'sent: the reply was handed to its chat; ok-empty: no reply; ok-token: NO_REPLY or HEARTBEAT_OK (not delivered); skipped: no turn or nothing delivered (see reason); failed: the turn failed.',
  },
);

/** One agent heartbeat turn's outcome, in the reference's heartbeat event layout. */
export const AgentHeartbeatRun = Strict(
  {
    agentId: NonEmptyString('The agent.'),
    ts: TimestampMs('When it ended.'),
    status: HeartbeatRunStatus,
    reason: Type.Optional(
      Type.String({
        description:
          'Why: interval, wake, manual; for skipped: disabled, quiet-hours, requests-in-flight, no-route, unknown-account, target-none, dm-blocked, alerts-disabled, duplicate.',
      }),
    ),
    durationMs: Type.Optional(Count('How long it took.')),
    channel: Type.Optional(Type.String({ description: 'The channel the reply went (or would go) to.' })),
    accountId: Type.Optional(Type.String({ description: 'The channel account.' })),
    to: Type.Optional(Type.String({ description: 'The chat.' })),
    preview: Type.Optional(Type.String({ description: 'The first 200 characters of the reply.' })),
    silent: Type.Optional(Type.Boolean({ description: 'Nothing was shown in a chat.' })),
    message: Type.Optional(Type.String({ description: 'What to do about a skip.' })),
    runId: Type.Optional(Type.String({ description: 'The turn (agent.wait, chat history).' })),
  },
  { $id: 'AgentHeartbeatRun', description: "An agent heartbeat turn's outcome." },
);

export const LastHeartbeatResult = Strict(
  {
    enabled: Type.Boolean({ description: 'Heartbeats on or off.' }),
    intervalMs: Count('Interval.'),
    last: Type.Union([HeartbeatPayload, Type.Null()], { description: 'The last heartbeat, if any.' }),
    ts: Type.Optional(TimestampMs('The newest agent heartbeat turn: when it ended (reference layout).')),
    status: Type.Optional(HeartbeatRunStatus),
    agentId: Type.Optional(NonEmptyString('Its agent.')),
    reason: Type.Optional(Type.String({ description: 'Its reason.' })),
    durationMs: Type.Optional(Count('Its duration.')),
    channel: Type.Optional(Type.String({ description: 'Its channel.' })),
    accountId: Type.Optional(Type.String({ description: 'Its channel account.' })),
    to: Type.Optional(Type.String({ description: 'Its chat.' })),
    preview: Type.Optional(Type.String({ description: 'Its reply, shortened.' })),
    silent: Type.Optional(Type.Boolean({ description: 'Nothing was shown in a chat.' })),
    message: Type.Optional(Type.String({ description: 'What to do about its skip.' })),
    runId: Type.Optional(Type.String({ description: 'Its turn.' })),
    agents: Type.Optional(
      Type.Array(AgentHeartbeatRun, { description: 'The last heartbeat turn of each agent that had one.' }),
    ),
  },
  {
    $id: 'LastHeartbeatResult',
    description:
      "The gateway's liveness heartbeat (enabled, intervalMs, last) and, at the top level in the reference's layout, the newest agent heartbeat turn.",
  },
);

export const lastHeartbeat = defineMethod({
  name: 'last-heartbeat',
  description: 'The liveness heartbeat with its settings, and the newest agent heartbeat turn.',
  params: NoParams('LastHeartbeatParams'),
  result: LastHeartbeatResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const SetHeartbeatsParams = Strict(
  {
    enabled: Type.Boolean({ description: 'Turn heartbeats on or off.' }),
    intervalMs: Type.Optional(Type.Integer({ minimum: 1000, description: 'New interval (≥ 1 s).' })),
  },
  { $id: 'SetHeartbeatsParams', description: 'Heartbeat settings.' },
);

export const setHeartbeats = defineMethod({
  name: 'set-heartbeats',
  description: 'Turn heartbeats on or off and set their interval.',
  params: SetHeartbeatsParams,
  result: LastHeartbeatResult,
  scope: 'operator.write',
  sideEffect: false,
});

export const WakeParams = Strict(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal('now'), Type.Literal('next-heartbeat')], {
        description: 'When (default now).',
      }),
    ),
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Text to carry.' })),
    sessionKey: Type.Optional(NonEmptyString('Session to wake.')),
  },
  {
    $id: 'WakeParams',
    description:
      "Beat now (or with the next beat); a text is also stored as a system event in the session (default: the main agent's main session), and with now that agent takes a heartbeat turn at once.",
  },
);

export const wake = defineMethod({
  name: 'wake',
  description:
    'Beat now (or with the next beat); a text waits in the session, and now runs a heartbeat turn.',
  params: WakeParams,
  result: OkResult,
  scope: 'operator.write',
  sideEffect: false,
});

export const LogsTailParams = Strict(
  {
    cursor: Type.Optional(Count('Return lines after this cursor (0 or absent: the newest `limit`).')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, description: 'Most lines to return.' })),
    maxBytes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Most bytes to return.' }),
    ),
  },
  { $id: 'LogsTailParams', description: 'Cursor-based read of the gateway log ring.' },
);

export const LogsTailResult = Strict(
  {
    file: NonEmptyString('Where the lines come from.'),
    cursor: Count('Pass this back to continue after the last line returned.'),
    size: Count('Lines held in the ring.'),
    lines: Type.Array(Type.String(), { description: 'JSON log lines, secrets redacted.' }),
    truncated: Type.Optional(Type.Boolean({ description: 'More lines were available than returned.' })),
    reset: Type.Optional(
      Type.Boolean({ description: 'The cursor was older than the ring; lines were skipped.' }),
    ),
  },
  { $id: 'LogsTailResult', description: 'Log lines after a cursor.' },
);

export const logsTail = defineMethod({
  name: 'logs.tail',
  description: 'Read gateway log lines after a cursor (secrets redacted).',
  params: LogsTailParams,
  result: LogsTailResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const AuditEntry = Strict(
  {
    id: Count('Monotonic entry id.'),
    ts: TimestampMs('When.'),
    action: NonEmptyString('What happened, e.g. auth.failed, device.pair.approved, config.changed.'),
    actor: Type.Optional(Type.String({ description: 'Who did it (device id, connection, system).' })),
    target: Type.Optional(Type.String({ description: 'What it was done to.' })),
    remoteIp: Type.Optional(Type.String({ description: 'From where.' })),
    details: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Secret-free details.' }),
    ),
  },
  { $id: 'AuditEntry', description: 'One append-only audit record.' },
);

export const AuditListParams = Strict(
  {
    afterId: Type.Optional(Count('Only entries with a larger id.')),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'Most entries (default 100).' }),
    ),
    action: Type.Optional(NonEmptyString('Only this action (prefix match with a trailing *).')),
    newest: Type.Optional(
      Type.Boolean({
        description:
          'Of the matching entries after afterId, the newest `limit` instead of the oldest (still listed oldest first): what happened lately.',
      }),
    ),
  },
  { $id: 'AuditListParams', description: 'Filter for the audit log.' },
);

export const AuditListResult = Strict(
  {
    entries: Type.Array(AuditEntry, { description: 'Oldest first.' }),
    nextAfterId: Count('Pass as afterId to continue.'),
  },
  { $id: 'AuditListResult', description: 'Audit entries.' },
);

export const auditList = defineMethod({
  name: 'security.audit.list',
  description:
    'Read the security audit log: auth failures, pairing decisions, token changes, config changes.',
  params: AuditListParams,
  result: AuditListResult,
  scope: 'operator.admin',
  sideEffect: false,
});

export const systemMethods = [
  health,
  status,
  systemPresence,
  systemEvent,
  lastHeartbeat,
  setHeartbeats,
  wake,
  logsTail,
  auditList,
  diagnosticsStability,
] as const;

export type HealthParams = Static<typeof HealthParams>;
export type AuthLockout = Static<typeof AuthLockout>;
export type StatusResult = Static<typeof StatusResult>;
export type SystemEventParams = Static<typeof SystemEventParams>;
export type HeartbeatPayload = Static<typeof HeartbeatPayload>;
export type AgentHeartbeatRun = Static<typeof AgentHeartbeatRun>;
export type LastHeartbeatResult = Static<typeof LastHeartbeatResult>;
export type SetHeartbeatsParams = Static<typeof SetHeartbeatsParams>;
export type WakeParams = Static<typeof WakeParams>;
export type LogsTailParams = Static<typeof LogsTailParams>;
export type LogsTailResult = Static<typeof LogsTailResult>;
export type AuditEntry = Static<typeof AuditEntry>;
export type AuditListParams = Static<typeof AuditListParams>;
export type AuditListResult = Static<typeof AuditListResult>;
