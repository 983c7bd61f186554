import { GatewayError, parseConfig } from '@openclaw/protocol';
import {
  importAgentsAndBindings,
  importReasoningDefault,
  importThinkingDefault,
  modelName,
} from './config-import-agents.ts';
import { importCronBlock } from './config-import-cron.ts';
import { importHeartbeatBlock } from './config-import-heartbeat.ts';

/** One setting of the reference config and what became of it. */
export interface ImportNote {
  /** Dotted key in the reference file. */
  from: string;
  /** Dotted key here, when carried over. */
  to?: string;
  /** Why it was dropped, or a remark on how it was carried over. */
  why?: string;
}

export interface ImportResult {
  /** Our config, valid by our schema (only what was carried over; defaults fill the rest). */
  config: Record<string, unknown>;
  carried: ImportNote[];
  dropped: ImportNote[];
  /** The model API key found in the reference file, to be written to the key file (never the config). */
  agentApiKey?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Channel keys this gateway's core reads on every account. */
const CORE_CHANNEL_KEYS = [
  'enabled',
  'name',
  'dmPolicy',
  'allowFrom',
  'groupPolicy',
  'groupAllowFrom',
  'requireMention',
  'groups',
  'textChunkLimit',
  'defaultAccount',
  'heartbeatVisibility',
];
/** Keys each provider reads (see packages/provider-<id>/src/config.ts). */
const PROVIDER_KEYS: Record<string, string[]> = {
  telegram: ['botToken', 'tokenFile', 'apiRoot', 'mode', 'webhook'],
  slack: ['botToken', 'appToken', 'signingSecret', 'mode', 'apiUrl', 'webhookPath', 'clientPingTimeoutMs'],
  discord: ['botToken', 'apiUrl', 'intents', 'allowBots', 'readyTimeoutMs'],
  signal: ['baseUrl', 'number', 'uuid', 'receiveMode', 'pollIntervalMs'],
  imessage: [
    'serverUrl',
    'password',
    'webhookPath',
    'webhookSecret',
    'sendMethod',
    'receive',
    'pollIntervalMs',
    'mentionNames',
  ],
  whatsapp: ['authDir', 'waWebSocketUrl', 'browser', 'connectTimeoutMs', 'qrTimeoutMs'],
};
const BINDS = new Set(['loopback', 'lan', 'tailnet', 'custom']);
const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/** A literal secret, not a `${VAR}` reference or a secret-store object. */
function literal(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && !/^\$\{[^}]+\}$/.test(v.trim());
}

/**
 * Read a reference `openclaw.json` (already parsed) and build this gateway's config from it:
 * what has a meaning here is carried over, everything else is listed as dropped with the reason.
 * The result validates against this gateway's config schema.
 */
