import { DEFAULT_AGENT_ID, normalizeReasoningLevel, normalizeThinkingLevel } from '@openclaw/protocol';
import { importHeartbeatBlock } from './config-import-heartbeat.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

type Put = (path: string, value: unknown, from: string, why?: string) => void;
type Drop = (from: string, why: string) => void;

export interface AgentsImportContext {
  put: Put;
  drop: Drop;
  /** The reference provider carried over as `openai-compatible` (the default model's), if any. */
  compatibleProvider: string | undefined;
  /** Channels this gateway has a provider for. */
  providers: ReadonlySet<string>;
  /** Channels carried over (a default agent other than main is bound to each). */
  channels: readonly string[];
}

/** Agent ids here appear in session keys and folder names (the protocol's pattern). */
const AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Providers of our own that a reference model name may already use. */
const OWN_PROVIDERS = new Set(['openai', 'anthropic']);
/** Match fields only one channel's messages carry here. */
const SCOPED: Record<string, string> = { guildId: 'discord', roles: 'discord', teamId: 'slack' };

/** A reference thinking default by its name here; one that names no level here is dropped. */
export function importThinkingDefault(v: unknown, from: string, drop: Drop): string | undefined {
  const level = typeof v === 'string' ? normalizeThinkingLevel(v) : undefined;
  if (!level) drop(from, `${JSON.stringify(v)}: not a thinking level here (off … max; no ultra)`);
  return level;
}

/** A reference reasoning visibility (`on`, `off`, `stream`) by our name, or undefined (dropped, with why). */
export function importReasoningDefault(v: unknown, from: string, drop: Drop): string | undefined {
  const level = typeof v === 'string' ? normalizeReasoningLevel(v) : undefined;
  if (!level) drop(from, `${JSON.stringify(v)}: not a reasoning visibility (on, off or stream)`);
  return level;
}

/** Why an entry key of a reference agent is not carried over. */
function agentKeyReason(key: string): string {
  switch (key) {
    case 'workspace':
    case 'agentDir':
    case 'cwd':
      return 'no per-agent workspace here; its prompt file is <state dir>/agents/<id>/SYSTEM.md';
    case 'tools':
      return "the reference's tool names are not this gateway's (nodes, canvas, message, sessions, cron): set agents.list[].tools again";
    case 'default':
      return 'main answers what no binding routes here (see the channel-wide bindings carried over)';
    default:
      return 'no such agent setting here';
  }
}

/**
 * A reference model name (`provider/model`) as one here: the default model's provider becomes
 * `openai-compatible`, `openai` and `anthropic` are kept; undefined when no provider here serves it.
 */
export function modelName(ref: unknown, compatible: string | undefined): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return undefined;
  const provider = ref.slice(0, slash);
  if (provider === compatible) return `openai-compatible/${ref.slice(slash + 1)}`;
  return OWN_PROVIDERS.has(provider) ? ref : undefined;
}

/** A reference model setting (a name, or `{primary, fallbacks}`) as ours, or the reason it cannot be. */
function modelSetting(v: unknown, compatible: string | undefined): { model: unknown } | { why: string } {
  const why = 'no provider here serves it (only the default model’s provider, openai and anthropic)';
  if (!isObj(v)) {
    const name = modelName(v, compatible);
    return name ? { model: name } : { why };
  }
  const primary = modelName(v.primary, compatible);
  if (!primary) return { why };
  const fallbacks = Array.isArray(v.fallbacks) ? v.fallbacks.map((f) => modelName(f, compatible)) : [];
  if (fallbacks.some((f) => f === undefined)) return { why: `a fallback: ${why}` };
  return { model: fallbacks.length ? { primary, fallbacks } : primary };
}

interface RefAgent {
  id: string;
  from: string;
  entry: Obj;
}

