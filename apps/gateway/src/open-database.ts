import { dirname, join } from 'node:path';
import {
  checkSqliteIntegrity,
  classifyStoreError,
  createSqliteStore,
  type IntegrityResult,
  type Store,
} from '@openclaw/gateway-core';
import { StartupError } from './startup-error.ts';

/** How long start-up waits for the integrity check before it starts anyway (and keeps checking). */
export const INTEGRITY_BUDGET_MS = 10_000;

/** Up to this size the file is checked on the main thread (nothing is served yet; no worker to start). */
const INLINE_CHECK_BYTES = 32 * 1024 * 1024;

/**
 * Check the SQLite file, then open it. A damaged file refuses the start: a gateway that runs on
 * one answers some requests from good pages and fails others, and may acknowledge writes it then
 * loses. A check that outlives the budget is returned `unfinished` and keeps running.
 */
export async function openDatabase(
  path: string,
  options: { budgetMs?: number; now?: () => Date } = {},
): Promise<{ store: Store; check: IntegrityResult }> {
  const check = await checkSqliteIntegrity(path, {
    budgetMs: options.budgetMs ?? INTEGRITY_BUDGET_MS,
    inlineUpToBytes: INLINE_CHECK_BYTES,
  });
  const now = options.now ?? (() => new Date());
  if (check.status === 'damaged')
    throw new StartupError('DATABASE_UNUSABLE', damagedMessage(path, check.problems, now()));
  try {
    // Checkpoints on a worker: SQLite's automatic one would run inside a turn's commit (docs/PERFORMANCE.md).
    return { store: createSqliteStore({ path, walCheckpoint: 'background' }), check };
  } catch (error) {
    if (check.status === 'unfinished') check.cancel();
    const failure = classifyStoreError(error);
    if (failure?.kind === 'corrupt')
      throw new StartupError('DATABASE_UNUSABLE', damagedMessage(path, [failure.reason], now()), {
        cause: error,
      });
    const reason = failure?.reason ?? (error as Error).message;
    const fix =
      failure?.kind === 'full'
        ? 'Free space on that disk, then start again.'
        : failure?.kind === 'readonly'
          ? 'Make the file and its directory writable by this user, then start again.'
          : 'Check the disk and the permissions of the state dir, then start again.';
    throw new StartupError('DATABASE_UNUSABLE', `cannot open the database ${path}: ${reason}\n${fix}`, {
      cause: error,
    });
  }
}

/** The refusal an operator reads: which file, what is wrong, and the exact commands out of it. */
export function damagedMessage(path: string, problems: string[], at: Date): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const aside = join(dirname(path), `damaged-${stamp}`);
  const found = problems.filter((p) => !p.startsWith('*** '));
  const shown = found.slice(0, 3).join('; ');
  return [
    `the database ${path} is damaged (${shown}${found.length > 3 ? '; …' : ''}).`,
    'The gateway refuses to run on it: it could lose or misreport what it stores.',
    'The gateway keeps no backup of it. Either:',
    `  - restore a copy you keep of that file to ${path} (and delete ${path}-wal and ${path}-shm), or`,
    '  - move it aside (keeping it for a later look) and start with an empty database; paired devices,',
    '    sessions, queued sends and cron jobs are gone, and devices pair again:',
    `      mkdir '${aside}' && mv '${path}'* '${aside}/'`,
  ].join('\n');
}
