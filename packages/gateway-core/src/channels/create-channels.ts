import type { ReasoningLevel, SendParams, SendResult, WebLoginState } from '@openclaw/protocol';
import { plainChatKey, routedChatOf } from '../agents/agent-routing.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import { createInboundMedia } from '../media/inbound-media.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { Transcriber } from '../media/transcriber.ts';
import { channelSessionOf } from '../sessions/channel-session.ts';
import { outboxReplies } from '../sessions/reply-sink.ts';
import type { Responder } from '../sessions/responder.ts';
import { RunLeases } from '../sessions/run-leases.ts';
import { sessionReasoning } from '../sessions/session-reasoning.ts';
import { type RunSettings, SessionRouter, type SessionRouterOptions } from '../sessions/session-router.ts';
import type { SessionMessageRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { AccessControl } from './access-control.ts';
import { AccountLeases } from './account-leases.ts';
import { AccountTable } from './account-table.ts';
import { ChannelAccounts } from './accounts.ts';
import { ChatActions } from './chat-actions.ts';
import type { SessionCommands } from './chat-commands.ts';
import { chatDirectives } from './chat-directives.ts';
import { DmPairing } from './dm-pairing.ts';
import { ChannelInbound, type ChannelInboundOptions } from './inbound.ts';
import { DeviceLinking } from './linking.ts';
import { Outbox, type OutboxRetryPolicy } from './outbox.ts';
import { ownersOn } from './owner-entries.ts';
import type { ChannelProvider, WebhookRegistrar } from './sdk/types.ts';
import { ChannelSend } from './send.ts';
import type { SessionLevels } from './session-levels.ts';
import { ChannelStatus } from './status.ts';
import type { AccountRuntimeStatus, BackoffPolicy } from './supervisor.ts';

/** Knobs tests (and clusters) turn: lease ttl, reconnect backoff, outbox retries, in-doubt sends. */
export interface ChannelTuning {
  leaseTtlMs?: number | undefined;
  backoff?: Partial<BackoffPolicy> | undefined;
  outboxRetry?: Partial<OutboxRetryPolicy> | undefined;
  inDoubt?: (() => 'resend' | 'skip') | undefined;
}

export interface ChannelsDeps extends ChannelTuning {
  store: Store;
  clock: Clock;
  /** The gateway's logger; the wing logs as components `channels`, `outbox` and `sessions`. */
  log: Logger;
  bus: EventBus;
  providers: readonly ChannelProvider[];
  /** The `channels` section of the config. */
  config: () => Record<string, unknown>;
  stateDir: string;
  /** This gateway's id: the lease holder name. */
  gatewayId: string;
  webhooks?: WebhookRegistrar | undefined;
  /** Inbound messages are counted here (`diagnostics.stability`). */
  diagnostics?: ChannelInboundOptions['diagnostics'];
  /** What answers a conversation's messages, and how its runs behave (read on every run). */
  responder: () => Responder;
  runSettings?: (() => RunSettings) | undefined;
  /** A session's reasoning visibility with the configured defaults applied; absent: its own level only. */
  reasoningLevel?: ((sessionKey: string) => Promise<ReasoningLevel>) | undefined;
  /** Sessions' thinking and reasoning levels, for chat directives (`/think`, `/reasoning`); absent: none are read. */
  sessionLevels?: SessionLevels | undefined;
  /** `commands.ownerAllowFrom`: with owners set for a channel, only they use its directives. */
  ownerAllowFrom?: (() => readonly (string | number)[] | undefined) | undefined;
  /** A chat directive changed a session's settings. */
  onSessionPatched?: ((sessionKey: string) => void) | undefined;
  /** The session commands (`/new`, `/reset`, `/model`, `/status`); absent: they reach the model as text. */
  sessionCommands?: SessionCommands | undefined;
  /** An emoji to react with on a channel message a turn starts for (`agent.ackReaction`). */
  ackReaction?: (() => string | undefined) | undefined;
  /** In a cluster, this gateway as the owner its runs record (each run leased, taken over when it dies). */
  runOwnerId?: string | undefined;
  /** A conversation stored a message (session.message / sessions.changed events). */
  onMessage?: SessionRouterOptions['onMessage'];
  /** A run started or ended in a conversation. */
  onRunChange?: SessionRouterOptions['onRunChange'];
  /** The session of a channel chat: under the agent the bindings route it to. */
  chatSessionKey?: SessionRouterOptions['chatSessionKey'];
  /** The sessions an edit or reaction in a chat may belong to, likeliest first. */
  updateSessionKeys?: ChannelInboundOptions['updateSessionKeys'];
  /** Called when an account's status changes (health events). */
  onStatusChange?: (() => void) | undefined;
  /** A send was queued (the cluster tells the account's owner). */
  onEnqueue?: ((id: string, channel: string, accountId: string) => void) | undefined;
  /** Linking progress of a device account (QR rotations), for `web.login` events. */
  onLogin?: ((state: WebLoginState) => void) | undefined;
  /** The secret values the accounts resolved to, told before any account starts (log scrubbing). */
  onSecrets?: ((values: string[]) => void) | undefined;
  /** The provider of a channel the config starts naming while running. */
  resolveProvider?: ((channel: string) => ChannelProvider | undefined) | undefined;
  /** Where media in and out is stored (without it, media is neither kept nor sent). */
  media?: MediaStore | undefined;
  /** The configured transcriber of voice notes, read per note (undefined: not transcribed). */
  transcriber?: (() => Transcriber | undefined) | undefined;
  /** A stored message changed (an edit, a delete or a reaction on the platform). */
  onMessageUpdated?: ((message: SessionMessageRecord) => void) | undefined;
}

/** The channels wing, by job. */
export interface Channels {
  readonly providers: ChannelProvider[];
  /** Who is configured, one supervisor per account. */
  readonly table: AccountTable;
  /** One lease per account; the outbox's fencing check. */
  readonly leases: AccountLeases;
  /** Accounts and their supervision; `channels.start` / `channels.stop`. */
  readonly accounts: ChannelAccounts;
  /** The way in: dedupe → access control / DM pairing → mention gate → conversation. */
  readonly inbound: ChannelInbound;
  /** Conversations and the runs that answer them (chat, agent and cron use them too). */
  readonly conversations: SessionRouter;
  /** The one durable way out. */
  readonly outbox: Outbox;
  /** Typing, reactions, edits and deletes on channel chats. */
  readonly chatActions: ChatActions;
  readonly access: AccessControl;
  readonly sender: ChannelSend;
  readonly pairing: DmPairing;
  readonly status: ChannelStatus;
  readonly linking: DeviceLinking;
  /** The `send` method (`caller` scopes the idempotency key). */
  send(params: SendParams, caller: string): Promise<SendResult>;
  /** For health: connected/total over enabled accounts. */
  summary(): { connected: number; total: number; accounts: AccountRuntimeStatus[] };
  /** Resolve accounts, resume the outbox, start what is enabled. */
  start(): Promise<void>;
  /** End the runs, close the outbox, stop every account. */
  close(): Promise<void>;
  /** Be told when close() has freed the accounts' leases (to tell the cluster). */
  onAccountsFreed(listener: () => void): void;
  /** Drop old inbound dedupe records and finished outbox rows. */
  sweep(): Promise<void>;
}

const INBOUND_DEDUPE_MS = 7 * 24 * 3600_000;

/**
 * Builds the channels wing in the order a message flows, so no part needs a later one:
 * provider → inbound → conversations → reply sink (the outbox) → provider. The account table
 * comes first (everyone looks accounts up there); the supervisors, which run the providers and
 * close the loop, come last.
 */
export function createChannels(deps: ChannelsDeps): Channels {
  const { store, clock } = deps;
  const log = deps.log.child({ component: 'channels' });
  const table = new AccountTable(deps.providers);
  const leases = new AccountLeases({
    store,
    clock,
    table,
    gatewayId: deps.gatewayId,
    ttlMs: deps.leaseTtlMs,
  });
  const outbox = new Outbox({
    store,
    clock,
    // Its own child of the root: a child of `log` would carry `component` twice (pino appends bindings).
    log: deps.log.child({ component: 'outbox' }),
    capabilities: (channel) => table.capabilities(channel),
    account: (channel, accountId) => table.core(channel, accountId),
    inDoubt: deps.inDoubt ?? (() => 'resend'),
    retry: deps.outboxRetry,
    onChange: (r) => table.noteOutboxChange(r),
    onEnqueue: (r) => deps.onEnqueue?.(r.id, r.channel, r.accountId),
    owns: (channel, accountId) => leases.owns(channel, accountId),
    onSendResult: (channel, accountId, error) => table.noteSend(channel, accountId, error),
    media: deps.media,
  });
  const chatActions = new ChatActions({
    adapter: (channel, accountId) => table.liveAdapter(channel, accountId),
    log: deps.log.child({ component: 'chat-actions' }),
  });
  const media = deps.media;
  const conversations = new SessionRouter({
    store,
    bus: deps.bus,
    clock,
    log: deps.log.child({ component: 'sessions' }),
    responder: deps.responder,
    ...(deps.runSettings ? { settings: deps.runSettings } : {}),
    ...(deps.onMessage ? { onMessage: deps.onMessage } : {}),
    ...(deps.onRunChange ? { onRunChange: deps.onRunChange } : {}),
    chatSessionKey: deps.chatSessionKey,
    ...(media ? { readMedia: (ref: string) => media.read(ref) } : {}),
    typing: (target, on) => chatActions.typing(target, on),
    acknowledge: (target, messageId) => {
      const emoji = deps.ackReaction?.();
      if (!emoji) return;
      // Best effort, like typing: a reaction is never worth failing a turn over.
      chatActions
        .react(target, messageId, emoji)
        .catch((error: unknown) =>
          log.debug({ channel: target.channel, err: (error as Error).message }, 'ack reaction failed'),
        );
    },
    ...(deps.runOwnerId
      ? {
          gatewayId: deps.runOwnerId,
          runLeases: new RunLeases({
            store,
            clock,
            gatewayId: deps.runOwnerId,
            ttlMs: () => leases.ttlMs,
            log: deps.log.child({ component: 'sessions' }),
          }),
        }
      : {}),
    replies: outboxReplies(outbox, {
      // A run's own level (an inline directive, or off for a sender not authorised) comes first.
      showsReasoning: async (key, runId) =>
        ((runId ? (await store.runs.get(runId))?.turn?.reasoning : undefined) ??
          (deps.reasoningLevel ? await deps.reasoningLevel(key) : await sessionReasoning(store.kv, key))) ===
        'on',
      log: deps.log.child({ component: 'sessions' }),
    }),
  });
  const access = new AccessControl(store.channelAccess, () => clock.now());
  const inbound = new ChannelInbound({
    updateSessionKeys: deps.updateSessionKeys,
    diagnostics: deps.diagnostics,
    table,
    store,
    clock,
    log,
    access,
    conversations,
    replies: outbox,
    directives: deps.sessionLevels
      ? chatDirectives({
          access,
          levels: deps.sessionLevels,
          // Read per message; with no owners configured (the common case) nothing else is built.
          owners: (channel) => {
            const entries = deps.ownerAllowFrom?.();
            if (!entries?.length) return [];
            return ownersOn(channel, entries, {
              channels: table.providers.map((p) => p.id),
              normalize: (id) => table.provider(channel)?.normalizeSenderId?.(id) ?? id,
            });
          },
          sessionKeyOf: (env) => (deps.chatSessionKey ?? plainChatKey)(routedChatOf(env)),
          // A chat's first message may be a directive: its session exists from then on, as after a message.
          ensureSession: async (key, env) => {
            await store.sessions.ensure(channelSessionOf(key, env, clock.now()));
          },
          onPatched: deps.onSessionPatched,
          commands: deps.sessionCommands,
        })
      : undefined,
    media: media
      ? createInboundMedia({
          store: media,
          capabilities: (channel) => table.capabilities(channel),
          transcriber: deps.transcriber ?? (() => undefined),
          log: deps.log.child({ component: 'media' }),
        })
      : undefined,
    onMessageUpdated: deps.onMessageUpdated,
  });
  const status = new ChannelStatus({ table, store, clock, outbox });
  const linking = new DeviceLinking({ table, clock, status, onLogin: deps.onLogin });
  const accounts = new ChannelAccounts({
    table,
    leases,
    clock,
    log,
    config: deps.config,
    stateDir: deps.stateDir,
    backoff: deps.backoff,
    webhooks: deps.webhooks,
    inbound,
    outbox,
    linking,
    status,
    onStatusChange: deps.onStatusChange,
    onSecrets: deps.onSecrets,
    resolveProvider: deps.resolveProvider,
  });
  const sender = new ChannelSend(table, outbox, media);
  const pairing = new DmPairing({ table, store, clock, replies: outbox });
  let closed = false;
  let freed: (() => void) | undefined;
  return {
    providers: table.providers,
    table,
    leases,
    accounts,
    inbound,
    conversations,
    outbox,
    chatActions,
    access,
    sender,
    pairing,
    status,
    linking,
    send: (params, caller) => sender.send(params, caller),
    summary: () => status.summary(),
    async start() {
      accounts.load();
      await outbox.start();
      accounts.startEnabled();
    },
    async close() {
      if (closed) return;
      closed = true;
      // Runs first (they end as interrupted), then typing, the sends, and the accounts.
      await conversations.close();
      chatActions.close();
      await outbox.close();
      await accounts.close();
      freed?.();
    },
    onAccountsFreed(listener) {
      freed = listener;
    },
    async sweep() {
      const now = clock.now();
      await store.channelAccess.pruneInbound(now - INBOUND_DEDUPE_MS);
      await store.outbox.prune(now - INBOUND_DEDUPE_MS);
    },
  };
}
