import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { CronFailureAlertConfig } from '../methods/cron-alerts.ts';
import { reasoningLevelSchema, thinkingLevelSchema } from '../schema/thinking.ts';
import { AgentsSection, BindingsSection } from './agents-config.ts';
import { AgentHeartbeatConfig, ChannelDefaults } from './heartbeat-config.ts';
import { SecretString, SecretUrl } from './secret-fields.ts';
import { UiSection } from './ui-config.ts';

const Bind = Type.Union(
  [Type.Literal('loopback'), Type.Literal('lan'), Type.Literal('tailnet'), Type.Literal('custom')],
  {
    default: 'loopback',
    description:
      'Where to listen: loopback (127.0.0.1), lan (all interfaces), tailnet (the Tailscale 100.64/10 address), custom (gateway.host).',
  },
);

export const GatewaySection = Type.Object(
  {
    bind: Bind,
    host: Type.Optional(
      Type.String({ minLength: 1, description: 'Address to listen on when bind is custom.' }),
    ),
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 18789,
      description: 'Port for WebSocket and HTTP.',
    }),
    allowedOrigins: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Browser origins allowed besides same-origin (e.g. https://gateway.example.com).',
    }),
    trustedProxies: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Proxy addresses whose X-Forwarded-For is believed. Empty: forwarded headers are ignored.',
    }),
    tls: Type.Optional(
      Type.Object(
        {
          certPath: Type.String({ minLength: 1, description: 'PEM certificate chain.' }),
          keyPath: Type.String({ minLength: 1, description: 'PEM private key.' }),
        },
        { additionalProperties: false, description: 'Serve wss:// and https:// with this certificate.' },
      ),
    ),
  },
  { additionalProperties: false, default: {}, description: 'Listening.' },
);

