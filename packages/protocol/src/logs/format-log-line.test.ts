import { describe, expect, it } from 'vitest';
import { formatLogLine, levelName, parseLogLine } from './format-log-line.ts';

const at = new Date(2026, 4, 10, 14, 3, 27, 120).getTime();
const sameDay = at + 3600_000;

describe('formatLogLine', () => {
  it('prints local time, level, component, message and the other fields compactly', () => {
    const line = JSON.stringify({
      level: 30,
      time: at,
      component: 'channels',
      channel: 'telegram',
      accountId: 'default',
      msg: 'channel account connected',
    });
    expect(formatLogLine(line, { now: sameDay })).toBe(
      '14:03:27.120 INFO  [channels] channel account connected channel=telegram accountId=default',
    );
  });

  it('quotes values that would read ambiguously and shortens errors to their message', () => {
    const line = JSON.stringify({
      level: 50,
      time: at,
      msg: 'send failed',
      reason: 'two words',
      n: 3,
      ok: false,
      list: ['a', 'b'],
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
    });
    expect(formatLogLine(line, { now: sameDay })).toBe(
      '14:03:27.120 ERROR send failed reason="two words" n=3 ok=false list=["a","b"] err="Error: boom"',
    );
  });

  it('shows the date for a line from another day', () => {
    const line = JSON.stringify({ level: 40, time: at, msg: 'x' });
    expect(formatLogLine(line, { now: at + 3 * 86400_000 })).toBe('2026-05-10 14:03:27.120 WARN  x');
  });

  it('colours through the given styler and leaves non-JSON lines alone', () => {
    const line = JSON.stringify({ level: 20, time: at, component: 'cron', msg: 'tick', id: 1 });
    const styled = formatLogLine(line, { now: sameDay, style: (part, t) => `<${part}>${t}</>` });
    expect(styled).toBe('<time>14:03:27.120</> <debug>DEBUG</> <component>[cron]</> tick <key>id=</>1');
    expect(formatLogLine('plain text\n')).toBe('plain text');
    expect(parseLogLine('{not json')).toBeUndefined();
  });

  it('does not repeat the message and _meta that logs.tail adds for reference log readers', () => {
    const line = JSON.stringify({
      level: 30,
      time: at,
      msg: 'ready',
      port: 1,
      message: 'ready',
      _meta: { date: new Date(at).toISOString(), logLevelName: 'INFO' },
    });
    expect(formatLogLine(line, { now: sameDay })).toBe('14:03:27.120 INFO  ready port=1');
    // A field of its own named message (not the msg again) is still shown.
    const own = JSON.stringify({ level: 30, time: at, msg: 'send failed', message: 'other' });
    expect(formatLogLine(own, { now: sameDay })).toBe('14:03:27.120 INFO  send failed message=other');
  });

  it('names levels, rounding odd numbers down', () => {
    expect(levelName(30)).toBe('info');
    expect(levelName(35)).toBe('info');
    expect(levelName(60)).toBe('fatal');
    expect(levelName(5)).toBe('trace');
  });
});
