import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from '@openclaw/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigChange, ConfigManager } from './config-manager.ts';
import { type ConfigWatcher, watchConfigFile } from './config-watcher.ts';

let dir: string;
let path: string;
let watcher: ConfigWatcher | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-watch-'));
  path = join(dir, 'openclaw.json');
  await writeFile(path, JSON.stringify({ logging: { level: 'info' } }));
});
afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A watched manager and what it reported, in order. */
async function watched() {
  const config = await ConfigManager.load(path);
  const events: Array<{ applied: ConfigChange } | { rejected: unknown }> = [];
  const waiters: Array<() => void> = [];
  const push = (e: (typeof events)[number]) => {
    events.push(e);
    for (const w of waiters.splice(0)) w();
  };
  watcher = watchConfigFile(config, {
    debounceMs: 20,
    onApplied: (applied) => push({ applied }),
    onRejected: (rejected) => push({ rejected }),
  });
  const next = async (count: number) => {
    const deadline = Date.now() + 5_000;
    while (events.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} watcher reports, got ${events.length}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return events[count - 1];
  };
  return { config, events, next };
}

describe('config file watcher', () => {
  it('applies an edit written in place and one renamed over the file (how editors save)', async () => {
    const w = await watched();
    await writeFile(path, JSON.stringify({ logging: { level: 'debug' } }));
    const first = await w.next(1);
    expect(first && 'applied' in first && first.applied.applied).toEqual(['logging.level']);
    expect(w.config.current.logging.level).toBe('debug');

    await writeFile(`${path}.swp`, JSON.stringify({ logging: { level: 'warn' } }));
    await rename(`${path}.swp`, path);
    const second = await w.next(2);
    expect(second && 'applied' in second && second.applied.changed).toEqual(['logging.level']);
    expect(w.config.current.logging.level).toBe('warn');
  });

  it('rejects an invalid edit with every issue and keeps the running config', async () => {
    const w = await watched();
    await writeFile(path, '{ logging: { level: "loud" }, limits: { tickIntervalMs: -1 } }');
    const r = await w.next(1);
    expect(r && 'rejected' in r).toBe(true);
    const error = (r as { rejected: unknown }).rejected as GatewayError;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.details?.code).toBe('CONFIG_INVALID');
    const issues = error.details?.issues as Array<{ path: string }>;
    expect(issues.map((i) => i.path).sort()).toEqual(['limits.tickIntervalMs', 'logging.level']);
    expect(w.config.current.logging.level).toBe('info');
    // Fixing the file applies the fix.
    await writeFile(path, JSON.stringify({ logging: { level: 'error' } }));
    await w.next(2);
    expect(w.config.current.logging.level).toBe('error');
  });

  it('does not report the manager’s own writes, nor a rewrite with the same content', async () => {
    const w = await watched();
    // Each write its own batch (several debounce periods apart), so none hides behind another.
    const batch = () => new Promise((r) => setTimeout(r, 150));
    await w.config.patch(JSON.stringify({ logging: { level: 'debug' } }));
    await batch();
    // Same content, other formatting: nothing changed, nothing reported.
    await writeFile(path, JSON.stringify({ logging: { level: 'debug' } }, null, 4));
    await batch();
    // The marker: a real edit, reported first.
    await writeFile(path, JSON.stringify({ logging: { level: 'warn' } }));
    const r = await w.next(1);
    expect(r && 'applied' in r && r.applied.changed).toEqual(['logging.level']);
    expect(w.events).toHaveLength(1);
  });

  it('keeps the running config when the file is removed, and lists restart-needing keys as pending', async () => {
    const w = await watched();
    await rm(path);
    await writeFile(path, JSON.stringify({ logging: { level: 'info' }, gateway: { port: 19999 } }));
    const r = await w.next(1);
    expect(r && 'applied' in r && r.applied.restartRequired).toEqual(['gateway.port']);
    expect(w.config.pendingRestart).toEqual(['gateway.port']);
  });
});
