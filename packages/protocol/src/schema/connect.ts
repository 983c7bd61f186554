import { type Static, Type } from '@sinclair/typebox';
import { StateVersion } from './frames.ts';
import { HealthSummary } from './health.ts';
import { PresenceList } from './presence.ts';
import { Count, NonEmptyString, TimestampMs } from './primitives.ts';

export const ConnectChallenge = Type.Object(
  {
    nonce: NonEmptyString('Single-use nonce the client must sign and echo in device.nonce.'),
    ts: TimestampMs('Gateway time; clients put it in device.signedAt.'),
  },
  {
    $id: 'ConnectChallenge',
    additionalProperties: false,
    description: 'Payload of the connect.challenge event.',
  },
);
export type ConnectChallenge = Static<typeof ConnectChallenge>;

export const ClientModes = ['webchat', 'cli', 'ui', 'backend', 'node', 'worker', 'probe', 'test'] as const;
export const ClientMode = Type.Union(
  ClientModes.map((m) => Type.Literal(m)),
  { description: 'What kind of client this is.' },
);
export type ClientMode = Static<typeof ClientMode>;

export const ClientInfo = Type.Object(
  {
    id: NonEmptyString('Client id (cli, openclaw-control-ui, node-host, …).', { maxLength: 64 }),
    displayName: Type.Optional(NonEmptyString('Human name for this client.', { maxLength: 128 })),
    version: NonEmptyString('Client version.', { maxLength: 64 }),
    buildId: Type.Optional(NonEmptyString('Build id.', { maxLength: 96 })),
    platform: NonEmptyString('Platform (linux, macos, windows, ios, android, browser).', { maxLength: 64 }),
    deviceFamily: Type.Optional(NonEmptyString('Device family (Mac, iPhone, …).', { maxLength: 64 })),
    modelIdentifier: Type.Optional(NonEmptyString('Hardware model.', { maxLength: 64 })),
    timeZone: Type.Optional(NonEmptyString('IANA time zone.', { maxLength: 64 })),
    mode: ClientMode,
    instanceId: Type.Optional(
      NonEmptyString('Distinguishes several instances of one client.', { maxLength: 128 }),
    ),
  },
  { $id: 'ClientInfo', additionalProperties: false, description: 'Who is connecting.' },
);
export type ClientInfo = Static<typeof ClientInfo>;

export const DeviceProof = Type.Object(
  {
    id: NonEmptyString('Lowercase hex SHA-256 of the raw public key.', { maxLength: 128 }),
    publicKey: NonEmptyString('Raw 32-byte Ed25519 public key, base64url.', { maxLength: 128 }),
    signature: NonEmptyString('Ed25519 signature of the v3 (or v2) payload, base64url.', { maxLength: 256 }),
    signedAt: TimestampMs('The challenge ts.'),
    nonce: NonEmptyString('The challenge nonce.', { maxLength: 256 }),
  },
  { $id: 'DeviceProof', additionalProperties: false, description: 'Signed proof of the device identity.' },
);
export type DeviceProof = Static<typeof DeviceProof>;

export const ConnectAuth = Type.Object(
  {
    token: Type.Optional(Type.String({ maxLength: 4096, description: 'Shared gateway token.' })),
    password: Type.Optional(Type.String({ maxLength: 4096, description: 'Shared gateway password.' })),
    deviceToken: Type.Optional(Type.String({ maxLength: 4096, description: 'Token issued to this device.' })),
    bootstrapToken: Type.Optional(
      Type.String({ maxLength: 4096, description: 'Setup-code credential (unused).' }),
    ),
  },
  { $id: 'ConnectAuth', additionalProperties: false, description: 'Credentials; at most one is needed.' },
);
export type ConnectAuth = Static<typeof ConnectAuth>;

export const ConnectResume = Type.Object(
  {
    connId: NonEmptyString('The connId of the earlier connection (from its hello-ok).', { maxLength: 128 }),
    lastSeq: Count('The last event seq the client processed on that connection.'),
  },
  {
    $id: 'ConnectResume',
    additionalProperties: false,
    description:
      'Extension: continue an earlier connection event stream. Send only to gateways advertising the `event-resume-v1` capability.',
  },
);
export type ConnectResume = Static<typeof ConnectResume>;

