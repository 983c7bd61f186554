import {
  formatLogLine,
  formatLogTime,
  formatLogValue,
  type LogEntry,
  type LogLevelName,
  LogLevels,
  levelName,
  parseLogLine,
} from '@openclaw/protocol';

export const LEVELS = Object.keys(LogLevels) as LogLevelName[];

/** One log line as the Logs page shows it. */
export interface LogRow {
  id: number;
  /** The line as the gateway sent it (what a JSON export writes). */
  raw: string;
  /** Undefined for a line that is not JSON (shown as it is, at every level filter). */
  entry: LogEntry | undefined;
  level: LogLevelName | undefined;
  /** Lower-cased text the search looks in. */
  haystack: string;
}

// Keys that say nothing on screen: pino's process fields. (The copies of msg/time/level that
// logs.tail adds for readers of the reference log format are dropped by the protocol's parser.)
const HIDDEN = new Set(['pid', 'hostname']);

/** A raw log line, read once with the protocol's parser. */
export function toLogRow(id: number, raw: string): LogRow {
  const parsed = parseLogLine(raw);
  if (!parsed) return { id, raw, entry: undefined, level: undefined, haystack: raw.toLowerCase() };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed.fields)) {
    if (!HIDDEN.has(k)) fields[k] = v;
  }
  const entry: LogEntry = { ...parsed, fields };
  const level = levelName(entry.level);
  const haystack = `${level} ${entry.component ?? ''} ${entry.msg} ${fieldText(entry)}`.toLowerCase();
  return { id, raw, entry, level, haystack };
}

/** The fields of a line as `key=value` pairs, as the CLI prints them. */
export function fieldText(entry: LogEntry): string {
  return Object.entries(entry.fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${formatLogValue(v)}`)
    .join(' ');
}

/** `14:03:27.120` in the browser's time zone, with the date when not today. */
export function rowTime(row: LogRow, now = Date.now()): string {
  const t = row.entry?.time;
  return t === undefined || !Number.isFinite(t) ? '' : formatLogTime(t, now);
}

export interface LogFilter {
  /** Levels shown; lines that are not JSON are always shown. */
  levels: ReadonlySet<LogLevelName>;
  /** Words that must all appear (level, component, message or fields). */
  text: string;
}

export function filterRows(rows: readonly LogRow[], filter: LogFilter): LogRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const allLevels = filter.levels.size === LEVELS.length;
  return rows.filter(
    (r) =>
      (allLevels || r.level === undefined || filter.levels.has(r.level)) &&
      words.every((w) => r.haystack.includes(w)),
  );
}

/** How many lines of each level there are (for the filter's labels). */
export function levelCounts(rows: readonly LogRow[]): Record<LogLevelName, number> {
  const out = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<LogLevelName, number>;
  for (const r of rows) if (r.level) out[r.level]++;
  return out;
}

/** The lines as people read them (local time, as `openclaw logs` prints them), one per line. */
export function exportText(rows: readonly LogRow[], now = Date.now()): string {
  return `${rows.map((r) => (r.entry ? formatLogLine(r.entry, { now }) : r.raw)).join('\n')}\n`;
}

/** The lines exactly as the gateway sent them: JSON lines, for tools. */
export function exportJsonLines(rows: readonly LogRow[]): string {
  return `${rows.map((r) => r.raw.replace(/\n$/, '')).join('\n')}\n`;
}

/** `openclaw-gateway-2026-05-10-1403.log` in local time. */
export function exportName(now: number, ext: 'log' | 'jsonl'): string {
  const d = new Date(now);
  const two = (n: number) => String(n).padStart(2, '0');
  return `openclaw-gateway-${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}.${ext}`;
}
