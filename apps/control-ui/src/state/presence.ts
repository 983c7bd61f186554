import type { PresenceEntry, PresenceEvent } from '@openclaw/protocol';

/** The key the gateway lists a device under (what `presence.removed` names). */
export function presenceKey(entry: PresenceEntry): string {
  return entry.deviceId ?? entry.instanceId ?? `${entry.host ?? '?'}@${entry.ip ?? '?'}`;
}

/**
 * The gateway lists itself first in `system-presence` (as the reference does); the overview
 * describes the gateway above, so its table keeps to the clients connected to it.
 */
export function isGatewaySelf(entry: PresenceEntry): boolean {
  return entry.mode === 'gateway' && entry.reason === 'self';
}

/** Apply one coalesced presence delta to a list: upsert `changed`, drop `removed`. */
export function applyPresence(list: readonly PresenceEntry[], event: PresenceEvent): PresenceEntry[] {
  const byKey = new Map(list.map((e) => [presenceKey(e), e]));
  for (const key of event.removed) byKey.delete(key);
  for (const entry of event.changed) byKey.set(presenceKey(entry), entry);
  return sortPresence([...byKey.values()]);
}

/** Operators first, then by name; stable for rendering. */
export function sortPresence(list: PresenceEntry[]): PresenceEntry[] {
  const rank = (e: PresenceEntry) => (e.roles?.includes('operator') ? 0 : 1);
  return list.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.host ?? '').localeCompare(b.host ?? '') ||
      presenceKey(a).localeCompare(presenceKey(b)),
  );
}
