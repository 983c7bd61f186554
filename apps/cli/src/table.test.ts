import { styleText } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createStyle } from './style.ts';
import { padEnd, table } from './table.ts';

const red = (t: string) => styleText('red', t, { validateStream: false });

describe('table', () => {
  it('aligns columns', () => {
    expect(
      table(
        ['A', 'LONGER'],
        [
          ['x', 'y'],
          ['wide', undefined],
        ],
      ),
    ).toBe('A     LONGER\nx     y\nwide');
  });

  it('measures display width: CJK and emoji take two columns, colour codes none', () => {
    const t = table(
      ['NAME', 'STATE'],
      [
        ['東京', 'ok'],
        ['😀x', 'ok'],
        [red('ab'), 'ok'],
        ['plain', 'ok'],
      ],
    ).split('\n');
    // Every STATE starts in the same terminal column (the 7th: width 5 + two spaces).
    expect(t).toEqual(['NAME   STATE', '東京   ok', '😀x    ok', `${red('ab')}     ok`, 'plain  ok']);
  });

  it('pads by display width', () => {
    expect(padEnd('日本', 6)).toBe('日本  ');
    expect(padEnd(red('x'), 3)).toBe(`${red('x')}  `);
    expect(padEnd('toolong', 3)).toBe('toolong');
  });

  it('dims the header only when the style colours', () => {
    const colour = Object.assign(
      (name: 'dim', text: string) => styleText(name, text, { validateStream: false }),
      {
        enabled: true,
      },
    );
    expect(table(['A'], [['x']], colour as never).split('\n')[0]).toBe(
      styleText('dim', 'A', { validateStream: false }),
    );
    expect(table(['A'], [['x']], createStyle(process.stdout, false))).toBe('A\nx');
  });
});
