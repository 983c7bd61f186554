import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '../logging/logger.ts';
import type { Clock } from '../util/clock.ts';
import { MediaError, MediaTooLargeError } from './media-errors.ts';
import { SNIFF_BYTES, sniffMime } from './sniff.ts';

/** One stored item. Its id is the SHA-256 of its bytes (hex), so equal content is stored once. */
export interface MediaItem {
  id: string;
  size: number;
  /** Sniffed from the bytes. */
  mimeType: string;
  /** When it was stored (or last stored again): retention counts from here. */
  storedAtMs: number;
}

export interface MediaLimits {
  /** Largest single item. */
  maxItemBytes: number;
  /** All items together; past it the oldest unpinned items make room. */
  maxTotalBytes: number;
  /** Items not stored again within this long are swept. */
  retentionMs: number;
}

/** Bytes to store: a buffer, or a stream read chunk by chunk (never held whole). */
export type MediaSource = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Content-addressed media, behind an interface so another backend (an S3-compatible bucket) can
 * take its place. The gateway's one implementation is a directory: on a cluster every gateway
 * mounts the same one (docs/DEPLOYMENT.md).
 */
export interface MediaStore {
  readonly limits: MediaLimits;
  /** Count what is stored; clear writes a crash cut short. */
  start(): Promise<void>;
  /** Store, or find already stored; throws MediaTooLargeError past `maxBytes` (default the item cap). */
  put(source: MediaSource, options?: { maxBytes?: number | undefined }): Promise<MediaItem>;
  stat(id: string): Promise<MediaItem | undefined>;
  /** A stream of the bytes; throws MediaError MEDIA_NOT_FOUND. */
  open(id: string): Promise<Readable>;
  read(id: string): Promise<Uint8Array>;
  /** Where the bytes are on disk (adapters stream uploads from it). */
  path(id: string): string;
  /** Remove items past retention (and past the total cap), except the pinned ones. */
  sweep(): Promise<{ removed: number; bytes: number }>;
  usage(): { items: number; bytes: number };
}

export interface FileMediaStoreOptions {
  dir: string;
  limits: () => MediaLimits;
  clock: Clock;
  log: Logger;
  /** Ids still needed (queued sends): never swept or evicted. */
  pinned?: () => Promise<Iterable<string>>;
}

const ID = /^[0-9a-f]{64}$/;
const MIME_CACHE_MAX = 4096;

export function isMediaId(id: string): boolean {
  return ID.test(id);
}

/**
 * The media store as files: `<dir>/<first two hex>/<sha256>`. A write goes to `<dir>/tmp/` while
 * it is hashed and counted, and is renamed into place only once complete, so a reader (another
 * gateway on the same volume included) sees a whole item or none. The total is counted at start
 * and by every sweep; between sweeps each gateway adds what it stored itself.
 */
export class FileMediaStore implements MediaStore {
  readonly #o: FileMediaStoreOptions;
  readonly #mime = new Map<string, string>();
  #items = 0;
  #bytes = 0;

  constructor(options: FileMediaStoreOptions) {
    this.#o = options;
  }

  get limits(): MediaLimits {
    return this.#o.limits();
  }

