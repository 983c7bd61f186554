import type { SharedSecrets } from './auth/authenticator.ts';
import type { ChannelTuning } from './channels/create-channels.ts';
import type { ChannelProvider, WebhookRegistrar } from './channels/sdk/types.ts';
import type { ClusterLink } from './cluster/cluster-link.ts';
import type { ConfigManager } from './config/config-manager.ts';
import type { ListenInfo } from './health/health-reporter.ts';
import type { LogRing } from './logging/log-ring.ts';
import type { Logger } from './logging/logger.ts';
import type { CoreMetricsSink } from './metrics/core-metrics.ts';
import type { HandlerOverrides } from './router/router.ts';
import type { Responder } from './sessions/responder.ts';
import type { Store } from './store/types.ts';
import type { Clock } from './util/clock.ts';

/** What the app hands the core: config, store and logger, and the parts it chose (providers, cluster). */
export interface GatewayCoreOptions {
  config: ConfigManager;
  store: Store;
  log: Logger;
  logRing?: LogRing | undefined;
  clock?: Clock;
  version: string;
  /** The effective shared secrets (file config, env, flags or the generated token). */
  secrets: () => SharedSecrets;
  listen?: () => ListenInfo;
  metrics?: CoreMetricsSink;
  /** Check every handler result against its schema (default: on under test). */
  validateResults?: boolean;
  /** Handlers that replace some of the core's own (tests, apps). */
  handlers?: HandlerOverrides[];
  /** Presence batching window (default 100 ms). */
  presenceBatchMs?: number;
  /** Extra presence tags, e.g. `gateway:<id>`. */
  presenceTags?: string[];
  /** Channel providers this gateway can run (accounts come from `channels` in config). */
  providers?: ChannelProvider[];
  /**
   * The provider of a channel the config starts naming while running (a live `channels` change);
   * throws when its platform library is not installed. Without it, only `providers` can run.
   */
  resolveProvider?: (channel: string) => ChannelProvider | undefined;
  /** Where channel accounts keep their own state. Required with providers. */
  stateDir?: string;
  /** Mounts webhook routes on the HTTP server. */
  webhooks?: WebhookRegistrar;
  /** This gateway's id (lease holder); defaults to the boot id. */
  gatewayId?: string;
  /** Tuning for tests: lease ttl, backoff, outbox retry. */
  channelTuning?: ChannelTuning;
  /** What answers messages (default: from config, echo unless agent.backend says otherwise). */
  responder?: () => Responder;
  /** Arm real timers for cron (default true; tests with a manual clock call core.cron.tick()). */
  cronTimers?: boolean;
  /** Several gateways sharing one backend (Redis): events, presence, node invokes, outbox notices. */
  cluster?: ClusterLink;
  /** Channel accounts resolved these secrets (config, env, token files): scrub them from logs. */
  onChannelSecrets?: (values: string[]) => void;
}
