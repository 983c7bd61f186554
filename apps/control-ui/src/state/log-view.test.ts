import { describe, expect, it } from 'vitest';
import {
  exportJsonLines,
  exportName,
  exportText,
  fieldText,
  filterRows,
  LEVELS,
  levelCounts,
  rowTime,
  toLogRow,
} from './log-view.ts';

const at = new Date(2026, 4, 10, 14, 3, 27, 120).getTime();
const line = (o: Record<string, unknown>) => JSON.stringify({ time: at, pid: 7, hostname: 'h', ...o });
const rows = [
  toLogRow(
    1,
    line({ level: 30, component: 'channels', msg: 'channel account connected', channel: 'telegram' }),
  ),
  toLogRow(2, line({ level: 40, msg: 'connect rejected', code: 'AUTH_TOKEN_MISMATCH' })),
  toLogRow(3, line({ level: 50, component: 'outbox', msg: 'send failed', reason: 'two words' })),
  toLogRow(4, line({ level: 20, msg: 'tick' })),
  toLogRow(5, 'not json at all'),
];

describe('log view', () => {
  it('reads lines with the protocol parser, leaving out process fields and repeated copies', () => {
    const r = toLogRow(
      9,
      line({
        level: 30,
        msg: 'hi',
        message: 'hi',
        _meta: { date: new Date(at).toISOString(), logLevelName: 'INFO' },
        ms: 3,
      }),
    );
    expect(r.level).toBe('info');
    expect(r.entry?.fields).toEqual({ ms: 3 });
    expect(fieldText(r.entry!)).toBe('ms=3');
    // A `message` that says something else is a field like any other.
    expect(toLogRow(10, line({ level: 30, msg: 'a', message: 'b' })).entry?.fields).toEqual({ message: 'b' });
    expect(rows[4]).toMatchObject({ entry: undefined, level: undefined, raw: 'not json at all' });
  });

  it('shows times in local time, with the date for another day', () => {
    expect(rowTime(rows[0]!, at + 60_000)).toBe('14:03:27.120');
    expect(rowTime(rows[0]!, at + 3 * 86_400_000)).toBe('2026-05-10 14:03:27.120');
    expect(rowTime(rows[4]!)).toBe('');
  });

  it('filters by level and by every word of the search; plain lines pass any level filter', () => {
    const levels = new Set(LEVELS);
    expect(filterRows(rows, { levels, text: '' })).toHaveLength(5);
    const warnUp = new Set(['warn', 'error', 'fatal'] as const);
    expect(filterRows(rows, { levels: warnUp, text: '' }).map((r) => r.id)).toEqual([2, 3, 5]);
    expect(filterRows(rows, { levels, text: 'AUTH_token' }).map((r) => r.id)).toEqual([2]);
    expect(filterRows(rows, { levels, text: 'outbox two' }).map((r) => r.id)).toEqual([3]);
    expect(filterRows(rows, { levels, text: 'channel=telegram' }).map((r) => r.id)).toEqual([1]);
    expect(filterRows(rows, { levels: warnUp, text: 'tick' })).toEqual([]);
    expect(levelCounts(rows)).toEqual({ trace: 0, debug: 1, info: 1, warn: 1, error: 1, fatal: 0 });
  });

  it('exports what is shown as readable text or as the JSON lines it came as', () => {
    const shown = filterRows(rows, { levels: new Set(['error'] as const), text: '' });
    expect(exportText(shown, at)).toBe(
      '14:03:27.120 ERROR [outbox] send failed reason="two words"\nnot json at all\n',
    );
    const jsonl = exportJsonLines(shown).trim().split('\n');
    expect(JSON.parse(jsonl[0]!)).toMatchObject({ level: 50, msg: 'send failed', pid: 7 });
    expect(jsonl[1]).toBe('not json at all');
    expect(exportName(at, 'log')).toBe('openclaw-gateway-2026-05-10-1403.log');
  });
});
