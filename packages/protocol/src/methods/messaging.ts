import { type Static, Type } from '@sinclair/typebox';
import { Count, IdempotencyKey, NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

const OptStr = (description: string) => Type.Optional(Type.String({ description }));
const Nullable = <T extends ReturnType<typeof TimestampMs>>(t: T) => Type.Union([t, Type.Null()]);

export const SendParams = Strict(
  {
    to: NonEmptyString('Target on the channel: chat id, user id, phone number, channel id.'),
    message: OptStr('Text to send.'),
    mediaUrl: OptStr(
      'One media attachment: a data: URI, or a stored item as media:<sha256> (or its /__openclaw__/media/<sha256> URL).',
    ),
    mediaUrls: Type.Optional(
      Type.Array(Type.String(), { maxItems: 10, description: 'Several attachments.' }),
    ),
    buffer: OptStr('Attachment content, base64.'),
    filename: OptStr('Attachment file name.'),
    contentType: OptStr('Attachment MIME type (a hint: the type is sniffed from the bytes).'),
    asVoice: Type.Optional(
      Type.Boolean({ description: 'Send audio as a voice note (refused where the platform has none).' }),
    ),
    forceDocument: Type.Optional(
      Type.Boolean({ description: 'Send as a file, not as a photo or video (no recompression).' }),
    ),
    channel: OptStr('Channel id (telegram, slack, …); the default channel when absent.'),
    accountId: OptStr('Account on that channel; the default account when absent.'),
    replyToId: OptStr('Platform message id to reply to.'),
    threadId: OptStr('Thread to post in.'),
    silent: Type.Optional(Type.Boolean({ description: 'Send without notification where supported.' })),
    sessionKey: OptStr('Session to record the message in.'),
    idempotencyKey: IdempotencyKey,
  },
  { $id: 'SendParams', description: 'Send a message through a channel (durably queued).' },
);

export const SendResult = Strict(
  {
    messageId: NonEmptyString('Outbox id of this send.'),
    channel: NonEmptyString('Channel.'),
    accountId: NonEmptyString('Account.'),
    to: NonEmptyString('Target.'),
    status: Type.Union([Type.Literal('queued'), Type.Literal('delivered'), Type.Literal('failed')], {
      description: 'queued: accepted and persisted; delivery follows.',
    }),
    platformMessageIds: Type.Optional(
      Type.Array(Type.String(), { description: 'Ids the platform assigned.' }),
    ),
    chunks: Type.Optional(Count('How many platform messages the text became.')),
  },
  { $id: 'SendResult', description: 'The send was accepted (and persisted) by the outbox.' },
);

export const send = defineMethod({
  name: 'send',
  description: 'Send a message through a channel. Persisted before it is acknowledged; delivered once.',
  params: SendParams,
  result: SendResult,
  scope: 'operator.write',
  sideEffect: true,
});

export const ChannelProbeResult = Strict(
  {
    ok: Type.Boolean({ description: 'The platform answered and accepted the credentials.' }),
    elapsedMs: Count('How long the probe took.'),
    error: OptStr('Why it failed.'),
    self: Type.Optional(
      Strict(
        { id: NonEmptyString('Bot or user id.'), name: OptStr('Name.') },
        { description: 'Who the platform says the account is.' },
      ),
    ),
  },
  {
    $id: 'ChannelProbeResult',
    description: 'One live check of an account against its platform (Telegram getMe, Slack auth.test, …).',
  },
);

export const ChannelAccountStatus = Strict(
  {
    accountId: NonEmptyString('Account id.'),
    name: OptStr('Account label.'),
    enabled: Type.Optional(Type.Boolean({ description: 'Enabled in config.' })),
    configured: Type.Optional(Type.Boolean({ description: 'Has the credentials it needs.' })),
    linked: Type.Optional(Type.Boolean({ description: 'Linked (WhatsApp).' })),
    running: Type.Optional(Type.Boolean({ description: 'Supervisor running.' })),
    connected: Type.Optional(Type.Boolean({ description: 'Connected to the platform.' })),
    reconnectAttempts: Type.Optional(Count('Reconnect attempts in the current outage.')),
    lastConnectedAt: Type.Optional(Nullable(TimestampMs('Last connected.'))),
    lastError: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'The error that keeps the account from working; null once it works again.',
      }),
    ),
    lastErrorAt: Type.Optional(Nullable(TimestampMs('When lastError last happened.'))),
    failingSince: Type.Optional(
      Nullable(
        TimestampMs(
          'Since when the account has not been working (degraded, backoff, failed, needs-action); null while it works.',
        ),
      ),
    ),
    healthState: OptStr(
      'starting, running, degraded (was running; its connection or sends fail, retrying), backoff (could not start; retrying), awaiting-login, needs-action, failed, held-elsewhere, stopped, not-configured, disabled. See docs/CHANNELS.md.',
    ),
    lastStartAt: Type.Optional(Nullable(TimestampMs('Last start.'))),
    lastStopAt: Type.Optional(Nullable(TimestampMs('Last stop.'))),
    lastInboundAt: Type.Optional(Nullable(TimestampMs('Last inbound message.'))),
    lastOutboundAt: Type.Optional(Nullable(TimestampMs('Last outbound message.'))),
    mode: OptStr('polling, webhook, socket, …'),
    dmPolicy: OptStr('pairing, allowlist, open or disabled.'),
    allowFrom: Type.Optional(Type.Array(Type.String(), { description: 'Allowed senders.' })),
    queued: Type.Optional(Count('Outbox records waiting for this account.')),
    self: Type.Optional(
      Strict(
        { id: NonEmptyString('Bot or user id.'), name: OptStr('Name.'), username: OptStr('Username.') },
        { description: 'Who the account is on the platform.' },
      ),
    ),
    action: OptStr('What the operator must do (after a non-retryable failure).'),
    probe: Type.Optional(ChannelProbeResult),
    lastProbeAt: Type.Optional(Nullable(TimestampMs('When the probe in `probe` ran.'))),
    heldBy: OptStr('The gateway that holds this account (single owner).'),
    lastDisconnect: Type.Optional(
      Strict(
        { at: TimestampMs('When.'), reason: Type.String({ description: 'Why.' }) },
        { description: 'The last disconnect.' },
      ),
    ),
  },
  { $id: 'ChannelAccountStatus', description: 'Status of one channel account.' },
);

