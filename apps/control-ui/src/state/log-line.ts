const PINO_LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** One log line, split for display. */
export interface LogLine {
  id: number;
  time: string;
  level: string;
  msg: string;
  rest: string;
}

/** Split a JSON (pino) log line into time, level, message and the remaining fields. */
export function parseLogLine(id: number, raw: string): LogLine {
  try {
    const j = JSON.parse(raw) as Record<string, unknown>;
    // message and _meta repeat msg, time and level for readers of the reference log format.
    const { time, level, msg, pid: _pid, hostname: _host, message: _message, _meta, ...rest } = j;
    const t = typeof time === 'number' || typeof time === 'string' ? new Date(time) : undefined;
    return {
      id,
      time: t && !Number.isNaN(t.getTime()) ? t.toLocaleTimeString() : '',
      level: typeof level === 'number' ? (PINO_LEVELS[level] ?? String(level)) : String(level ?? ''),
      msg: typeof msg === 'string' ? msg : '',
      rest: Object.keys(rest).length ? JSON.stringify(rest) : '',
    };
  } catch {
    return { id, time: '', level: '', msg: raw, rest: '' };
  }
}