export function importReferenceConfig(ref: Obj): ImportResult {
  const out: Obj = {};
  const carried: ImportNote[] = [];
  const dropped: ImportNote[] = [];
  const put = (path: string, value: unknown, from: string, why?: string) => {
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) {
      if (!isObj(node[k])) node[k] = {};
      node = node[k] as Obj;
    }
    node[keys.at(-1)!] = value;
    carried.push(why ? { from, to: path, why } : { from, to: path });
  };
  const drop = (from: string, why: string) => dropped.push({ from, why });

  for (const [top, value] of Object.entries(ref)) {
    switch (top) {
      case 'gateway':
        if (isObj(value)) importGateway(value, put, drop);
        break;
      case 'channels':
        if (isObj(value)) importChannels(value, put, drop);
        break;
      case 'logging':
        if (isObj(value) && typeof value.level === 'string' && LOG_LEVELS.has(value.level)) {
          put('logging.level', value.level, 'logging.level');
          for (const k of Object.keys(value))
            if (k !== 'level') drop(`logging.${k}`, 'logs go to stdout here (pino JSON)');
        } else drop('logging', 'no log level this gateway knows');
        break;
      case 'ui':
        // The Control UI's shared preferences mean the same here; a value this schema refuses
        // is dropped by the check below, key by key.
        if (isObj(value))
          for (const [k, v] of Object.entries(value)) {
            if (k === 'prefs' && isObj(v))
              for (const [pk, pv] of Object.entries(v)) put(`ui.prefs.${pk}`, pv, `ui.prefs.${pk}`);
            else put(`ui.${k}`, v, `ui.${k}`);
          }
        break;
      case 'cron':
        importCronBlock(value, put, drop);
        break;
      case 'commands':
        // Only the owner list means something here: heartbeat alerts with target owner go there.
        if (isObj(value))
          for (const [k, v] of Object.entries(value)) {
            if (k === 'ownerAllowFrom') put('commands.ownerAllowFrom', v, 'commands.ownerAllowFrom');
            else drop(`commands.${k}`, 'chat commands are not served here; only ownerAllowFrom is read');
          }
        else drop('commands', 'not an object');
        break;
      case 'agents':
      case 'models':
      case 'bindings':
        break; // read together below
      case '$schema':
      case 'meta':
      case 'wizard':
        break; // bookkeeping of the reference's own tools
      default:
        drop(top, reasonFor(top));
    }
  }
  const agentApiKey = importAgent(ref, put, drop);
  const primary = defaultModelOf(ref);
  const compatibleProvider =
    isObj(out.agent) && out.agent.backend === 'openai-compatible' && primary?.includes('/')
      ? primary.slice(0, primary.indexOf('/'))
      : undefined;
  const providers = new Set(Object.keys(PROVIDER_KEYS));
  importAgentsAndBindings(ref, {
    put,
    drop,
    compatibleProvider,
    providers,
    channels: isObj(out.channels) ? Object.keys(out.channels) : [],
  });
  const refDefaults = isObj(ref.agents) && isObj(ref.agents.defaults) ? ref.agents.defaults : {};
  if (refDefaults.heartbeat !== undefined) {
    const from = 'agents.defaults.heartbeat';
    const model = (m: unknown) => modelName(m, compatibleProvider);
    const hb = importHeartbeatBlock(refDefaults.heartbeat, { from, drop, model, providers });
    if (hb) put('agent.heartbeat', hb, from);
  }
  if (refDefaults.thinkingDefault !== undefined) {
    const from = 'agents.defaults.thinkingDefault';
    const level = importThinkingDefault(refDefaults.thinkingDefault, from, drop);
    if (level) put('agent.thinkingDefault', level, from);
  }
  if (refDefaults.reasoningDefault !== undefined) {
    const from = 'agents.defaults.reasoningDefault';
    const level = importReasoningDefault(refDefaults.reasoningDefault, from, drop);
    if (level) put('agent.reasoningDefault', level, from);
  }
  if (refDefaults.compaction !== undefined) {
    const c = isObj(refDefaults.compaction) ? refDefaults.compaction : {};
    if (!isObj(refDefaults.compaction)) drop('agents.defaults.compaction', 'not an object');
    for (const [k, v] of Object.entries(c)) {
      const from = `agents.defaults.compaction.${k}`;
      if (k !== 'keepRecentTokens')
        drop(from, 'no such compaction setting here: only keepRecentTokens (the tail /compact keeps)');
      else if (typeof v === 'number' && Number.isInteger(v) && v >= 0)
        put('agent.compaction.keepRecentTokens', v, from);
      else drop(from, 'not a whole number of tokens');
    }
  }

  // A carried value that is not valid here is dropped with the reason, rather than writing a
  // file the gateway would refuse; each round removes one offending key.
  for (let round = 0; ; round++) {
    try {
      parseConfig(structuredClone(out));
      break;
    } catch (error) {
      const path = error instanceof GatewayError ? String(error.details?.path ?? '') : '';
      const note = path ? carried.find((n) => n.to === path || path.startsWith(`${n.to}.`)) : undefined;
      if (!note?.to || round > 50) throw error;
      removePath(out, note.to);
      carried.splice(carried.indexOf(note), 1);
      drop(note.from, `not valid here: ${(error as Error).message}`);
    }
  }
  return { config: out, carried, dropped, ...(agentApiKey ? { agentApiKey } : {}) };
}

type Put = (path: string, value: unknown, from: string, why?: string) => void;
type Drop = (from: string, why: string) => void;