export const AuthSection = Type.Object(
  {
    mode: Type.Union([Type.Literal('token'), Type.Literal('password'), Type.Literal('none')], {
      default: 'token',
      description: 'token (default), password, or none (loopback bind only).',
    }),
    token: Type.Optional(
      SecretString({
        minLength: 16,
        description:
          'Shared token. Prefer OPENCLAW_GATEWAY_TOKEN or the generated token file in the state dir.',
      }),
    ),
    password: Type.Optional(SecretString({ minLength: 8, description: 'Shared password (mode password).' })),
    rateLimit: Type.Object(
      {
        maxFailures: Type.Integer({
          minimum: 1,
          default: 10,
          description:
            'Wrong credentials of one kind (shared secret, device token) from one client within windowMs that lock it out (remote) or throttle it (loopback). Requests without any credential are not counted.',
        }),
        windowMs: Type.Integer({
          minimum: 1000,
          default: 60_000,
          description:
            'Counting window. A loopback throttle also lasts until this long has passed without a failure.',
        }),
        lockoutMs: Type.Integer({
          minimum: 1000,
          default: 300_000,
          description:
            'How long a remote client is locked out: every attempt of that credential kind is refused, right or wrong, before it is checked.',
        }),
        loopbackIntervalMs: Type.Integer({
          minimum: 10,
          maximum: 60_000,
          default: 500,
          description:
            'Loopback is never locked out, only throttled: one credential check per this many ms (queued, not refused), so a local process cannot lock the operator out nor guess fast.',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        description:
          'Limits on failed authentication, per client address and credential kind, shared by every surface (WebSocket, canvas, A2UI, session, metrics). See docs/SECURITY.md.',
      },
    ),
  },
  { additionalProperties: false, default: {}, description: 'How connections authenticate.' },
);

export const PairingSection = Type.Object(
  {
    autoApproveLoopback: Type.Boolean({
      default: true,
      description:
        'Approve devices connecting directly from loopback without asking. LAN/tailnet always ask.',
    }),
    requestTtlMs: Type.Integer({
      minimum: 10_000,
      default: 600_000,
      description: 'Pending requests lapse after.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Device pairing policy.' },
);

export const LimitsSection = Type.Object(
  {
    maxPayload: Type.Integer({
      minimum: 65_536,
      default: 25 * 1024 * 1024,
      description: 'Largest frame after hello.',
    }),
    maxBufferedBytes: Type.Integer({
      minimum: 65_536,
      default: 50 * 1024 * 1024,
      description: 'Outbound bytes queued per connection before it is closed as a slow consumer.',
    }),
    tickIntervalMs: Type.Integer({ minimum: 50, default: 15_000, description: 'tick event interval.' }),
    handshakeTimeoutMs: Type.Integer({
      minimum: 100,
      default: 10_000,
      description: 'Time allowed for connect.',
    }),
    signatureSkewMs: Type.Integer({
      minimum: 1000,
      default: 120_000,
      description: 'How far device.signedAt may be from gateway time.',
    }),
    maxConnections: Type.Integer({ minimum: 1, default: 20_000, description: 'Open sockets accepted.' }),
    replayWindowMs: Type.Integer({
      minimum: 0,
      default: 60_000,
      description: 'How long a dropped connection events are kept for resume.',
    }),
    replayMaxEvents: Type.Integer({
      minimum: 0,
      default: 64,
      description: 'Events kept per connection for resume.',
    }),
    idempotencyTtlMs: Type.Integer({
      minimum: 1000,
      default: 86_400_000,
      description: 'How long side-effecting outcomes are remembered.',
    }),
    requestTimeoutMs: Type.Integer({
      minimum: 100,
      default: 120_000,
      description: 'Longest a handler may run.',
    }),
    maxMessageBytes: Type.Integer({
      minimum: 1024,
      default: 128 * 1024,
      description:
        'Largest message text (UTF-8 bytes) of send, chat.send and agent; a longer one is refused with MESSAGE_TOO_LARGE.',
    }),
    writesPerSecond: Type.Number({
      exclusiveMinimum: 0,
      default: 50,
      description:
        'Side-effecting requests (send, chat.send, agent, cron.run, node.invoke) one connection may make per second, sustained; more are refused with RATE_LIMITED and retryAfterMs.',
    }),
    writeBurst: Type.Integer({
      minimum: 1,
      default: 2000,
      description: 'Side-effecting requests one connection may make at once before writesPerSecond applies.',
    }),
    writeBytesPerSecond: Type.Integer({
      minimum: 1024,
      default: 1024 * 1024,
      description:
        'Bytes of side-effecting request frames (message text, media) one connection may send per second, sustained; more are refused with RATE_LIMITED and retryAfterMs.',
    }),
    writeBurstBytes: Type.Integer({
      minimum: 65_536,
      default: 32 * 1024 * 1024,
      description:
        'Bytes of side-effecting request frames one connection may send at once (room for one frame of the default maxPayload).',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Connection limits.' },
);

export const LoggingSection = Type.Object(
  {
    level: Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
      ],
      { default: 'info', description: 'Log level.' },
    ),
    ringSize: Type.Integer({ minimum: 100, default: 5000, description: 'Lines kept for logs.tail.' }),
  },
  { additionalProperties: false, default: {}, description: 'Logging.' },
);

export const HeartbeatSection = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Emit heartbeat events.' }),
    intervalMs: Type.Integer({ minimum: 1000, default: 60_000, description: 'Heartbeat interval.' }),
  },
  { additionalProperties: false, default: {}, description: 'Gateway heartbeat.' },
);

export const NodesSection = Type.Object(
  {
    denyCommands: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Commands never invokable on any node, approved or not (exact names or prefix.*).',
    }),
    invokeTimeoutMs: Type.Integer({
      minimum: 100,
      default: 30_000,
      description: 'Default node.invoke deadline.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Nodes.' },
);

const MODEL_REF_PATTERN = '^[^/\\s]+/\\S+$';

// A function, not a spread of one schema: a spread object has no TypeBox type name, so the
// package's declaration build could not write its type.
const modelRef = (
  description = 'A model by name: `provider/model` (e.g. `openai-compatible/llama3.1`, `anthropic/claude-sonnet-4-5`).',
) => Type.String({ pattern: MODEL_REF_PATTERN, description });
const ModelRef = modelRef();

/**
 * Where a provider's tool results carry pictures (built anew for each place it is used: a shared
 * schema object spread into another one has a type the declaration build cannot name).
 */
function toolResultImages() {
  return Type.Optional(
    Type.Union([Type.Literal('inline'), Type.Literal('user-message')], {
      description:
        "Where the pictures a tool call took go: `inline`, inside the tool message (servers that extend the chat-completions spec take them there; the default); `user-message`, as a user message right after the step's tool results, for servers that accept text only in tool messages, as the spec says. OpenAI's own API (`api: 'openai'`) always gets a user message.",
    }),
  );
}

/**
 * What models of a provider cost, by model id (built anew for each place it is used, like
 * toolResultImages).
 */
function providerModels() {
  const rate = (what: string) =>
    Type.Number({ minimum: 0, description: `US dollars per million ${what} tokens.` });
  return Type.Optional(
    Type.Record(
      Type.String({ minLength: 1 }),
      Type.Object(
        {
          cost: Type.Optional(
            Type.Object(
              {
                input: rate('prompt (not cached)'),
                output: rate('output'),
                cacheRead: Type.Optional(
                  rate('prompt tokens read from the cache (default: the input price)'),
                ),
                cacheWrite: Type.Optional(
                  rate('prompt tokens written to the cache (default: the input price)'),
                ),
              },
              { additionalProperties: false, description: 'Prices, for the usage and cost reports.' },
            ),
          ),
        },
        { additionalProperties: false, description: 'One model of the provider.' },
      ),
      {
        description:
          'Models of this provider by id (the part after `provider/`), with their prices. Usage of a model with no price is reported as missing cost, not as free.',
      },
    ),
  );
}

export const AgentProviderEntry = Type.Object(
  {
    api: Type.Union([Type.Literal('openai-compatible'), Type.Literal('openai'), Type.Literal('anthropic')], {
      description: 'Which API the provider speaks (the AI SDK provider that talks to it).',
    }),
    baseUrl: Type.Optional(
      SecretUrl({
        description: 'Base URL (…/v1); the provider default when absent. A password in it is kept secret.',
      }),
    ),
    apiKeyEnv: Type.Optional(
      Type.String({ description: 'Environment variable holding the API key (never the key itself here).' }),
    ),
    apiKeyFile: Type.Optional(Type.String({ description: 'File holding the API key.' })),
    toolResultImages: toolResultImages(),
    models: providerModels(),
  },
  { additionalProperties: false, description: 'A model provider the agent may use.' },
);

export const AgentSection = Type.Object(
  {
    backend: Type.Union([Type.Literal('echo'), Type.Literal('openai-compatible')], {
      default: 'echo',
      description:
        'What answers messages: echo (deterministic, for tests and first runs) or an OpenAI-compatible server.',
    }),
    openai: Type.Object(
      {
        baseUrl: SecretUrl({
          default: 'http://127.0.0.1:11434/v1',
          description:
            'Base URL of an OpenAI-compatible API (…/v1); any local model server that speaks it works. A password in it is kept secret.',
        }),
        model: Type.String({ default: '', description: 'Model name.' }),
        apiKeyEnv: Type.String({
          default: 'OPENAI_API_KEY',
          description: 'Environment variable holding the API key (never put the key itself in this file).',
        }),
        apiKeyFile: Type.Optional(
          Type.String({
            description: 'File holding the API key (default: <state dir>/agent-api-key if present).',
          }),
        ),
        systemPrompt: Type.Optional(Type.String({ description: 'System prompt.' })),
        temperature: Type.Optional(
          Type.Number({ minimum: 0, maximum: 2, description: 'Sampling temperature.' }),
        ),
        historyMessages: Type.Integer({
          minimum: 0,
          default: 20,
          description: 'Earlier session messages sent along.',
        }),
        vision: Type.Boolean({
          default: false,
          description:
            'The model accepts images: photos, and pictures its tools take (a canvas snapshot), are sent to it as images. Off: it gets a text description of what was attached, and the facts of a picture.',
        }),
        toolResultImages: toolResultImages(),
        models: providerModels(),
      },
      { additionalProperties: false, default: {}, description: 'OpenAI-compatible backend.' },
    ),
    model: Type.Optional(
      modelRef(
        'The default model, `provider/model`. Absent: `echo/echo` with backend echo, else `openai-compatible/<openai.model>`.',
      ),
    ),
    fallbacks: Type.Array(ModelRef, {
      default: [],
      description:
        'Models tried in order when the current one fails with a retryable error (429, 5xx, unreachable).',
    }),
    providers: Type.Record(Type.String({ pattern: '^[A-Za-z0-9][\\w.-]*$' }), AgentProviderEntry, {
      default: {},
      description:
        'Model providers by name. Built in: `openai-compatible` (the openai section), `openai` and `anthropic` (keys from OPENAI_API_KEY and ANTHROPIC_API_KEY).',
    }),
    thinkingDefault: Type.Optional(
      thinkingLevelSchema(
        "The thinking level of turns when neither the turn, its cron job nor its session names one (an agent of agents.list may set its own). Absent: off, no reasoning setting is sent (the model's own default).",
      ),
    ),
    reasoningDefault: Type.Optional(
      reasoningLevelSchema(
        "Whether a session's reasoning is shown in its chat when the session names none (sessions.patch reasoningLevel); an agent of agents.list may set its own. on: its own message before the answer; stream: as off on the chat channels here (none has previews for it); absent: off.",
      ),
    ),
    maxSteps: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 8,
      description:
        'Model calls one turn may make (each tool round is one); the turn ends with an error past it.',
    }),
    tools: Type.Object(
      {
        allow: Type.Optional(
          Type.Array(Type.String(), {
            description:
              'Only these tools are offered (`nodes`, `canvas`, `message`, `sessions`, `cron`). Absent: all.',
          }),
        ),
        deny: Type.Array(Type.String(), {
          default: [],
          description: 'Tools never offered; wins over allow.',
        }),
        unattendedScopes: Type.Array(Type.String(), {
          default: ['operator.read', 'operator.write'],
          description:
            'The scopes of a turn no operator started (a channel message, a cron job). Such a turn also reads only its own session and messages only its own chat.',
        }),
        sessionsVisibility: Type.Union([Type.Literal('agent'), Type.Literal('all')], {
          default: 'agent',
          description:
            "What the `sessions` tool of an operator's turn may read: `agent`, the sessions of the turn's agent; `all`, every agent's. A turn no operator started reads only its own session either way.",
        }),
        approvalTimeoutMs: Type.Integer({
          minimum: 1000,
          default: 120_000,
          description:
            'How long an exec approval request (a system.run the exec policy asks about; also exec.approval.request without its own timeoutMs) waits for an operator; then it expires and askFallback decides.',
        }),
      },
      { additionalProperties: false, default: {}, description: 'Which tools the agent may call.' },
    ),
    contextTokens: Type.Integer({
      minimum: 1000,
      default: 32_000,
      description:
        "A model's context window in tokens (estimated at four characters a token). History goes into three quarters of it; when it does not fit, older turns are compacted into a summary.",
    }),
    contextTokensByModel: Type.Record(Type.String(), Type.Integer({ minimum: 1000 }), {
      default: {},
      description: 'The context window of particular models, by `provider/model`; others use contextTokens.',
    }),
    compaction: Type.Object(
      {
        keepRecentTokens: Type.Integer({
          minimum: 0,
          default: 20_000,
          description:
            'How many tokens of the newest messages a manual compaction (`/compact`, `sessions.compact` without maxLines) keeps as they are (estimated at four characters a token); older ones are summarised, then removed. The cut never falls between a tool call and its results. The reference: agents.defaults.compaction.keepRecentTokens.',
        }),
      },
      { additionalProperties: false, default: {}, description: 'How a session is compacted.' },
    ),
    ackReaction: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'An emoji the gateway reacts with on a channel message it starts a turn for (e.g. "👀"), where the platform has reactions. Absent: none.',
      }),
    ),
    resumeInterrupted: Type.Boolean({
      default: true,
      description:
        'A run a crash or stop left unfinished is run again on the next start (in a cluster, by another gateway), from its last stored step (completed tool calls are not run again), and the runs queued behind it after it, in order; once after a crash, at once after a clean stop (which hands it over). Off: it is marked interrupted.',
    }),
    maxHandovers: Type.Integer({
      minimum: 0,
      default: 3,
      description:
        'Clean stops (SIGTERM, a restart) a running turn is handed over through; the next one ends it interrupted instead (a turn stuck in a tool is not carried through restarts forever), and the runs queued behind it go on. 0: a clean stop never hands a running turn over.',
    }),
    timeoutMs: Type.Integer({ minimum: 1000, default: 600_000, description: 'Default run timeout.' }),
    queueMode: Type.Union([Type.Literal('queue'), Type.Literal('merge')], {
      default: 'queue',
      description:
        'A message arriving while its session runs: queue a run for it, or merge it into the queued one.',
    }),
    maxQueuedRuns: Type.Integer({
      minimum: 1,
      default: 50,
      description:
        'Runs that may wait behind the active run of a session (queue mode). More: chat.send and agent are refused with SESSION_BUSY; a channel message is stored without a run.',
    }),
    heartbeat: Type.Optional(AgentHeartbeatConfig),
  },
  { additionalProperties: false, default: {}, description: 'Agent runs.' },
);