/** The roster in either reference shape: the older `agents.list` array or the keyed `agents.entries`. */
function rosterOf(agents: Obj): RefAgent[] {
  const out: RefAgent[] = [];
  if (Array.isArray(agents.list)) {
    agents.list.forEach((e, i) => {
      if (isObj(e) && typeof e.id === 'string') out.push({ id: e.id, from: `agents.list.${i}`, entry: e });
    });
  }
  if (isObj(agents.entries)) {
    for (const [id, e] of Object.entries(agents.entries))
      if (isObj(e)) out.push({ id, from: `agents.entries.${id}`, entry: e });
  }
  return out;
}

/**
 * Carry a reference roster (`agents.list` or `agents.entries`) over as `agents.list`, and its
 * route `bindings` as ours. What cannot be honoured here is dropped with the reason, never kept
 * to look as if it worked: the whole result validates against this gateway's schema.
 */
export function importAgentsAndBindings(ref: Obj, ctx: AgentsImportContext): void {
  const { put, drop } = ctx;
  const agents = isObj(ref.agents) ? ref.agents : {};
  const ids = new Set<string>([DEFAULT_AGENT_ID]);
  const list: Obj[] = [];
  const roster = rosterOf(agents);
  let defaultId: string | undefined;
  for (const { id: rawId, from, entry } of roster) {
    const id = rawId.trim().toLowerCase();
    if (!AGENT_ID.test(id)) {
      drop(from, `agent id ${JSON.stringify(rawId)}: only lower-case letters, digits, - and _ here`);
      continue;
    }
    if (ids.has(id) && id !== DEFAULT_AGENT_ID) {
      drop(from, `agent "${id}" is listed twice`);
      continue;
    }
    ids.add(id);
    if (entry.default === true) defaultId ??= id;
    const agent: Obj = { id };
    const name = typeof entry.name === 'string' && entry.name ? entry.name : undefined;
    const identityName = isObj(entry.identity) ? entry.identity.name : undefined;
    if (name ?? (typeof identityName === 'string' && identityName)) agent.name = name ?? identityName;
    for (const [k, v] of Object.entries(entry)) {
      if (k === 'id' || k === 'name') continue;
      if (k === 'model') {
        const m = modelSetting(v, ctx.compatibleProvider);
        if ('model' in m) agent.model = m.model;
        else drop(`${from}.model`, `${JSON.stringify(v)}: ${m.why}; the agent uses the default model`);
      } else if (k === 'heartbeat') {
        const hb = importHeartbeatBlock(v, {
          from: `${from}.heartbeat`,
          drop,
          model: (m) => modelName(m, ctx.compatibleProvider),
          providers: ctx.providers,
        });
        if (hb) agent.heartbeat = hb;
      } else if (k === 'thinkingDefault') {
        const level = importThinkingDefault(v, `${from}.thinkingDefault`, drop);
        if (level) agent.thinkingDefault = level;
      } else if (k === 'reasoningDefault') {
        const level = importReasoningDefault(v, `${from}.reasoningDefault`, drop);
        if (level) agent.reasoningDefault = level;
      } else if (k === 'identity' && isObj(v)) {
        for (const ik of Object.keys(v))
          if (ik !== 'name' || name) drop(`${from}.identity.${ik}`, 'only a display name here (name)');
      } else drop(`${from}.${k}`, agentKeyReason(k));
    }
    list.push(agent);
  }
  // One agent alone answers everything in the reference; so does a legacy `default: true` one.
  const only = list.length === 1 ? (list[0]?.id as string) : undefined;
  defaultId ??= only;
  if (list.length)
    put(
      'agents.list',
      list,
      isObj(agents.entries) && !Array.isArray(agents.list) ? 'agents.entries' : 'agents.list',
    );
  for (const k of Object.keys(agents))
    if (k !== 'defaults' && k !== 'list' && k !== 'entries')
      drop(
        `agents.${k}`,
        k === 'ownership'
          ? 'main answers what no binding routes here; there is no fail-closed ownership'
          : 'no such agents setting here',
      );

  const bindings: Obj[] = [];
  if (ref.bindings !== undefined && !Array.isArray(ref.bindings)) drop('bindings', 'not a list');
  const refBindings = Array.isArray(ref.bindings) ? ref.bindings : [];
  refBindings.forEach((b, i) => {
    const from = `bindings.${i}`;
    const binding = importBinding(b, from, ids, ctx);
    if (binding) bindings.push(binding);
  });
  // The reference's default agent answered what no binding routes; here main does, so its
  // channels are bound to it explicitly, after every carried binding (the broadest tier anyway).
  if (defaultId && defaultId !== DEFAULT_AGENT_ID) {
    for (const channel of ctx.channels)
      bindings.push({ agentId: defaultId, match: { channel, accountId: '*' } });
  }
  if (bindings.length) {
    const why =
      defaultId && defaultId !== DEFAULT_AGENT_ID && ctx.channels.length
        ? `with a channel-wide binding per carried channel to "${defaultId}", the reference's default agent (main answers the rest here)`
        : undefined;
    put('bindings', bindings, 'bindings', why);
  }
}