export const ChannelsStatusResult = Strict(
  {
    ts: TimestampMs('When.'),
    channelOrder: Type.Array(NonEmptyString('Channel id.'), { description: 'Display order.' }),
    channelLabels: Type.Record(Type.String(), NonEmptyString('Label.'), { description: 'Labels.' }),
    channels: Type.Record(Type.String(), Type.Unknown(), { description: 'Per-channel summary.' }),
    channelAccounts: Type.Record(Type.String(), Type.Array(ChannelAccountStatus), {
      description: 'Accounts per channel.',
    }),
    channelDefaultAccountId: Type.Record(Type.String(), Type.String(), { description: 'Default account.' }),
  },
  { $id: 'ChannelsStatusResult', description: 'Every channel and account.' },
);

export const channelsStatus = defineMethod({
  name: 'channels.status',
  description: 'Status of every channel account, with inbound liveness.',
  params: Strict(
    {
      probe: Type.Optional(
        Type.Boolean({
          description: "Call each account's probe now (in parallel) and return the result in `probe`.",
        }),
      ),
      timeoutMs: Type.Optional(Count('Budget of each probe in ms (default 5000, at most 30000).')),
      channel: Type.Optional(NonEmptyString('Only this channel.')),
    },
    { $id: 'ChannelsStatusParams', description: 'Filter.' },
  ),
  result: ChannelsStatusResult,
  scope: 'operator.read',
  sideEffect: false,
});

const ChannelTarget = (id: string, description: string) =>
  Strict(
    { channel: NonEmptyString('Channel id.'), accountId: OptStr('Account (all accounts when absent).') },
    { $id: id, description },
  );