/** The reference's `commands` block; of it only the owner list is read here (heartbeat `owner` target, chat commands). */
export const CommandsSection = Type.Object(
  {
    ownerAllowFrom: Type.Optional(
      Type.Array(Type.Union([Type.String({ minLength: 1 }), Type.Number()]), {
        description:
          'The operators: `<channel>:<sender id>` entries (e.g. `telegram:123456789`; `tg:` is read as Telegram); an id without a channel name (or with a prefix that names no channel) names that sender on every channel; `*` names no one. Heartbeat `target: owner` alerts go to the first that is a direct chat; on a channel with owners, only they may use chat commands and directives (`/new`, `/reset`, `/model`, `/status`, `/think`, `/reasoning`).',
      }),
    ),
  },
  { additionalProperties: false, description: 'Command settings (reference `commands`).' },
);

export const SessionsSection = Type.Object(
  {
    retentionDays: Type.Integer({
      minimum: 1,
      default: 90,
      description: 'History older than this is pruned.',
    }),
    maxMessagesPerSession: Type.Integer({
      minimum: 10,
      default: 5000,
      description: 'Newest messages kept per session; the oldest is dropped as each new one is stored.',
    }),
    maxBytesPerSession: Type.Integer({
      minimum: 65_536,
      default: 32 * 1024 * 1024,
      description:
        'Stored bytes of messages kept per session; the oldest (and the finished runs they belong to) are dropped as each new one is stored. The newest message is always kept.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Session history retention.' },
);

export const MediaSection = Type.Object(
  {
    dir: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Where media is stored (default <state dir>/media). On a cluster every gateway must mount the same directory here.',
      }),
    ),
    maxItemBytes: Type.Integer({
      minimum: 1024,
      default: 50 * 1024 * 1024,
      description: 'Largest single item stored (inbound or outbound); larger media is refused with a note.',
    }),
    maxTotalBytes: Type.Integer({
      minimum: 1024 * 1024,
      default: 5 * 1024 * 1024 * 1024,
      description: 'All stored media together; past it the oldest items not waiting to be sent make room.',
    }),
    retentionDays: Type.Integer({
      minimum: 1,
      default: 30,
      description: 'Media not received or sent again for this long is deleted.',
    }),
    transcription: Type.Object(
      {
        model: Type.String({
          default: '',
          description: 'Transcription model (e.g. whisper-1). Empty: voice notes are not transcribed.',
        }),
        baseUrl: Type.Optional(
          SecretUrl({
            description:
              'OpenAI-compatible API with /audio/transcriptions (default: agent.openai.baseUrl). A password in it is kept secret.',
          }),
        ),
        apiKeyEnv: Type.String({
          default: 'OPENAI_API_KEY',
          description: 'Environment variable holding its API key.',
        }),
        apiKeyFile: Type.Optional(
          Type.String({ description: 'File holding its API key (default: the agent key file).' }),
        ),
        timeoutMs: Type.Integer({
          minimum: 1000,
          default: 60_000,
          description: 'Longest a transcription may take; the message goes on without it after.',
        }),
      },
      { additionalProperties: false, default: {}, description: 'Voice-note transcription.' },
    ),
  },
  { additionalProperties: false, default: {}, description: 'Media storage and processing.' },
);