  async start(): Promise<void> {
    const { items, bytes } = await this.#scan();
    this.#items = items.length;
    this.#bytes = bytes;
    // Left-overs of writes a crash cut short.
    for (const f of await readdir(join(this.#o.dir, 'tmp')).catch(() => [] as string[])) {
      await rm(join(this.#o.dir, 'tmp', f), { force: true });
    }
  }

  path(id: string): string {
    if (!isMediaId(id)) throw new MediaError('MEDIA_ID_INVALID', 'not a media id');
    return join(this.#o.dir, id.slice(0, 2), id);
  }

  usage(): { items: number; bytes: number } {
    return { items: this.#items, bytes: this.#bytes };
  }

  async put(source: MediaSource, options: { maxBytes?: number | undefined } = {}): Promise<MediaItem> {
    const limits = this.limits;
    const max = Math.min(options.maxBytes ?? limits.maxItemBytes, limits.maxItemBytes);
    if (source instanceof Uint8Array && source.byteLength > max)
      throw new MediaTooLargeError(max, source.byteLength);
    // Created on first use: a gateway that never sees media leaves no folder behind.
    await mkdir(join(this.#o.dir, 'tmp'), { recursive: true, mode: 0o700 });
    const tmp = join(this.#o.dir, 'tmp', `${randomBytes(12).toString('hex')}.part`);
    const hash = createHash('sha256');
    const head: Uint8Array[] = [];
    let headBytes = 0;
    let size = 0;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      const chunks: AsyncIterable<Uint8Array> | Uint8Array[] =
        source instanceof Uint8Array ? [source] : source;
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > max) throw new MediaTooLargeError(max, size);
        hash.update(chunk);
        if (headBytes < SNIFF_BYTES) {
          head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
          headBytes += Math.min(chunk.byteLength, SNIFF_BYTES - headBytes);
        }
        await fh.write(chunk);
      }
      await fh.sync();
    } catch (error) {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
      throw error;
    }
    await fh.close();
    const id = hash.digest('hex');
    const final = this.path(id);
    const now = this.#o.clock.now();
    const existing = await stat(final).catch(() => undefined);
    if (existing) {
      await rm(tmp, { force: true });
      // Stored again: retention starts over.
      await utimes(final, now / 1000, now / 1000).catch(() => {});
    } else {
      await this.#makeRoom(size).catch(async (error: unknown) => {
        await rm(tmp, { force: true });
        throw error;
      });
      await mkdir(join(this.#o.dir, id.slice(0, 2)), { recursive: true, mode: 0o700 });
      await utimes(tmp, now / 1000, now / 1000);
      await rename(tmp, final);
      this.#items++;
      this.#bytes += size;
    }
    const mimeType = await sniffMime(Buffer.concat(head));
    this.#remember(id, mimeType);
    return { id, size, mimeType, storedAtMs: now };
  }

  async stat(id: string): Promise<MediaItem | undefined> {
    if (!isMediaId(id)) return undefined;
    const file = this.path(id);
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) return undefined;
    let mimeType = this.#mime.get(id);
    if (!mimeType) {
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
        await fh.read(buf, 0, buf.length, 0);
        mimeType = await sniffMime(buf);
      } finally {
        await fh.close();
      }
      this.#remember(id, mimeType);
    }
    return { id, size: st.size, mimeType, storedAtMs: st.mtimeMs };
  }

  async open(id: string): Promise<Readable> {
    const file = this.path(id);
    // Opened before the stream is handed out, so a missing item is an error here, not mid-response.
    const fh = await open(file, 'r').catch(() => {
      throw new MediaError('MEDIA_NOT_FOUND', `media ${id.slice(0, 12)}… is not stored (expired?)`);
    });
    return fh.createReadStream();
  }

  async read(id: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.path(id)));
    } catch {
      throw new MediaError('MEDIA_NOT_FOUND', `media ${id.slice(0, 12)}… is not stored (expired?)`);
    }
  }

  async sweep(): Promise<{ removed: number; bytes: number }> {
    const { retentionMs, maxTotalBytes } = this.limits;
    const pinned = new Set(await this.#pinned());
    const { items, bytes } = await this.#scan();
    const cutoff = this.#o.clock.now() - retentionMs;
    let removed = 0;
    let freed = 0;
    let total = bytes;
    // Oldest first: past retention always goes; past the cap, the oldest go until it fits.
    items.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const it of items) {
      if (pinned.has(it.id)) continue;
      if (it.mtimeMs >= cutoff && total <= maxTotalBytes) break;
      if (await this.#remove(it.id)) {
        removed++;
        freed += it.size;
        total -= it.size;
      }
    }
    this.#items = items.length - removed;
    this.#bytes = total;
    if (removed) this.#o.log.info({ removed, bytes: freed }, 'media store: swept expired items');
    return { removed, bytes: freed };
  }

  /** Evict the oldest unpinned items until `incoming` fits under the total cap, or refuse. */
  async #makeRoom(incoming: number): Promise<void> {
    const { maxTotalBytes } = this.limits;
    if (this.#bytes + incoming <= maxTotalBytes) return;
    const pinned = new Set(await this.#pinned());
    const { items, bytes } = await this.#scan();
    let total = bytes;
    items.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const it of items) {
      if (total + incoming <= maxTotalBytes) break;
      if (pinned.has(it.id)) continue;
      if (await this.#remove(it.id)) total -= it.size;
    }
    this.#bytes = total;
    this.#items = items.length;
    if (total + incoming > maxTotalBytes) {
      throw new MediaError(
        'MEDIA_STORE_FULL',
        'the media store is full of items still waiting to be sent (media.maxTotalBytes)',
      );
    }
    this.#o.log.warn({ total, maxTotalBytes }, 'media store: over its total cap; the oldest items made room');
  }

  async #remove(id: string): Promise<boolean> {
    try {
      await rm(this.path(id));
      this.#mime.delete(id);
      return true;
    } catch {
      return false;
    }
  }

  async #pinned(): Promise<Iterable<string>> {
    try {
      return (await this.#o.pinned?.()) ?? [];
    } catch (error) {
      // Unknown pins: evicting could lose a queued send, so evict nothing this time.
      this.#o.log.warn({ err: error }, 'media store: could not read pinned items; nothing is evicted');
      throw new MediaError('MEDIA_STORE_FULL', 'the media store cannot make room now');
    }
  }

  async #scan(): Promise<{ items: { id: string; size: number; mtimeMs: number }[]; bytes: number }> {
    const items: { id: string; size: number; mtimeMs: number }[] = [];
    let bytes = 0;
    for (const sub of await readdir(this.#o.dir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of await readdir(join(this.#o.dir, sub)).catch(() => [] as string[])) {
        if (!isMediaId(name)) continue;
        const st = await stat(join(this.#o.dir, sub, name)).catch(() => undefined);
        if (!st?.isFile()) continue;
        items.push({ id: name, size: st.size, mtimeMs: st.mtimeMs });
        bytes += st.size;
      }
    }
    return { items, bytes };
  }

  #remember(id: string, mimeType: string): void {
    if (this.#mime.size >= MIME_CACHE_MAX) this.#mime.delete(this.#mime.keys().next().value!);
    this.#mime.set(id, mimeType);
  }
}
