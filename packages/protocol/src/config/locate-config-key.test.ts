import { describe, expect, it } from 'vitest';
import { configKeyPositions, locateConfigKey } from './locate-config-key.ts';

describe('locateConfigKey', () => {
  const text = [
    '{',
    '  // comment with a { brace and a "quote"',
    '  gateway: { port: 1, allowedOrigins: [\'a\', "b"] },',
    '  /* block',
    '     comment */ "auth": {',
    "    'mode': 'token',",
    "    token: 'it\\'s: {not} a key',",
    '  },',
    '  emoji: "😀", after: 1,',
    '}',
  ].join('\n');

  it('finds keys in quoted, single-quoted and bare form, past comments and strings', () => {
    expect(locateConfigKey(text, 'gateway')).toEqual({ line: 3, column: 3 });
    expect(locateConfigKey(text, 'gateway.port')).toEqual({ line: 3, column: 14 });
    expect(locateConfigKey(text, 'gateway.allowedOrigins.1')).toEqual({ line: 3, column: 45 });
    expect(locateConfigKey(text, 'auth')).toEqual({ line: 5, column: 17 });
    expect(locateConfigKey(text, 'auth.mode')).toEqual({ line: 6, column: 5 });
    expect(locateConfigKey(text, 'auth.token')).toEqual({ line: 7, column: 5 });
    // Columns count characters, as the JSON5 parser does: the emoji is one.
    expect(locateConfigKey(text, 'after')).toEqual({ line: 9, column: 15 });
  });

  it('points a missing key at its nearest ancestor, and nothing at all at an unknown section', () => {
    expect(locateConfigKey(text, 'auth.rateLimit.maxFailures')).toEqual({ line: 5, column: 17 });
    expect(locateConfigKey(text, 'logging.level')).toBeUndefined();
  });

  it('keeps what it found before text it cannot read', () => {
    const broken = configKeyPositions('{ a: 1, b: { c: 2, ,, } d: 3 }');
    expect(broken.get('a')).toEqual({ line: 1, column: 3 });
    expect(broken.get('b.c')).toEqual({ line: 1, column: 14 });
    expect(broken.has('d')).toBe(false);
  });

  it('counts CRLF line ends once', () => {
    expect(locateConfigKey('{\r\n  a: {\r\n    b: 1 } }', 'a.b')).toEqual({ line: 3, column: 5 });
  });
});