/** One reference binding as ours, or undefined (dropped, with the reason). */
function importBinding(b: unknown, from: string, ids: ReadonlySet<string>, ctx: AgentsImportContext) {
  const { drop } = ctx;
  if (!isObj(b) || !isObj(b.match) || typeof b.agentId !== 'string') {
    drop(from, 'not a binding (agentId and match are required)');
    return undefined;
  }
  if (b.type !== undefined && b.type !== 'route') {
    drop(from, `type ${JSON.stringify(b.type)}: only route bindings here (no ACP conversations)`);
    return undefined;
  }
  const agentId = b.agentId.trim().toLowerCase();
  if (!ids.has(agentId)) {
    drop(from, `agent "${b.agentId}" is not carried over`);
    return undefined;
  }
  const m = b.match;
  const channel = typeof m.channel === 'string' ? m.channel.trim().toLowerCase() : '';
  if (!ctx.providers.has(channel)) {
    drop(from, `no ${channel || 'such'} provider in this gateway`);
    return undefined;
  }
  const match: Obj = { channel };
  for (const [k, v] of Object.entries(m)) {
    switch (k) {
      case 'channel':
        break;
      case 'accountId':
        if (typeof v === 'string' && v.trim()) match.accountId = v.trim();
        break;
      case 'peer': {
        const kind = isObj(v) && typeof v.kind === 'string' ? v.kind.trim().toLowerCase() : '';
        const id =
          isObj(v) && (typeof v.id === 'string' || typeof v.id === 'number') ? String(v.id).trim() : '';
        const ours = kind === 'dm' ? 'direct' : kind;
        if (!id || !['direct', 'group', 'channel'].includes(ours)) {
          drop(from, `peer ${JSON.stringify(v)} is not a direct, group or channel chat with an id`);
          return undefined;
        }
        match.peer = { kind: ours, id };
        break;
      }
      case 'guildId':
      case 'teamId':
      case 'roles': {
        if (SCOPED[k] !== channel) {
          drop(from, `${k} can only match ${SCOPED[k]} messages here, not ${channel}`);
          return undefined;
        }
        const ok =
          k === 'roles' ? Array.isArray(v) && v.length > 0 : typeof v === 'string' && v.trim() !== '';
        if (!ok) {
          drop(from, `${k} ${JSON.stringify(v)} is not usable`);
          return undefined;
        }
        match[k] = k === 'roles' ? (v as unknown[]).map(String) : (v as string).trim();
        break;
      }
      default:
        // Narrowing the binding would be lost: it would match more than it did there.
        drop(from, `match.${k} is not honoured here`);
        return undefined;
    }
  }
  const out: Obj = { agentId, match };
  if (typeof b.comment === 'string') out.comment = b.comment;
  for (const k of Object.keys(b)) {
    if (k === 'session')
      drop(`${from}.session`, 'one session per chat here: per-binding session scopes are not honoured');
    else if (!['agentId', 'match', 'comment', 'type'].includes(k))
      drop(`${from}.${k}`, 'no such binding setting here');
  }
  return out;
}
