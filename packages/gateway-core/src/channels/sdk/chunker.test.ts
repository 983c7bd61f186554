import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText, measure } from './chunker.ts';
import type { TextUnit } from './types.ts';

const units: TextUnit[] = ['utf16', 'codepoint', 'utf8-bytes'];
const hasLoneSurrogate = (s: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
const squash = (s: string) => s.replace(/\s+/g, '');

describe('measure', () => {
  it('counts each platform unit', () => {
    const s = 'a😀漢';
    expect(measure(s, 'utf16')).toBe(4);
    expect(measure(s, 'codepoint')).toBe(3);
    expect(measure(s, 'utf8-bytes')).toBe(1 + 4 + 3);
  });
});

describe('chunkText', () => {
  it('returns short text as one chunk and empty text as none', () => {
    expect(chunkText('hi', { max: 10, unit: 'utf16' })).toEqual(['hi']);
    expect(chunkText('', { max: 10, unit: 'utf16' })).toEqual([]);
  });

  it('breaks at line ends before anything else', () => {
    const text = ['aaaa', 'bbbb', 'cccc'].join('\n');
    expect(chunkText(text, { max: 9, unit: 'utf16' })).toEqual(['aaaa\nbbbb', 'cccc']);
  });

  it('breaks long lines at the last space', () => {
    expect(chunkText('hello big world', { max: 10, unit: 'utf16' })).toEqual(['hello big', 'world']);
  });

  it('emoji: Telegram counts UTF-16 units and never splits a surrogate pair', () => {
    const text = '😀'.repeat(5000); // 10,000 UTF-16 units
    const chunks = chunkText(text, { max: 4096, unit: 'utf16' });
    expect(chunks.length).toBe(3);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(4096);
      expect(hasLoneSurrogate(c)).toBe(false);
    }
    expect(chunks.join('')).toBe(text);
  });

  it('CJK: Signal counts UTF-8 bytes (3 per character), Discord characters', () => {
    const text = '漢'.repeat(1500);
    const signal = chunkText(text, { max: 2000, unit: 'utf8-bytes' });
    expect(signal.map((c) => Buffer.byteLength(c))).toEqual([1998, 1998, 504]);
    expect(chunkText(text, { max: 2000, unit: 'codepoint' })).toEqual([text]);
  });

  it('never leaves a code fence open across chunks: closes and reopens with the same language', () => {
    const code = Array.from({ length: 40 }, (_, i) => `line ${i} = compute(${i});`).join('\n');
    const text = `Here is code:\n\`\`\`ts\n${code}\n\`\`\`\nDone.`;
    const chunks = chunkText(text, { max: 200, unit: 'utf16' });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(200);
      const fences = c.split('\n').filter((l) => /^\s*```/.test(l));
      expect(fences.length % 2).toBe(0);
    }
    expect(chunks[1]!.startsWith('```ts\n')).toBe(true);
    expect(squash(chunks.join('')).replaceAll('```ts', '').replaceAll('```', '')).toBe(
      squash(text).replaceAll('```ts', '').replaceAll('```', ''),
    );
  });

  it('property: every chunk fits, nothing is lost, no lone surrogates', () => {
    const piece = fc.constantFrom('a', 'bb ', ' ', '\n', '😀', '漢', 'é', '\n\n', 'word ', '👩‍👩‍👧');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 400 }),
        fc.integer({ min: 8, max: 120 }),
        fc.constantFrom(...units),
        (parts, max, unit) => {
          const text = parts.join('');
          const chunks = chunkText(text, { max, unit });
          for (const c of chunks) {
            expect(measure(c, unit)).toBeLessThanOrEqual(max);
            expect(hasLoneSurrogate(c)).toBe(false);
          }
          expect(squash(chunks.join(''))).toBe(squash(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: fenced text keeps every chunk balanced', () => {
    const line = fc.constantFrom(
      'x = 1;',
      'const longer_name = call(a, b, c);',
      '',
      'text 😀',
      '```py',
      '```',
    );
    // Markdown's rule: a fence opens with ``` and closes only with a bare ``` line.
    const endsInsideFence = (lines: string[]) => {
      let inside = false;
      for (const l of lines) {
        if (!inside && l.startsWith('```')) inside = true;
        else if (inside && l.trim() === '```') inside = false;
      }
      return inside;
    };
    fc.assert(
      fc.property(fc.array(line, { maxLength: 80 }), fc.integer({ min: 30, max: 90 }), (lines, max) => {
        const text = lines.join('\n');
        const chunks = chunkText(text, { max, unit: 'utf16' });
        for (const [i, c] of chunks.entries()) {
          expect(c.length).toBeLessThanOrEqual(max);
          // Only the last chunk may carry the original's own unclosed fence.
          if (i < chunks.length - 1 || !endsInsideFence(lines))
            expect(endsInsideFence(c.split('\n'))).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
