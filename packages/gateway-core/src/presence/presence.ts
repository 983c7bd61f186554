import type { PresenceEntry } from '@openclaw/protocol';
import type { Connection } from '../connection/connection.ts';
import type { Clock } from '../util/clock.ts';

interface DevicePresence {
  key: string;
  conns: Set<Connection>;
  onlineSince: number;
  entry: PresenceEntry;
  /** Open connections per role and per scope: a connect or disconnect updates them in O(1). */
  roles: Map<string, number>;
  scopes: Map<string, number>;
  /** The connection whose client details the entry shows: the newest operator, else the oldest. */
  primary: Connection | undefined;
  lastActivity: number;
}

export interface PresenceChange {
  changed: PresenceEntry[];
  removed: string[];
}

/** The parts of an entry that make a change worth announcing. */
function signature(e: PresenceEntry): string {
  return `${e.roles?.join(',')}|${e.scopes?.join(',')}|${e.host}|${e.ip}|${e.version}|${e.platform}|${e.mode}`;
}

/** The key a connection's device is listed under: its device id, or the connection for device-less clients. */
export function presenceKey(conn: Connection): string {
  return conn.session?.deviceId ?? `conn:${conn.connId}`;
}

/**
 * Who is connected, one entry per device: a device connected as operator and as node is one
 * row with both roles. Changes are coalesced and published as deltas, each bumping the
 * presence state version.
 */
export class PresenceRegistry {
  readonly #devices = new Map<string, DevicePresence>();
  readonly #clock: Clock;
  #version = 0;
  #pendingChanged = new Set<string>();
  #pendingRemoved = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #batchMs: number;
  readonly #onFlush: (change: PresenceChange, version: number) => void;
  /** Extra tags (e.g. `gateway:<id>` in a cluster). */
  readonly #tags: string[];

  constructor(options: {
    clock: Clock;
    batchMs: number;
    tags?: string[];
    onFlush: (change: PresenceChange, version: number) => void;
  }) {
    this.#clock = options.clock;
    this.#batchMs = options.batchMs;
    this.#onFlush = options.onFlush;
    this.#tags = options.tags ?? [];
  }

  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#devices.size;
  }

  list(): PresenceEntry[] {
    return [...this.#devices.values()].map((d) => d.entry);
  }

  add(conn: Connection): void {
    const key = presenceKey(conn);
    let d = this.#devices.get(key);
    if (!d) {
      d = {
        key,
        conns: new Set(),
        onlineSince: this.#clock.now(),
        entry: { ts: 0 },
        roles: new Map(),
        scopes: new Map(),
        primary: undefined,
        lastActivity: 0,
      };
      this.#devices.set(key, d);
    }
    if (d.conns.has(conn)) return;
    d.conns.add(conn);
    const s = conn.session;
    if (s) {
      count(d.roles, s.role, 1);
      for (const sc of s.scopes) count(d.scopes, sc, 1);
      // As a scan in connect order would pick: the newest operator, else the oldest connection.
      if (!d.primary || s.role === 'operator') d.primary = conn;
    }
    if (conn.lastActivityAt > d.lastActivity) d.lastActivity = conn.lastActivityAt;
    this.#update(d, 'connect');
  }

  remove(conn: Connection): void {
    const key = presenceKey(conn);
    const d = this.#devices.get(key);
    if (!d?.conns.delete(conn)) return;
    if (d.conns.size === 0) {
      this.#devices.delete(key);
      this.#mark(key, true);
      return;
    }
    const s = conn.session;
    if (s) {
      count(d.roles, s.role, -1);
      for (const sc of s.scopes) count(d.scopes, sc, -1);
    }
    // Only when the shown connection leaves are the others looked at (for the next one to show).
    if (d.primary === conn) {
      d.primary = undefined;
      for (const c of d.conns) {
        const cs = c.session;
        if (cs && (!d.primary || cs.role === 'operator')) d.primary = c;
      }
    }
    this.#update(d, 'disconnect');
  }

  /**
   * Rebuild a device's entry; announce it only when something a viewer would see changed
   * (roles, scopes, client details). Another socket of the same device is not news, and
   * announcing it would send every viewer an event per connect.
   */
  #update(d: DevicePresence, reason: string): void {
    const before = d.entry;
    const next = this.#build(d, reason);
    d.entry = next;
    if (before.ts === 0 || signature(before) !== signature(next)) this.#mark(d.key, false);
  }

  #build(d: DevicePresence, reason: string): PresenceEntry {
    const primary = d.primary;
    const lastActivity = d.lastActivity;
    const s = primary?.session;
    const entry: PresenceEntry = { ts: this.#clock.now(), onlineSince: d.onlineSince, reason };
    if (s?.deviceId) entry.deviceId = s.deviceId;
    else entry.instanceId = d.key;
    if (s?.displayName) entry.host = s.displayName;
    if (primary?.peer.remoteAddress) entry.ip = primary.peer.remoteAddress;
    if (s?.clientVersion) entry.version = s.clientVersion;
    if (s?.platform) entry.platform = s.platform;
    if (s?.deviceFamily) entry.deviceFamily = s.deviceFamily;
    if (s?.clientMode) entry.mode = s.clientMode;
    if (lastActivity) entry.lastActivityAt = lastActivity;
    entry.roles = [...d.roles.keys()].sort();
    entry.scopes = [...d.scopes.keys()].sort();
    const tags = [...this.#tags];
    if (s?.clientId) tags.push(`client:${s.clientId}`);
    if (tags.length) entry.tags = tags;
    entry.text = `${s?.displayName ?? s?.clientId ?? 'client'} (${entry.roles.join('+')})`;
    return entry;
  }

  #mark(key: string, removed: boolean): void {
    if (removed) {
      this.#pendingChanged.delete(key);
      this.#pendingRemoved.add(key);
    } else {
      this.#pendingRemoved.delete(key);
      this.#pendingChanged.add(key);
    }
    if (this.#batchMs <= 0) {
      this.flush();
      return;
    }
    if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), this.#batchMs);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** Publish pending changes now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pendingChanged.size === 0 && this.#pendingRemoved.size === 0) return;
    const changed: PresenceEntry[] = [];
    for (const key of this.#pendingChanged) {
      const d = this.#devices.get(key);
      if (d) changed.push(d.entry);
    }
    const removed = [...this.#pendingRemoved];
    this.#pendingChanged.clear();
    this.#pendingRemoved.clear();
    this.#version++;
    this.#onFlush({ changed, removed }, this.#version);
  }

  /** Whether a device has a live connection, optionally in a role. */
  isConnected(deviceId: string, role?: string): boolean {
    const d = this.#devices.get(deviceId);
    if (!d) return false;
    if (!role) return true;
    for (const c of d.conns) if (c.session?.role === role) return true;
    return false;
  }

  connectionsOf(deviceId: string): Connection[] {
    return [...(this.#devices.get(deviceId)?.conns ?? [])];
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** Add `by` to a key's count; a count that reaches 0 is removed. */
function count(m: Map<string, number>, key: string, by: number): void {
  const n = (m.get(key) ?? 0) + by;
  if (n > 0) m.set(key, n);
  else m.delete(key);
}
