export { defaultConfig, GatewayConfig, parseConfig } from '@openclaw/protocol';
export { AuditLog } from './audit/audit-log.ts';
export {
  AuthLimiter,
  type AuthLimitPolicy,
  type AuthPeer,
  type CredentialKind,
  LOOPBACK_MAX_WAIT_MS,
  peerKey,
} from './auth/auth-limiter.ts';
export type { SharedSecrets } from './auth/authenticator.ts';
export {
  CANVAS_SESSION_COOKIE,
  type HttpAudience,
  HttpAuthenticator,
  type HttpAuthFailure,
  type HttpAuthOutcome,
  type HttpAuthRequest,
} from './auth/http-authenticator.ts';
export { generateSecret, hashToken, secretsEqual } from './auth/secrets.ts';
export { AccessControl, mentionGate, newPairingCode, PAIRING_ALPHABET } from './channels/access-control.ts';
export { type CoreAccountConfig, parseProviderAccount, resolveAccounts } from './channels/account-config.ts';
export {
  accountConfigSchema,
  CORE_ACCOUNT_KEYS,
  channelConfigSchema,
  coreAccountProperties,
  gatewayConfigSchema,
} from './channels/account-schema.ts';
export { AccountTable } from './channels/account-table.ts';
export { ChannelAccounts, DEFAULT_BACKOFF } from './channels/accounts.ts';
export { ChatActionError, ChatActions, type ChatTarget } from './channels/chat-actions.ts';
export {
  type Channels,
  type ChannelsDeps,
  type ChannelTuning,
  createChannels,
} from './channels/create-channels.ts';
export { Outbox, OutboxError } from './channels/outbox.ts';
export * from './channels/sdk/index.ts';
export { type AccountRuntimeStatus, AccountSupervisor } from './channels/supervisor.ts';
export { ClusterBridge } from './cluster/cluster-bridge.ts';
export type { ClusterLink, ClusterMessage } from './cluster/cluster-link.ts';
export { type ConfigChange, ConfigManager, type ConfigManagerOptions } from './config/config-manager.ts';
export { type ConfigWatcher, type ConfigWatcherOptions, watchConfigFile } from './config/config-watcher.ts';
export { Connection } from './connection/connection.ts';
export { type ConnectionHandle, ConnectionHub } from './connection/connection-hub.ts';
export { attachSocket, type WsSocketLike } from './connection/socket-adapter.ts';
export {
  type Caller,
  callerId,
  type PeerInfo,
  type Session,
  type Transport,
} from './connection/transport.ts';
export { runRow, settleDelivery } from './cron/run-rows.ts';
export { MAX_PENDING_WEBHOOKS, type PendingWebhook, WebhookQueue } from './cron/webhook-queue.ts';
export { CoreError, type CoreErrorCode } from './errors/core-error.ts';
export { EventBus, eventHead } from './events/event-bus.ts';
export { createGatewayCore, GatewayCore } from './gateway-core.ts';
export type { GatewayCoreOptions } from './gateway-core-options.ts';
export {
  type ChannelHealthSource,
  HealthReporter,
  type ListenInfo,
  type ReadinessCheck,
} from './health/health-reporter.ts';
export { LogRing } from './logging/log-ring.ts';
export { createLogger, createSilentLogger, type Logger, REDACT_PATHS } from './logging/logger.ts';
export { SecretScrubber } from './logging/secret-scrubber.ts';
export { formatBytes, MediaError, type MediaErrorCode, MediaTooLargeError } from './media/media-errors.ts';
export {
  FileMediaStore,
  isMediaId,
  type MediaItem,
  type MediaLimits,
  type MediaSource,
  type MediaStore,
} from './media/media-store.ts';
export { isInlineSafe, sniffMime } from './media/sniff.ts';
export type { CoreMetricsSink } from './metrics/core-metrics.ts';
export type {
  FamilyHandlers,
  Handler,
  HandlerOverrides,
  HandlerTable,
  RequestContext,
} from './router/router.ts';
export { replyOutboxId } from './sessions/reply-sink.ts';
export { echoResponder, type Responder } from './sessions/responder.ts';
export { channelSessionKey, parseChannelSessionKey } from './sessions/session-keys.ts';
export { type ReplySink, SessionRouter } from './sessions/session-router.ts';
export * from './store/index.ts';
export { type Clock, ManualClock, systemClock } from './util/clock.ts';
