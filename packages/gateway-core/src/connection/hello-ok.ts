import {
  EVENT_RESUME_CAPABILITY,
  eventNames,
  type GatewayConfig,
  type HealthSummary,
  type HelloOk,
  type PresenceEntry,
  PUBLISHED_MODEL_CATALOG_CAPABILITY,
  type StateVersion,
} from '@openclaw/protocol';
import type { GatewayIdentity } from '../gateway-identity.ts';
import type { Clock } from '../util/clock.ts';

export interface HelloOkOptions {
  clock: Clock;
  config: () => GatewayConfig;
  gateway: GatewayIdentity;
  /** Methods this gateway serves. */
  methods: () => readonly string[];
  presence: { readonly version: number; list(): PresenceEntry[] };
  health: () => HealthSummary;
  stateVersion: () => StateVersion;
}

interface Parts {
  features: string;
  policy: string;
  tail: string;
  presenceVersion: number;
  presence: string;
  healthAt: number;
  health: string;
}

/**
 * hello-ok as JSON text, assembled from cached pieces: the feature list and policy change only
 * with config, presence only with its version, health at most once a second. With thousands of
 * devices connected, serialising the full snapshot for every connect would dominate the handshake.
 */
export class HelloOkBuilder {
  readonly #o: HelloOkOptions;
  #parts: Parts | undefined;

  constructor(options: HelloOkOptions) {
    this.#o = options;
  }

  /** Forget the cached pieces (config or the method table changed). */
  invalidate(): void {
    this.#parts = undefined;
  }

  json(protocol: number, connId: string, auth: HelloOk['auth']): string {
    const o = this.#o;
    this.#parts ??= this.#freshParts();
    const parts = this.#parts;
    const now = o.clock.now();
    if (parts.presenceVersion !== o.presence.version) {
      parts.presence = JSON.stringify(o.presence.list());
      parts.presenceVersion = o.presence.version;
    }
    if (now - parts.healthAt >= 1000 || !parts.health) {
      parts.health = JSON.stringify(o.health());
      parts.healthAt = now;
    }
    const server = JSON.stringify({ version: o.gateway.version, connId, bootId: o.gateway.bootId });
    return `{"type":"hello-ok","protocol":${protocol},"server":${server},"features":${parts.features},"snapshot":{"presence":${parts.presence},"health":${parts.health},"stateVersion":${JSON.stringify(o.stateVersion())},"uptimeMs":${now - o.gateway.startedAtMs}${parts.tail},"auth":${JSON.stringify(auth)},"policy":${parts.policy}}`;
  }

  #freshParts(): Parts {
    const cfg = this.#o.config();
    const limits = cfg.limits;
    const capabilities =
      limits.replayWindowMs > 0 && limits.replayMaxEvents > 0
        ? [EVENT_RESUME_CAPABILITY, PUBLISHED_MODEL_CATALOG_CAPABILITY]
        : [PUBLISHED_MODEL_CATALOG_CAPABILITY];
    return {
      features: JSON.stringify({ methods: this.#o.methods(), events: eventNames, capabilities }),
      policy: JSON.stringify({
        maxPayload: limits.maxPayload,
        maxBufferedBytes: limits.maxBufferedBytes,
        tickIntervalMs: limits.tickIntervalMs,
      }),
      tail: `,"authMode":${JSON.stringify(cfg.auth.mode)}}`,
      presenceVersion: -1,
      presence: '[]',
      healthAt: 0,
      health: '',
    };
  }
}