function importGateway(g: Obj, put: Put, drop: Drop): void {
  for (const [k, v] of Object.entries(g)) {
    const from = `gateway.${k}`;
    switch (k) {
      case 'port':
        if (Number.isInteger(v)) put('gateway.port', v, from);
        else drop(from, 'not a port number');
        break;
      case 'bind':
        if (typeof v === 'string' && BINDS.has(v)) put('gateway.bind', v, from);
        else drop(from, `bind ${JSON.stringify(v)} is not one of loopback, lan, tailnet, custom`);
        break;
      case 'customBindHost':
        if (typeof v === 'string' && v) put('gateway.host', v, from);
        break;
      case 'trustedProxies':
        if (Array.isArray(v))
          put(
            'gateway.trustedProxies',
            v.filter((x) => typeof x === 'string'),
            from,
          );
        break;
      case 'auth':
        if (isObj(v)) importAuth(v, put, drop);
        break;
      case 'controlUi':
        if (isObj(v)) {
          for (const [ck, cv] of Object.entries(v)) {
            if (ck === 'allowedOrigins' && Array.isArray(cv)) {
              put(
                'gateway.allowedOrigins',
                cv.filter((x) => typeof x === 'string'),
                `gateway.controlUi.${ck}`,
              );
            } else drop(`gateway.controlUi.${ck}`, 'the Control UI here has no such setting');
          }
        }
        break;
      case 'tls':
        if (
          isObj(v) &&
          typeof v.certPath === 'string' &&
          typeof v.keyPath === 'string' &&
          v.enabled !== false
        ) {
          put('gateway.tls', { certPath: v.certPath, keyPath: v.keyPath }, from);
        } else drop(from, 'TLS needs certPath and keyPath here');
        break;
      case 'mode':
      case 'remote':
        drop(from, 'client-side settings of the reference CLI; this CLI takes OPENCLAW_GATEWAY_URL / --url');
        break;
      default:
        drop(from, 'no such gateway setting here');
    }
  }
}

function importAuth(a: Obj, put: Put, drop: Drop): void {
  for (const [k, v] of Object.entries(a)) {
    const from = `gateway.auth.${k}`;
    switch (k) {
      case 'mode':
        if (v === 'token' || v === 'password' || v === 'none') put('auth.mode', v, from);
        else drop(from, `auth mode ${JSON.stringify(v)} is not supported here (token, password or none)`);
        break;
      case 'token':
        if (literal(v) && v.length >= 16)
          put('auth.token', v, from, 'secret: kept in the config file as it was');
        else if (literal(v)) drop(from, 'shorter than the 16 characters required here');
        else drop(from, 'a secret reference: set OPENCLAW_GATEWAY_TOKEN where the gateway runs');
        break;
      case 'password':
        if (literal(v) && v.length >= 8)
          put('auth.password', v, from, 'secret: kept in the config file as it was');
        else drop(from, 'a secret reference or shorter than 8: set OPENCLAW_GATEWAY_PASSWORD');
        break;
      case 'rateLimit':
        if (isObj(v)) {
          if (Number.isInteger(v.maxAttempts))
            put('auth.rateLimit.maxFailures', v.maxAttempts, `${from}.maxAttempts`);
          if (Number.isInteger(v.windowMs)) put('auth.rateLimit.windowMs', v.windowMs, `${from}.windowMs`);
          if (Number.isInteger(v.lockoutMs))
            put('auth.rateLimit.lockoutMs', v.lockoutMs, `${from}.lockoutMs`);
          if (v.exemptLoopback !== undefined)
            drop(`${from}.exemptLoopback`, 'loopback is throttled like everyone here');
        }
        break;
      default:
        drop(
          from,
          'no such auth setting here (trusted-proxy, Tailscale and identity grants are not supported)',
        );
    }
  }
}

function importChannels(channels: Obj, put: Put, drop: Drop): void {
  for (const [id, raw] of Object.entries(channels)) {
    if (id === 'defaults' && isObj(raw)) {
      // Of the shared channel defaults, heartbeat visibility means the same here.
      for (const [k, v] of Object.entries(raw)) {
        if (k === 'heartbeatVisibility')
          put('channels.defaults.heartbeatVisibility', v, 'channels.defaults.heartbeatVisibility');
        else drop(`channels.defaults.${k}`, 'not a channel default here (set it on each channel)');
      }
      continue;
    }
    const known = PROVIDER_KEYS[id];
    if (!known) {
      drop(`channels.${id}`, `no ${id} provider in this gateway`);
      continue;
    }
    if (!isObj(raw)) continue;
    const keep = new Set([...CORE_CHANNEL_KEYS, ...known]);
    const pick = (src: Obj, base: string): Obj => {
      const o: Obj = {};
      for (const [k, v] of Object.entries(src)) {
        if (k === 'accounts' || !keep.has(k)) {
          if (k !== 'accounts') drop(`${base}.${k}`, `not a setting of this gateway's ${id} channel`);
          continue;
        }
        if (
          (k === 'botToken' || k === 'appToken' || k === 'password' || k === 'signingSecret') &&
          !literal(v)
        ) {
          drop(`${base}.${k}`, 'a secret reference: put the secret in the file or its environment variable');
          continue;
        }
        o[k] = v;
      }
      return o;
    };
    const shared = pick(raw, `channels.${id}`);
    const accounts: Obj = {};
    if (isObj(raw.accounts)) {
      for (const [acct, a] of Object.entries(raw.accounts))
        if (isObj(a)) accounts[acct] = pick(a, `channels.${id}.accounts.${acct}`);
    }
    const value = Object.keys(accounts).length ? { ...shared, accounts } : shared;
    put(`channels.${id}`, value, `channels.${id}`);
  }
}