const ChannelActionResult = (id: string) =>
  Strict(
    {
      channel: NonEmptyString('Channel.'),
      accounts: Type.Array(ChannelAccountStatus, {
        description: 'Accounts acted on, with their new status.',
      }),
    },
    { $id: id, description: 'Outcome.' },
  );

export const channelsStart = defineMethod({
  name: 'channels.start',
  description:
    'Start (or restart) a channel account and answer with its state once it has left `starting` (or the wait ran out).',
  params: Strict(
    {
      channel: NonEmptyString('Channel id.'),
      accountId: OptStr('Account (all accounts when absent).'),
      timeoutMs: Type.Optional(
        Count('How long to wait for the account to leave `starting`, in ms (default 10000, at most 60000).'),
      ),
    },
    { $id: 'ChannelsStartParams', description: 'Which account, and how long to wait for it.' },
  ),
  result: ChannelActionResult('ChannelsStartResult'),
  scope: 'operator.admin',
  sideEffect: false,
});

export const channelsStop = defineMethod({
  name: 'channels.stop',
  description: 'Stop a channel account.',
  params: ChannelTarget('ChannelsStopParams', 'Which account.'),
  result: ChannelActionResult('ChannelsStopResult'),
  scope: 'operator.admin',
  sideEffect: false,
});

export const channelsLogout = defineMethod({
  name: 'channels.logout',
  description: 'Stop a channel account and forget its session (WhatsApp must link again).',
  params: ChannelTarget('ChannelsLogoutParams', 'Which account.'),
  result: ChannelActionResult('ChannelsLogoutResult'),
  scope: 'operator.admin',
  sideEffect: false,
});

export const ChannelPairingRequest = Strict(
  {
    requestId: NonEmptyString('Request id (the code the sender was given).'),
    channel: NonEmptyString('Channel.'),
    channelLabel: NonEmptyString('Channel label.'),
    accountId: NonEmptyString('Account.'),
    senderId: NonEmptyString('Platform sender id.'),
    senderLabel: NonEmptyString('Sender name.'),
    createdAt: NonEmptyString('ISO time.'),
    lastSeenAt: NonEmptyString('ISO time.'),
    expiresAt: NonEmptyString('ISO time.'),
    notifySupported: Type.Boolean({ description: 'The sender can be told of approval.' }),
  },
  { $id: 'ChannelPairingRequest', description: 'An unknown DM sender waiting for approval.' },
);

