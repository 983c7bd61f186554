import type { PresenceEntry } from '@openclaw/protocol';

/** A message between gateways. `to` absent: everyone; otherwise one gateway's inbox. */
export interface ClusterMessage {
  from: string;
  to?: string | undefined;
  kind: string;
  body: unknown;
}

/**
 * What the core needs from a cluster backend: broadcast and direct messages between gateways,
 * each gateway's presence rows, and whether the backend is reachable. `@openclaw/store-redis`
 * implements it on Redis pub/sub; the core never imports a Redis client.
 */
export interface ClusterLink {
  readonly gatewayId: string;
  /** Fire and forget; rejects when the backend is down. */
  send(message: Omit<ClusterMessage, 'from'>): Promise<void>;
  /** Messages for everyone and for this gateway, excluding its own broadcasts. */
  onMessage(handler: (message: ClusterMessage) => void): void;
  /** Replace this gateway's presence rows (kept alive by the link; gone when it stops renewing). */
  setPresence(entries: PresenceEntry[]): Promise<void>;
  /** Every live gateway's presence rows, by gateway id. */
  presence(): Promise<Map<string, PresenceEntry[]>>;
  healthy(): boolean;
  onHealthChange(handler: (healthy: boolean) => void): void;
  close(): Promise<void>;
}
