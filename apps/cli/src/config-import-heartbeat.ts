import { parseHeartbeatEvery } from '@openclaw/protocol';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The reference's cadence when a block names none (ours is off: heartbeat turns are opt-in). */
const REFERENCE_EVERY = '30m';
const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const KEY_WHY: Record<string, string> = {
  includeReasoning: 'reasoning is never delivered here',
  ackMaxChars: 'fixed at 300 here (as in the reference)',
  session: 'heartbeat turns run in the main session here',
  agentId: 'per-agent blocks choose the agents here (agents.list[].heartbeat)',
};

export interface HeartbeatImport {
  /** Where the block came from (`agents.defaults.heartbeat`, `agents.list.1.heartbeat`). */
  from: string;
  drop: (from: string, why: string) => void;
  /** Turns a reference `provider/model` into one here (undefined: no provider here serves it). */
  model: (ref: unknown) => string | undefined;
  /** Channels this gateway has a provider for. */
  providers: ReadonlySet<string>;
}

/**
 * A reference heartbeat block as ours: what maps is kept, the rest dropped with the reason. A
 * block without `every` ran every 30 minutes there, so it is written out. One without a target
 * stays without: the default is the owner's DM in both, and a per-agent block must still inherit
 * the defaults' target; a target dropped here becomes `none`, as its reason says.
 */
export function importHeartbeatBlock(v: unknown, o: HeartbeatImport): Obj | undefined {
  if (!isObj(v)) {
    o.drop(o.from, 'not an object');
    return undefined;
  }
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    const at = `${o.from}.${k}`;
    if (k === 'every') {
      if (typeof x === 'string' && parseHeartbeatEvery(x) !== undefined) out.every = x;
      else
        o.drop(
          at,
          `${JSON.stringify(x)}: not a duration here (30m, 1h, 0m); the reference default 30m is used`,
        );
    } else if ((k === 'prompt' || k === 'to' || k === 'accountId') && typeof x === 'string' && x) out[k] = x;
    else if (k === 'target' && typeof x === 'string') {
      if (x === 'last' || x === 'none' || x === 'owner' || o.providers.has(x)) out.target = x;
      else {
        o.drop(at, `no ${x} provider here; alerts stay in the main session`);
        out.target = 'none';
      }
    } else if (k === 'model') {
      const m = o.model(x);
      if (m) out.model = m;
      else
        o.drop(at, `${JSON.stringify(x)}: no provider here serves it; heartbeat turns use the agent model`);
    } else if ((k === 'lightContext' || k === 'isolatedSession') && typeof x === 'boolean') out[k] = x;
    else if (k === 'directPolicy' && (x === 'allow' || x === 'block')) out.directPolicy = x;
    else if (k === 'timeoutSeconds' && Number.isInteger(x) && (x as number) >= 1) out.timeoutSeconds = x;
    else if (k === 'activeHours' && isObj(x) && TIME.test(String(x.start)) && TIME.test(String(x.end))) {
      out.activeHours = {
        start: x.start,
        end: x.end,
        ...(typeof x.timezone === 'string' && x.timezone !== 'user' && x.timezone !== 'local'
          ? { timezone: x.timezone }
          : {}),
      };
    } else o.drop(at, KEY_WHY[k] ?? 'no such heartbeat setting here');
  }
  out.every ??= REFERENCE_EVERY;
  if (
    out.target !== undefined &&
    !['last', 'none', 'owner'].includes(String(out.target)) &&
    out.to === undefined
  ) {
    o.drop(
      `${o.from}.target`,
      `${String(out.target)} needs a to (the chat) here; alerts stay in the main session`,
    );
    out.target = 'none';
  }
  return out;
}
