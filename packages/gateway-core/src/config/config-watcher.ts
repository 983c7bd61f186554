import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ConfigChange, ConfigManager } from './config-manager.ts';

export interface ConfigWatcherOptions {
  /** An edit that validated and changed something (possibly only restart-needing keys). */
  onApplied(change: ConfigChange): void;
  /** An edit that did not validate (or could not be read): nothing of it was applied. */
  onRejected(error: unknown): void;
  /** Editors write in bursts (truncate, write, rename): act once the file has been quiet this long. */
  debounceMs?: number;
}

export interface ConfigWatcher {
  close(): void;
}

/**
 * Apply edits of the config file while the gateway runs. The directory is watched, not the file:
 * editors replace the file by renaming a new one over it, which a watch on the old inode misses.
 * Our own writes (config.set / config.patch) come back as events too; the manager recognises
 * their text and ignores them.
 */
export function watchConfigFile(config: ConfigManager, options: ConfigWatcherOptions): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const name = basename(config.path);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const check = () => {
    timer = undefined;
    // One reload at a time, in order: a second edit during a slow read is read after it.
    running = running.then(async () => {
      if (closed) return;
      try {
        const change = await config.reloadIfChanged();
        if (change && !closed) options.onApplied(change);
      } catch (error) {
        if (!closed) options.onRejected(error);
      }
    });
  };

  let watcher: FSWatcher;
  try {
    // Not persistent: watching the config never keeps a stopping process alive.
    watcher = watch(dirname(config.path), { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(check, debounceMs);
      timer.unref?.();
    });
  } catch (error) {
    options.onRejected(error);
    return { close() {} };
  }
  watcher.on('error', (error) => options.onRejected(error));
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
