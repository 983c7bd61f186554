import { type Static, Type } from '@sinclair/typebox';
import type { ConfigIssue } from './config-issues.ts';

/** `30m`, `1h30m`, `45s`, `0m` (off): whole numbers with ms, s, m, h or d, largest first. */
const DURATION_PATTERN = '^(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?$';
const DURATION_PART = /(\d+)(ms|d|h|m|s)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A time of day, `HH:MM` (24-hour); `24:00` ends a window at midnight. */
const TIME_PATTERN = '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$';

/** Milliseconds of a heartbeat duration (`30m` → 1 800 000); undefined when it is not one. */
export function parseHeartbeatEvery(every: string): number | undefined {
  if (!every || !new RegExp(DURATION_PATTERN).test(every)) return undefined;
  let ms = 0;
  for (const m of every.matchAll(DURATION_PART)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
  return ms;
}

export const HeartbeatActiveHours = Type.Object(
  {
    start: Type.String({ pattern: TIME_PATTERN, description: 'Window start, `HH:MM` (inclusive).' }),
    end: Type.String({
      pattern: TIME_PATTERN,
      description: 'Window end, `HH:MM` (exclusive; `24:00`: midnight). Equal to start: never.',
    }),
    timezone: Type.Optional(
      Type.String({ minLength: 1, description: 'IANA time zone of the window. Absent: the host time zone.' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Heartbeat turns run only inside this daily window; ticks outside it are skipped.',
  },
);

/** The reference's `heartbeatVisibility` (channel defaults, a channel, an account; each key falls back). */
export const HeartbeatVisibility = Type.Object(
  {
    showOk: Type.Optional(
      Type.Boolean({
        description: 'Send `HEARTBEAT_OK` to the chat when a turn only acknowledges (default false).',
      }),
    ),
    showAlerts: Type.Optional(
      Type.Boolean({ description: 'Send heartbeat alerts to the chat (default true).' }),
    ),
    useIndicator: Type.Optional(
      Type.Boolean({
        description:
          'Status indicator events (default true). None are sent here; with all three false a heartbeat turn is skipped without a model call.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'What of heartbeat turns reaches a chat. Per account over per channel over `channels.defaults.heartbeatVisibility`.',
  },
);
export type HeartbeatVisibility = Static<typeof HeartbeatVisibility>;

export const ChannelDefaults = Type.Object(
  { heartbeatVisibility: Type.Optional(HeartbeatVisibility) },
  { additionalProperties: false, description: 'Settings every channel falls back to.' },
);

export const AgentHeartbeatConfig = Type.Object(
  {
    every: Type.Optional(
      Type.String({
        pattern: DURATION_PATTERN,
        minLength: 2,
        description:
          'How often a heartbeat turn runs in the agent main session (`30m`, `1h`, `0m`: never). Absent: `0m` — heartbeat turns call the model, so they are opt-in.',
      }),
    ),
    prompt: Type.Optional(
      Type.String({ minLength: 1, description: 'The message of each heartbeat turn (sent as it is).' }),
    ),
    target: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "Where a reply worth telling goes: `owner` (default: a direct message to the first owner of `commands.ownerAllowFrom`, else of a channel account's `allowFrom`), `last` (the agent's most recent chat, not a reply thread in it; a Telegram group's topic is kept), `none` (kept in the session only), or a channel id with `to`. When `owner` or `last` finds no chat, a periodic turn with no system event waiting is not run (`no-route`); a wake, or a turn with an event waiting, runs and its alert stays in the session (`no-route`).",
      }),
    ),
    directPolicy: Type.Optional(
      Type.Union([Type.Literal('allow'), Type.Literal('block')], {
        description:
          'Delivery to a direct-message target: `allow` (default) or `block` (the turn still runs; its alert is recorded `dm-blocked`).',
      }),
    ),
    to: Type.Optional(Type.String({ minLength: 1, description: 'The chat on the `target` channel.' })),
    accountId: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The account of the `target` channel (absent: its default).',
      }),
    ),
    model: Type.Optional(
      Type.String({
        pattern: '^[^/\\s]+/\\S+$',
        description: 'The model of heartbeat turns (`provider/model`). Absent: the agent model.',
      }),
    ),
    lightContext: Type.Optional(
      Type.Boolean({ description: 'Leave the agent prompt file out of heartbeat turns.' }),
    ),
    timeoutSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2_147_483,
        description: 'Ceiling of one heartbeat turn. Absent: the interval, at most 600 s.',
      }),
    ),
    activeHours: Type.Optional(HeartbeatActiveHours),
    isolatedSession: Type.Optional(
      Type.Boolean({
        description:
          'Run each heartbeat turn in a fresh session of its own (`<session>:heartbeat`, emptied before every turn) instead of the agent main session.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Periodic heartbeat turns of an agent in its main session (reference `agents.*.heartbeat`).',
  },
);
export type AgentHeartbeatConfig = Static<typeof AgentHeartbeatConfig>;

/** Targets that name no channel (every other target is a channel id and needs `to`). */
const HEARTBEAT_ROUTE_TARGETS: ReadonlySet<string> = new Set(['last', 'owner', 'none']);

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** What the schema cannot say: a target channel needs `to`, and the time zone must exist. */
export function heartbeatConfigIssues(block: AgentHeartbeatConfig | undefined, path: string): ConfigIssue[] {
  if (!block) return [];
  const issues: ConfigIssue[] = [];
  const target = block.target;
  if (target !== undefined && !HEARTBEAT_ROUTE_TARGETS.has(target) && block.to === undefined)
    issues.push({
      path: `${path}.to`,
      kind: 'invalid-value',
      message: `target "${target}" is a channel: name its chat with to (or use last, owner or none)`,
    });
  const tz = block.activeHours?.timezone;
  if (tz !== undefined && !validTimeZone(tz))
    issues.push({
      path: `${path}.activeHours.timezone`,
      kind: 'invalid-value',
      message: `"${tz}" is not a known time zone (IANA name, e.g. Europe/Berlin)`,
    });
  return issues;
}

/** `telegram:` names a channel and no one: refused rather than read as nobody. */
export function ownerAllowFromIssues(entries: readonly (string | number)[] | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  entries?.forEach((e, i) => {
    if (typeof e === 'string' && /^[^:]+:\s*$/.test(e))
      issues.push({
        path: `commands.ownerAllowFrom.${i}`,
        kind: 'invalid-value',
        message: `"${e}" names a channel but no sender: write <channel>:<sender id>, e.g. telegram:123456789`,
      });
  });
  return issues;
}