export const channelsPairingList = defineMethod({
  name: 'channels.pairing.list',
  description: 'DM senders waiting for approval.',
  params: Strict(
    {
      channel: Type.Optional(NonEmptyString('Channel.')),
      accountId: Type.Optional(NonEmptyString('Account.')),
    },
    { $id: 'ChannelsPairingListParams', description: 'Filter.' },
  ),
  result: Strict(
    {
      accounts: Type.Array(
        Strict(
          {
            channel: NonEmptyString('Channel.'),
            channelLabel: NonEmptyString('Label.'),
            accountId: NonEmptyString('Account.'),
            notifySupported: Type.Boolean({ description: 'Can notify.' }),
          },
          { description: 'An account using DM pairing.' },
        ),
        { description: 'Accounts.' },
      ),
      requests: Type.Array(ChannelPairingRequest, { description: 'Requests.' }),
      commandOwnerConfigured: Type.Boolean({ description: 'Unused; always false.' }),
      limits: Strict(
        { pendingPerAccount: Count('Cap per account.'), ttlMs: Count('Code lifetime.') },
        { description: 'Limits.' },
      ),
    },
    { $id: 'ChannelsPairingListResult', description: 'Pending DM pairing requests.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const channelsPairingApprove = defineMethod({
  name: 'channels.pairing.approve',
  description: 'Approve a DM sender by its code; they are added to the account allowlist.',
  params: Strict(
    {
      channel: NonEmptyString('Channel.'),
      accountId: NonEmptyString('Account.'),
      requestId: NonEmptyString('The code.'),
      notify: Type.Optional(Type.Boolean({ description: 'Tell the sender.' })),
    },
    { $id: 'ChannelsPairingApproveParams', description: 'Which request.' },
  ),
  result: Strict(
    {
      requestId: NonEmptyString('Request.'),
      senderId: NonEmptyString('Sender.'),
      notification: Type.Union(
        [
          Type.Literal('not-requested'),
          Type.Literal('sent'),
          Type.Literal('unsupported'),
          Type.Literal('failed'),
        ],
        { description: 'Whether the sender was told.' },
      ),
      commandOwnerBootstrap: Type.Literal('not-requested', { description: 'Unused.' }),
    },
    { $id: 'ChannelsPairingApproveResult', description: 'Outcome.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const channelsPairingDismiss = defineMethod({
  name: 'channels.pairing.dismiss',
  description: 'Dismiss a DM pairing request.',
  params: Strict(
    {
      channel: NonEmptyString('Channel.'),
      accountId: NonEmptyString('Account.'),
      requestId: NonEmptyString('Code.'),
    },
    { $id: 'ChannelsPairingDismissParams', description: 'Which request.' },
  ),
  result: Strict(
    { requestId: NonEmptyString('Request.'), senderId: NonEmptyString('Sender.') },
    { $id: 'ChannelsPairingDismissResult', description: 'Outcome.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const WebLoginState = Strict(
  {
    accountId: NonEmptyString('Account.'),
    status: Type.Union(
      [
        Type.Literal('qr'),
        Type.Literal('linked'),
        Type.Literal('expired'),
        Type.Literal('failed'),
        Type.Literal('connecting'),
      ],
      { description: 'qr: scan the code; linked: done; connecting: no QR yet; expired: start again.' },
    ),
    qr: Type.Optional(Type.String({ description: 'QR payload as text (draw it in a terminal).' })),
    qrDataUrl: Type.Optional(Type.String({ description: 'QR as a PNG data URL.' })),
    expiresAtMs: Type.Optional(TimestampMs('When this QR rotates.')),
    message: Type.Optional(Type.String({ description: 'Human status.' })),
  },
  { $id: 'WebLoginState', description: 'State of a WhatsApp linking attempt.' },
);

export const webLoginStart = defineMethod({
  name: 'web.login.start',
  description: 'Start linking WhatsApp; returns the current QR.',
  params: Strict(
    {
      force: Type.Optional(Type.Boolean({ description: 'Re-link even if linked.' })),
      timeoutMs: Type.Optional(Count('How long to wait for the first QR.')),
      accountId: OptStr('Account.'),
    },
    { $id: 'WebLoginStartParams', description: 'Start linking.' },
  ),
  result: WebLoginState,
  scope: 'operator.admin',
  sideEffect: false,
});

export const webLoginWait = defineMethod({
  name: 'web.login.wait',
  description: 'Wait until linked, expired, or the QR rotates (then returns the new QR).',
  params: Strict(
    {
      timeoutMs: Type.Optional(Count('How long to wait.')),
      accountId: OptStr('Account.'),
      currentQrDataUrl: Type.Optional(
        Type.String({ maxLength: 16384, description: 'The QR the caller shows.' }),
      ),
    },
    { $id: 'WebLoginWaitParams', description: 'Wait for linking.' },
  ),
  result: WebLoginState,
  scope: 'operator.admin',
  sideEffect: false,
});

export const messagingMethods = [
  send,
  channelsStatus,
  channelsStart,
  channelsStop,
  channelsLogout,
  channelsPairingList,
  channelsPairingApprove,
  channelsPairingDismiss,
  webLoginStart,
  webLoginWait,
] as const;

export type SendParams = Static<typeof SendParams>;
export type SendResult = Static<typeof SendResult>;
export type ChannelProbeResult = Static<typeof ChannelProbeResult>;
export type ChannelAccountStatus = Static<typeof ChannelAccountStatus>;
export type ChannelsStatusResult = Static<typeof ChannelsStatusResult>;
export type ChannelPairingRequest = Static<typeof ChannelPairingRequest>;
export type WebLoginState = Static<typeof WebLoginState>;
