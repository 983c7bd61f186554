// A turn's small files are read at most once per max age: an edit applies that long after it at the
// latest, and concurrent turns share one read.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { RecentFiles } from './recent-files.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

it('answers from its copy within the max age, and reads the file again after it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'oc-recent-'));
  dirs.push(dir);
  const path = join(dir, 'SYSTEM.md');
  let now = 0;
  const files = new RecentFiles({ maxAgeMs: 1000, now: () => now });
  // Missing reads as undefined, and that answer is kept as long as any other.
  expect(await files.read(path)).toBeUndefined();
  await writeFile(path, 'first');
  now = 999;
  expect(await files.read(path)).toBeUndefined();
  now = 1000;
  expect(await files.read(path)).toBe('first');
  await writeFile(path, 'second');
  now = 1500;
  expect(await files.read(path)).toBe('first');
  now = 2000;
  // Two turns at once: one read, the same answer.
  const [a, b] = [files.read(path), files.read(path)];
  expect(a).toBe(b);
  expect(await a).toBe('second');
});