export const CronSection = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Run scheduled jobs.' }),
    webhookToken: Type.Optional(
      SecretString({
        minLength: 1,
        description:
          'Sent as `Authorization: Bearer <token>` with every job webhook POST (delivery mode webhook); absent: no auth header. Kept secret.',
      }),
    ),
    webhookSsrfPolicy: Type.Optional(
      Type.Object(
        {
          allowedHostnames: Type.Optional(
            Type.Array(Type.String({ minLength: 1 }), {
              description:
                'Exact hostnames or IP literals a webhook may reach even though they are loopback or private (e.g. "127.0.0.1" for a receiver on this host).',
            }),
          ),
          dangerouslyAllowPrivateNetwork: Type.Optional(
            Type.Boolean({
              description:
                'Let every job webhook reach loopback, private and link-local addresses. Prefer allowedHostnames.',
            }),
          ),
          blockedHostnames: Type.Optional(
            Type.Array(Type.String({ minLength: 1 }), {
              description:
                'Hostnames no job webhook may reach, checked first (before allowedHostnames and dangerouslyAllowPrivateNetwork): exact names or IP literals, or "*.example.com" for every name under example.com (not example.com itself).',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Where job webhooks may go: public addresses only, unless listed here (absent: loopback, private, link-local and other special-use targets are refused).',
        },
      ),
    ),
    webhookTimeoutMs: Type.Integer({
      minimum: 100,
      maximum: 60_000,
      default: 10_000,
      description:
        'How long one webhook POST may take (connect to response headers) before it counts as failed.',
    }),
    webhookRetry: Type.Object(
      {
        attempts: Type.Integer({
          minimum: 1,
          maximum: 20,
          default: 4,
          description: 'POSTs before a webhook delivery is given up (the first and its retries).',
        }),
        delayMs: Type.Integer({
          minimum: 10,
          maximum: 3_600_000,
          default: 5000,
          description: 'Wait before the first retry; each later one waits twice as long as the one before.',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        description:
          'Retries of a failed webhook POST (network error, timeout, HTTP 408, 429 or 5xx); other answers are final.',
      },
    ),
    failureAlert: Type.Optional(CronFailureAlertConfig),
  },
  { additionalProperties: false, default: {}, description: 'Scheduler.' },
);

export const ClusterSection = Type.Object(
  {
    redisUrl: Type.Optional(
      SecretUrl({
        description:
          'redis://[:password@]host:port/db — several gateways share state, events and channel ownership through it. The password is kept secret.',
      }),
    ),
    keyPrefix: Type.String({
      default: 'oc:',
      description: 'Prefix of every Redis key (one cluster per prefix).',
    }),
    leaseTtlMs: Type.Integer({
      minimum: 1000,
      default: 15_000,
      description: 'Channel account lease: another gateway takes over within this long after the owner dies.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Several gateways on one Redis.' },
);

const sections = {
  gateway: GatewaySection,
  auth: AuthSection,
  pairing: PairingSection,
  limits: LimitsSection,
  logging: LoggingSection,
  heartbeat: HeartbeatSection,
  nodes: NodesSection,
  agent: AgentSection,
  agents: AgentsSection,
  bindings: BindingsSection,
  sessions: SessionsSection,
  commands: Type.Optional(CommandsSection),
  media: MediaSection,
  cron: CronSection,
  cluster: ClusterSection,
  ui: UiSection,
};

const CONFIG_DESCRIPTION = 'The gateway config file (JSON5).';

/**
 * The config schema as the protocol knows it: `channels` is open here, because which channels
 * exist (and what their accounts hold) is the providers' business. A gateway validates with
 * `composeGatewayConfig`, which puts each provider's schema under `channels.<id>`.
 */
export const GatewayConfig = Type.Object(
  {
    ...sections,
    channels: Type.Record(Type.String(), Type.Unknown(), {
      default: {},
      description: 'Channel accounts, per channel id (validated by each channel).',
    }),
  },
  { additionalProperties: false, $id: 'GatewayConfig', description: CONFIG_DESCRIPTION },
);
export type GatewayConfig = Static<typeof GatewayConfig>;

/**
 * The full config schema of a gateway that runs these channels: GatewayConfig with
 * `channels.<id>` described (and validated, secrets marked) by each channel's schema. Channel ids
 * not listed are rejected, so no key escapes validation and redaction.
 */
export function composeGatewayConfig(channels: Readonly<Record<string, TSchema>>): TObject {
  const properties: Record<string, TSchema> = {};
  for (const [id, schema] of Object.entries(channels)) properties[id] = Type.Optional(schema);
  // Not a channel: what every channel falls back to (the reference's `channels.defaults`).
  properties.defaults = Type.Optional(ChannelDefaults);
  return Type.Object(
    {
      ...sections,
      channels: Type.Object(properties, {
        additionalProperties: false,
        default: {},
        description: `Channel accounts, per channel id (${Object.keys(channels).join(', ') || 'none'}).`,
      }),
    },
    { additionalProperties: false, $id: 'GatewayConfig', description: CONFIG_DESCRIPTION },
  );
}

/** Keys whose change needs a restart; everything else applies live. */
export const RESTART_REQUIRED_PREFIXES = [
  'cluster',
  'media.dir',
  'gateway.bind',
  'gateway.host',
  'gateway.port',
  'gateway.tls',
] as const;