export const ConnectParams = Type.Object(
  {
    minProtocol: Type.Integer({ minimum: 1, description: 'Lowest protocol version the client speaks.' }),
    maxProtocol: Type.Integer({ minimum: 1, description: 'Highest protocol version the client speaks.' }),
    client: ClientInfo,
    role: Type.Optional(NonEmptyString('operator or node (default operator).', { maxLength: 32 })),
    scopes: Type.Optional(
      Type.Array(NonEmptyString('A scope.', { maxLength: 64 }), {
        maxItems: 32,
        description: 'Requested scopes.',
      }),
    ),
    caps: Type.Optional(
      Type.Array(NonEmptyString('A capability.', { maxLength: 64 }), {
        maxItems: 64,
        description: 'Capability categories (nodes) or client features (operators).',
      }),
    ),
    commands: Type.Optional(
      Type.Array(NonEmptyString('A command.', { maxLength: 128 }), {
        maxItems: 512,
        description: 'Node: the exact commands it will run.',
      }),
    ),
    permissions: Type.Optional(
      Type.Record(Type.String({ maxLength: 128 }), Type.Boolean(), {
        description: 'Node: granular permissions.',
      }),
    ),
    pathEnv: Type.Optional(Type.String({ maxLength: 8192, description: 'Node: its PATH, for diagnostics.' })),
    auth: Type.Optional(ConnectAuth),
    locale: Type.Optional(Type.String({ maxLength: 64, description: 'BCP 47 locale.' })),
    userAgent: Type.Optional(Type.String({ maxLength: 512, description: 'User agent string.' })),
    device: Type.Optional(DeviceProof),
    resume: Type.Optional(ConnectResume),
  },
  { $id: 'ConnectParams', additionalProperties: false, description: 'Params of the first request, connect.' },
);
export type ConnectParams = Static<typeof ConnectParams>;

export const ServerInfo = Type.Object(
  {
    version: NonEmptyString('Gateway version.'),
    connId: NonEmptyString('This connection id.'),
    buildId: Type.Optional(NonEmptyString('Build id.', { maxLength: 96 })),
    bootId: Type.Optional(NonEmptyString('Changes on every gateway start.', { maxLength: 96 })),
  },
  { $id: 'ServerInfo', additionalProperties: false, description: 'About the gateway.' },
);

export const Features = Type.Object(
  {
    methods: Type.Array(NonEmptyString('A method.'), { description: 'Methods this gateway serves.' }),
    events: Type.Array(NonEmptyString('An event.'), { description: 'Events this gateway emits.' }),
    capabilities: Type.Optional(
      Type.Array(NonEmptyString('A capability.'), {
        description: 'Additive contracts, e.g. event-resume-v1.',
      }),
    ),
  },
  { $id: 'Features', additionalProperties: false, description: 'What the gateway offers.' },
);

export const AuthModes = ['none', 'token', 'password'] as const;
export const AuthMode = Type.Union(
  AuthModes.map((m) => Type.Literal(m)),
  { description: 'How the gateway authenticates connections.' },
);
export type AuthMode = Static<typeof AuthMode>;

export const Snapshot = Type.Object(
  {
    presence: PresenceList,
    health: HealthSummary,
    stateVersion: StateVersion,
    uptimeMs: Count('Gateway uptime.'),
    authMode: Type.Optional(AuthMode),
  },
  {
    $id: 'Snapshot',
    additionalProperties: false,
    description: 'State a client needs right after connecting.',
  },
);
export type Snapshot = Static<typeof Snapshot>;

export const HelloAuth = Type.Object(
  {
    role: NonEmptyString('The negotiated role.'),
    scopes: Type.Array(NonEmptyString('A scope.'), { description: 'Scopes this socket may use right now.' }),
    deviceToken: Type.Optional(NonEmptyString('Reusable credential for this device and role; store it.')),
    issuedAtMs: Type.Optional(TimestampMs('When deviceToken was issued.')),
  },
  { $id: 'HelloAuth', additionalProperties: false, description: 'The authority this socket holds.' },
);
export type HelloAuth = Static<typeof HelloAuth>;

export const Policy = Type.Object(
  {
    maxPayload: Type.Integer({ minimum: 1, description: 'Largest frame accepted, in bytes.' }),
    maxBufferedBytes: Type.Integer({
      minimum: 1,
      description: 'Outbound bytes the gateway queues for this socket before closing it as a slow consumer.',
    }),
    tickIntervalMs: Type.Integer({ minimum: 1, description: 'Interval of tick events.' }),
  },
  { $id: 'Policy', additionalProperties: false, description: 'Limits for this connection.' },
);
export type Policy = Static<typeof Policy>;

export const HelloOk = Type.Object(
  {
    type: Type.Literal('hello-ok', { description: 'Discriminator.' }),
    protocol: Type.Integer({ minimum: 1, description: 'The negotiated protocol version.' }),
    server: ServerInfo,
    features: Features,
    snapshot: Snapshot,
    auth: HelloAuth,
    policy: Policy,
  },
  { $id: 'HelloOk', additionalProperties: false, description: 'Result of a successful connect.' },
);
export type HelloOk = Static<typeof HelloOk>;
