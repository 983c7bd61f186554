import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const coreSrc = join(root, 'packages', 'gateway-core', 'src');

// The core stays readable as small modules named for their one job: a file that outgrows the
// limit is split by job, not let grow. The composition root only composes, so it is held tighter.
const MAX_LINES = 450;
const COMPOSITION_ROOT = 'gateway-core.ts';
const COMPOSITION_ROOT_MAX_LINES = 399;
// Files still over the limit while their split is under way, each with the size it may not grow
// past. A file leaves this list once it fits; a stale entry fails, so the exception cannot linger.
const SHRINKING: Record<string, number> = {};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(name)) out.push(p);
  }
  return out;
}

function lineCount(file: string): number {
  const text = readFileSync(file, 'utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

describe('gateway-core file sizes', () => {
  it(`no source file in packages/gateway-core/src is over ${MAX_LINES} lines`, () => {
    const files = sourceFiles(coreSrc);
    expect(files.length).toBeGreaterThan(50);
    const over = files
      .map((f) => ({ file: relative(coreSrc, f), lines: lineCount(f) }))
      .filter((f) => f.lines > (SHRINKING[f.file] ?? MAX_LINES))
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(over).toEqual([]);
  });

  it('lists as shrinking only files that are still over the limit', () => {
    const stale = Object.keys(SHRINKING).filter((f) => lineCount(join(coreSrc, f)) <= MAX_LINES);
    expect(stale, 'within the limit now: remove from SHRINKING').toEqual([]);
  });

  it(`${COMPOSITION_ROOT} is under ${COMPOSITION_ROOT_MAX_LINES + 1} lines`, () => {
    expect(lineCount(join(coreSrc, COMPOSITION_ROOT))).toBeLessThanOrEqual(COMPOSITION_ROOT_MAX_LINES);
  });
});
