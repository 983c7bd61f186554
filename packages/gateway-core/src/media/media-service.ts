import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfig } from '@openclaw/protocol';
import type { Logger } from '../logging/logger.ts';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { FileMediaStore, type MediaLimits, type MediaStore } from './media-store.ts';

export function mediaLimits(cfg: GatewayConfig): MediaLimits {
  return {
    maxItemBytes: cfg.media.maxItemBytes,
    maxTotalBytes: cfg.media.maxTotalBytes,
    retentionMs: cfg.media.retentionDays * 86_400_000,
  };
}

/**
 * The gateway's media store: `media.dir`, else `<state dir>/media`. Media of sends still in the
 * outbox is pinned, so neither retention nor the total cap can take it away from a queued send.
 */
export function createMediaStore(o: {
  config: () => GatewayConfig;
  stateDir: string | undefined;
  store: Store;
  clock: Clock;
  log: Logger;
}): FileMediaStore {
  const dir = o.config().media.dir ?? join(o.stateDir ?? join(tmpdir(), 'openclaw'), 'media');
  return new FileMediaStore({
    dir,
    limits: () => mediaLimits(o.config()),
    clock: o.clock,
    log: o.log,
    pinned: async () =>
      (await o.store.outbox.pending()).flatMap((r) => r.media.flatMap((m) => (m.ref ? [m.ref] : []))),
  });
}

/** How often the media folder is walked for expired items (it can hold many files). */
export const MEDIA_SWEEP_EVERY_MS = 3600_000;

/** The media store's sweep for the core's sweeper, which runs every minute: at most once an hour. */
export function mediaSweep(media: Pick<MediaStore, 'sweep'>, clock: Clock): () => Promise<void> {
  let last = 0;
  return async () => {
    const now = clock.now();
    if (now - last < MEDIA_SWEEP_EVERY_MS) return;
    last = now;
    await media.sweep();
  };
}