/** The reference's default model name (agents.defaults.model.primary, or the string form). */
function defaultModelOf(ref: Obj): string | undefined {
  const d = isObj(ref.agents) && isObj(ref.agents.defaults) ? ref.agents.defaults : undefined;
  const m = isObj(d?.model) ? d.model.primary : d?.model;
  return typeof m === 'string' ? m : undefined;
}

/** agents.defaults.model.primary + models.providers.<p> → agent.backend openai-compatible. Returns the API key. */
function importAgent(ref: Obj, put: Put, drop: Drop): string | undefined {
  const agents = isObj(ref.agents) ? ref.agents : undefined;
  const models = isObj(ref.models) ? ref.models : undefined;
  const primary = defaultModelOf(ref);
  if (agents && isObj(agents.defaults)) {
    for (const k of Object.keys(agents.defaults)) {
      if (!['model', 'heartbeat', 'thinkingDefault', 'reasoningDefault', 'compaction'].includes(k))
        drop(`agents.defaults.${k}`, 'no such agent setting here');
    }
  }
  if (!primary) {
    if (models) drop('models', 'no default model (agents.defaults.model.primary) to take a provider from');
    return undefined;
  }
  const slash = primary.indexOf('/');
  const providerId = slash > 0 ? primary.slice(0, slash) : '';
  const modelId = slash > 0 ? primary.slice(slash + 1) : primary;
  const providers = isObj(models?.providers) ? models.providers : {};
  const p = providerId && isObj(providers[providerId]) ? (providers[providerId] as Obj) : undefined;
  for (const other of Object.keys(providers)) {
    if (other !== providerId)
      drop(`models.providers.${other}`, 'only the default model’s provider is used here');
  }
  const api = p?.api ?? 'openai-completions';
  if (!p || typeof p.baseUrl !== 'string' || (api !== 'openai-completions' && api !== 'openai-responses')) {
    drop(
      'agents.defaults.model.primary',
      `${primary}: only a provider with an OpenAI-compatible baseUrl can answer here (the built-in echo backend stays)`,
    );
    return undefined;
  }
  put('agent.backend', 'openai-compatible', 'agents.defaults.model.primary');
  put('agent.openai.baseUrl', p.baseUrl, `models.providers.${providerId}.baseUrl`);
  put('agent.openai.model', modelId, 'agents.defaults.model.primary');
  for (const k of Object.keys(p)) {
    if (!['baseUrl', 'api', 'apiKey', 'models'].includes(k))
      drop(`models.providers.${providerId}.${k}`, 'no such model setting here');
  }
  if (literal(p.apiKey)) return p.apiKey;
  if (p.apiKey !== undefined)
    drop(
      `models.providers.${providerId}.apiKey`,
      'a secret reference: set the OPENAI_API_KEY environment variable',
    );
  return undefined;
}

function removePath(obj: Obj, path: string): void {
  const keys = path.split('.');
  let node: unknown = obj;
  for (const k of keys.slice(0, -1)) node = isObj(node) ? node[k] : undefined;
  if (isObj(node)) delete node[keys.at(-1)!];
}

function reasonFor(top: string): string {
  switch (top) {
    case 'tools':
    case 'skills':
    case 'plugins':
    case 'hooks':
    case 'mcp':
    case 'browser':
    case 'talk':
    case 'memory':
      return `this gateway has no ${top}`;
    case 'session':
      return 'sessions here are kept per conversation with retention under sessions.*';
    default:
      return 'no such setting here';
  }
}
