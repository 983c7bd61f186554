const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * A pino JSON line with the fields readers of the reference log format look for added beside
 * ours: `message` (our `msg`) and `_meta: {date, logLevelName}` (from our `time` and `level`).
 * Our own fields stay as they are; a line that is not a JSON object is returned unchanged.
 */
export function withReferenceLogFields(line: string): string {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return line;
  const r = rec as { msg?: unknown; time?: unknown; level?: unknown; message?: unknown; _meta?: unknown };
  if (r._meta !== undefined || r.message !== undefined) return line;
  const meta: { date?: string; logLevelName?: string } = {};
  if (typeof r.time === 'number' && Number.isFinite(r.time)) meta.date = new Date(r.time).toISOString();
  const levelName = typeof r.level === 'number' ? LEVEL_NAMES[r.level] : undefined;
  if (levelName) meta.logLevelName = levelName;
  return JSON.stringify({ ...r, message: typeof r.msg === 'string' ? r.msg : '', _meta: meta });
}
