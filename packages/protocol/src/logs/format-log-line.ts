/** Pino's numeric levels and their names, as gateway log lines carry them. */
export const LogLevels = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelName = keyof typeof LogLevels;

/** The level name of a pino level number (`30` → `info`); other numbers round down to a known one. */
export function levelName(level: number): LogLevelName {
  let name: LogLevelName = 'trace';
  for (const [n, v] of Object.entries(LogLevels) as [LogLevelName, number][]) if (level >= v) name = n;
  return name;
}

/** One gateway log line, read. */
export interface LogEntry {
  /** Epoch ms, when the line has one. */
  time: number | undefined;
  level: number;
  component: string | undefined;
  msg: string;
  /** Every other field, in the order the line has them. */
  fields: Record<string, unknown>;
}

function isReferenceMeta(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).every((k) => k === 'date' || k === 'logLevelName')
  );
}

/** Read a JSON log line; undefined when it is not one (printed as it is then). */
export function parseLogLine(line: string): LogEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { time, level, component, msg, ...fields } = value as Record<string, unknown>;
  // logs.tail adds `message` (= msg) and `_meta: {date, logLevelName}` (= time, level) for
  // readers of the reference log format; they repeat what is shown already.
  if (fields.message === msg) delete fields.message;
  if (isReferenceMeta(fields._meta)) delete fields._meta;
  return {
    time: typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : undefined,
    level: typeof level === 'number' ? level : (LogLevels[level as LogLevelName] ?? LogLevels.info),
    component: typeof component === 'string' ? component : undefined,
    msg: typeof msg === 'string' ? msg : msg === undefined ? '' : JSON.stringify(msg),
    fields,
  };
}

/** Parts of a formatted line a styler may colour. */
export type LogPart = LogLevelName | 'time' | 'component' | 'key';

/**
 * The colour of each part on a terminal, as ANSI style names (Node's `util.styleText` takes them),
 * so the CLI's `openclaw logs` and the daemon's own terminal output look the same.
 */
export const LogPartColours = {
  time: 'dim',
  trace: 'gray',
  debug: 'gray',
  info: 'green',
  warn: 'yellow',
  error: 'red',
  fatal: 'red',
  component: 'cyan',
  key: 'dim',
} as const satisfies Record<LogPart, string>;

export interface FormatLogOptions {
  /** Colours a part; default none. */
  style?: (part: LogPart, text: string) => string;
  /** "Now", to decide whether the date is shown (it is for lines from another day). */
  now?: number;
}

const two = (n: number) => String(n).padStart(2, '0');

/** `14:03:27.120` local time; with the date in front when not today. */
export function formatLogTime(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  const today = new Date(now);
  const sameDay =
    d.getFullYear() === today.getFullYear() &&
    d.getMonth() === today.getMonth() &&
    d.getDate() === today.getDate();
  return sameDay ? clock : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock}`;
}

/** A field value in `key=value` form: bare when it reads unambiguously, JSON otherwise; kept short. */
export function formatLogValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  else if (value && typeof value === 'object' && 'message' in value && typeof value.message === 'string') {
    // A serialised error: its message says it; the stack is in the JSON line.
    const type = 'type' in value && typeof value.type === 'string' ? `${value.type}: ` : '';
    text = JSON.stringify(`${type}${value.message}`);
  } else text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/**
 * A gateway log line for people: local time, level, component, message, then the other fields
 * as `key=value`. `14:03:27.120 INFO  [channels] channel account connected channel=telegram`.
 * A line that is not JSON comes back unchanged.
 */
export function formatLogLine(line: string | LogEntry, options: FormatLogOptions = {}): string {
  const entry = typeof line === 'string' ? parseLogLine(line) : line;
  if (!entry) return typeof line === 'string' ? line.replace(/\n$/, '') : '';
  const style = options.style ?? ((_: LogPart, t: string) => t);
  const name = levelName(entry.level);
  const parts: string[] = [];
  if (entry.time !== undefined && Number.isFinite(entry.time))
    parts.push(style('time', formatLogTime(entry.time, options.now ?? Date.now())));
  parts.push(style(name, name.toUpperCase().padEnd(5)));
  if (entry.component) parts.push(style('component', `[${entry.component}]`));
  if (entry.msg) parts.push(entry.msg);
  for (const [k, v] of Object.entries(entry.fields)) {
    if (v === undefined) continue;
    parts.push(`${style('key', `${k}=`)}${formatLogValue(v)}`);
  }
  return parts.join(' ');
}
