import { GatewayRequestError } from '@openclaw/protocol';

/** "3 min ago", "in 2 h", "just now". */
export function ago(ts: number | null | undefined, now = Date.now()): string {
  if (ts === null || ts === undefined) return 'never';
  const d = now - ts;
  const abs = Math.abs(d);
  const phrase = abs < 5_000 ? '' : duration(abs);
  if (!phrase) return 'just now';
  return d >= 0 ? `${phrase} ago` : `in ${phrase}`;
}

/** A coarse human duration: "42 s", "5 min", "3 h 10 min", "2 d 4 h". */
export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A local date-time for titles. */
export function when(ts: number | null | undefined): string {
  return ts ? new Date(ts).toLocaleString() : '';
}

/** The first 12 hex digits of a device id: enough to tell devices apart on screen. */
export function shortId(id: string | undefined): string {
  return id ? id.slice(0, 12) : '?';
}

/** A gateway error as one line, with its code. */
export function errorText(error: unknown): string {
  if (error instanceof GatewayRequestError) {
    const code = error.detailCode ?? error.code;
    return `${error.message} (${code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A random id for idempotency keys and new session keys. */
export function randomId(): string {
  return crypto.randomUUID?.() ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
}
