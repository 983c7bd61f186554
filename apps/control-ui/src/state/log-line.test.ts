import { describe, expect, it } from 'vitest';
import { parseLogLine } from './log-line.ts';

describe('parseLogLine', () => {
  it('splits a pino line into level, message and the other fields', () => {
    const l = parseLogLine(
      1,
      JSON.stringify({ level: 40, time: 0, pid: 1, hostname: 'h', msg: 'slow', ms: 12 }),
    );
    expect(l).toMatchObject({ id: 1, level: 'warn', msg: 'slow', rest: '{"ms":12}' });
  });

  it('does not repeat the reference-format copies (message, _meta) among the other fields', () => {
    const l = parseLogLine(
      3,
      JSON.stringify({
        level: 30,
        time: 0,
        msg: 'hi',
        ms: 1,
        message: 'hi',
        _meta: { logLevelName: 'INFO' },
      }),
    );
    expect(l).toMatchObject({ level: 'info', msg: 'hi', rest: '{"ms":1}' });
  });

  it('shows a line that is not JSON as it is', () => {
    expect(parseLogLine(2, 'plain text')).toMatchObject({ level: '', msg: 'plain text' });
  });
});
