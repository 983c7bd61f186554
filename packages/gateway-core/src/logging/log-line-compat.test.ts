import { describe, expect, it } from 'vitest';
import { withReferenceLogFields } from './log-line-compat.ts';

describe('withReferenceLogFields', () => {
  it('adds message and _meta {date, logLevelName} beside the pino fields', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2, 3, 4, 5), msg: 'slow', ms: 12 });
    expect(JSON.parse(withReferenceLogFields(line))).toEqual({
      level: 40,
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      msg: 'slow',
      ms: 12,
      message: 'slow',
      _meta: { date: '2026-01-02T03:04:05.000Z', logLevelName: 'WARN' },
    });
  });

  it('leaves lines that are not JSON objects, or already carry the fields, unchanged', () => {
    for (const line of ['not json', '[1,2]', '"x"', JSON.stringify({ message: 'm', level: 30 })]) {
      expect(withReferenceLogFields(line)).toBe(line);
    }
  });
});
