import type { TextUnit } from './types.ts';

const encoder = new TextEncoder();

/** Length of `text` in a platform's unit. */
export function measure(text: string, unit: TextUnit): number {
  switch (unit) {
    case 'utf16':
      return text.length;
    case 'utf8-bytes':
      // Cheap upper bound first: most messages are far below the limit.
      return text.length * 3 <= 0x7fffffff ? encoder.encode(text).length : Buffer.byteLength(text);
    case 'codepoint': {
      let n = 0;
      for (const _ of text) n++;
      return n;
    }
  }
}

const FENCE = /^\s*(`{3,}|~{3,})/;

/** The fence state after `line`: the opening line while inside a fence, else undefined. */
function fenceAfter(open: string | undefined, line: string): string | undefined {
  const m = FENCE.exec(line);
  if (!m) return open;
  if (!open) return line;
  const marker = FENCE.exec(open)![1]!;
  const closing = m[1]!;
  // A fence closes only with the same character, at least as long, and nothing after it.
  return closing[0] === marker[0] && closing.length >= marker.length && line.trim() === closing
    ? undefined
    : open;
}

function closerOf(open: string): string {
  return FENCE.exec(open)![1]!;
}

/** The longest prefix of `s` that measures ≤ budget, cut at a code point boundary (at least one code point). */
function prefixWithin(s: string, budget: number, unit: TextUnit): string {
  let used = 0;
  let end = 0;
  for (const ch of s) {
    const w = unit === 'utf16' ? ch.length : unit === 'codepoint' ? 1 : encoder.encode(ch).length;
    if (used + w > budget && end > 0) break;
    used += w;
    end += ch.length;
    if (used >= budget) break;
  }
  return s.slice(0, end);
}

/**
 * Split text into platform messages of at most `max` units. Breaks at line ends where it can,
 * then at the last space, then at a code point; never inside a code fence: a chunk that ends in a
 * fence closes it and the next chunk reopens it with the same opening line, so each message
 * renders on its own.
 */
export function chunkText(text: string, limit: { max: number; unit: TextUnit }): string[] {
  const { max, unit } = limit;
  if (!(max > 0)) throw new RangeError('chunk limit must be positive');
  if (text.length === 0) return [];
  const m = (s: string) => measure(s, unit);
  if (m(text) <= max) return [text];

  const chunks: string[] = [];
  let cur: string | undefined;
  let hasContent = false;
  let fence: string | undefined;
  const join = (a: string | undefined, b: string) => (a === undefined ? b : `${a}\n${b}`);
  const reserveFor = (f: string | undefined) => (f ? m(`\n${closerOf(f)}`) : 0);
  const emit = () => {
    if (!hasContent || cur === undefined) return;
    chunks.push(fence ? `${cur}\n${closerOf(fence)}` : cur);
    // The reopening line is only worth carrying when it leaves room for content.
    cur = fence && m(fence) + reserveFor(fence) < max ? fence : undefined;
    hasContent = false;
  };

  for (const line of text.split('\n')) {
    const next = fenceAfter(fence, line);
    const reserve = reserveFor(next);
    if (m(join(cur, line)) + reserve <= max) {
      cur = join(cur, line);
      hasContent = true;
      fence = next;
      continue;
    }
    emit();
    if (m(join(cur, line)) + reserve <= max) {
      cur = join(cur, line);
      hasContent = true;
      fence = next;
      continue;
    }
    // One line longer than a whole message: cut it. Fence lines are short, so `next === fence` here.
    let rest = line;
    while (rest.length > 0) {
      const head = cur === undefined ? 0 : m(`${cur}\n`);
      const budget = Math.max(1, max - head - reserve);
      if (m(rest) <= budget) {
        cur = join(cur, rest);
        hasContent = true;
        break;
      }
      let take = prefixWithin(rest, budget, unit);
      const space = take.lastIndexOf(' ');
      if (!fence && space > take.length / 2) take = take.slice(0, space);
      cur = join(cur, take);
      hasContent = true;
      emit();
      rest = rest.slice(take.length);
      if (!fence && rest.startsWith(' ')) rest = rest.slice(1);
    }
    fence = next;
  }
  if (hasContent && cur !== undefined) chunks.push(cur);
  return chunks;
}
