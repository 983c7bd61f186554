import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplePng } from '@openclaw/test-fakes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/logger.ts';
import { ManualClock } from '../util/clock.ts';
import { MediaError, MediaTooLargeError } from './media-errors.ts';
import { FileMediaStore, type MediaLimits } from './media-store.ts';
import { isInlineSafe, sniffMime } from './sniff.ts';

const PNG_1x1 = samplePng();

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('FileMediaStore', () => {
  let dir: string;
  let clock: ManualClock;
  let limits: MediaLimits;
  let pinned: string[];
  let store: FileMediaStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-'));
    clock = new ManualClock(Date.now());
    limits = { maxItemBytes: 1000, maxTotalBytes: 3000, retentionMs: 3600_000 };
    pinned = [];
    store = new FileMediaStore({
      dir,
      limits: () => limits,
      clock,
      log: createSilentLogger(),
      pinned: async () => pinned,
    });
    await store.start();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores content under its sha256, once, with the type sniffed from the bytes', async () => {
    const a = await store.put(PNG_1x1);
    expect(a.id).toBe(sha(PNG_1x1));
    expect(a.mimeType).toBe('image/png');
    expect(a.size).toBe(PNG_1x1.length);
    const again = await store.put(PNG_1x1);
    expect(again.id).toBe(a.id);
    expect(store.usage()).toEqual({ items: 1, bytes: PNG_1x1.length });
    expect(Buffer.from(await store.read(a.id))).toEqual(PNG_1x1);
    const chunks: Buffer[] = [];
    for await (const c of await store.open(a.id)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks)).toEqual(PNG_1x1);
    // A fresh store (another gateway on the same volume) finds it and sniffs it the same way.
    const other = new FileMediaStore({ dir, limits: () => limits, clock, log: createSilentLogger() });
    await other.start();
    expect(await other.stat(a.id)).toMatchObject({ id: a.id, mimeType: 'image/png', size: PNG_1x1.length });
    expect(other.usage().bytes).toBe(PNG_1x1.length);
  });

  it('never trusts a claimed type: HTML and SVG come out as text, unknown bytes as octet-stream', async () => {
    const html = await store.put(Buffer.from('<html><script>alert(1)</script></html>'));
    expect(html.mimeType).toBe('text/plain');
    const svg = await store.put(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'));
    expect(svg.mimeType).toBe('text/plain');
    const bin = await store.put(Buffer.from([0, 1, 2, 3, 250, 251]));
    expect(bin.mimeType).toBe('application/octet-stream');
    expect(isInlineSafe('image/png')).toBe(true);
    expect(isInlineSafe('image/svg+xml')).toBe(false);
    expect(isInlineSafe('text/plain')).toBe(false);
    expect(await sniffMime(Buffer.from('héllo wörld', 'utf8').subarray(0, 2))).toBe('text/plain');
  });

  it('refuses an item over the cap, from a buffer or mid-stream, and leaves nothing behind', async () => {
    await expect(store.put(Buffer.alloc(1001))).rejects.toBeInstanceOf(MediaTooLargeError);
    async function* big() {
      for (let i = 0; i < 5; i++) yield Buffer.alloc(300, i);
    }
    const err = await store.put(big()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaTooLargeError);
    expect((err as MediaTooLargeError).code).toBe('MEDIA_TOO_LARGE');
    expect((err as MediaTooLargeError).limit).toBe(1000);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect(store.usage()).toEqual({ items: 0, bytes: 0 });
    // A lower cap for one put (a platform's own download limit).
    await expect(store.put(Buffer.alloc(600), { maxBytes: 500 })).rejects.toMatchObject({ limit: 500 });
  });

  it('streams a source in chunks and hashes the whole', async () => {
    const parts = [Buffer.from('abc'), Buffer.from('def')];
    async function* gen() {
      yield* parts;
    }
    const item = await store.put(gen());
    expect(item.id).toBe(sha(Buffer.from('abcdef')));
    expect(Buffer.from(await store.read(item.id)).toString()).toBe('abcdef');
  });

  it('sweeps items past retention, keeps pinned ones, and a second put restarts retention', async () => {
    const old = await store.put(Buffer.alloc(100, 1));
    const kept = await store.put(Buffer.alloc(100, 2));
    const fresh = await store.put(Buffer.alloc(100, 3));
    const past = (clock.now() - 2 * 3600_000) / 1000;
    await utimes(store.path(old.id), past, past);
    await utimes(store.path(kept.id), past, past);
    pinned = [kept.id];
    expect(await store.sweep()).toEqual({ removed: 1, bytes: 100 });
    expect(await store.stat(old.id)).toBeUndefined();
    expect(await store.stat(kept.id)).toBeDefined();
    expect(await store.stat(fresh.id)).toBeDefined();
    await expect(store.open(old.id)).rejects.toMatchObject({ code: 'MEDIA_NOT_FOUND' });
    // Stored again: its clock starts over.
    await utimes(store.path(fresh.id), past, past);
    await store.put(Buffer.alloc(100, 3));
    pinned = [];
    clock.advance(1000);
    const r = await store.sweep();
    expect(r.removed).toBe(1); // only `kept`, unpinned now and old
    expect(await store.stat(fresh.id)).toBeDefined();
  });

  it('makes room past the total cap by evicting the oldest unpinned items, and refuses when all are pinned', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const it = await store.put(Buffer.alloc(1000, i));
      const t = (clock.now() - (10 - i) * 1000) / 1000;
      await utimes(store.path(it.id), t, t);
      ids.push(it.id);
    }
    pinned = [ids[0]!];
    await store.put(Buffer.alloc(1000, 9));
    // The oldest unpinned went; the pinned one stays.
    expect(await store.stat(ids[0]!)).toBeDefined();
    expect(await store.stat(ids[1]!)).toBeUndefined();
    expect(store.usage().bytes).toBe(3000);
    const all = [ids[0]!, ids[2]!, sha(Buffer.alloc(1000, 9))];
    pinned = all;
    const err = await store.put(Buffer.alloc(1000, 8)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('MEDIA_STORE_FULL');
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('rejects ids that are not a sha256 (no path tricks)', async () => {
    expect(() => store.path('../../etc/passwd')).toThrow(MediaError);
    expect(await store.stat('../x')).toBeUndefined();
    expect(await store.stat('A'.repeat(64))).toBeUndefined();
  });
});
