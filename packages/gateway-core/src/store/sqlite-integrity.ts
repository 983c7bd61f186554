import { stat } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

export type IntegrityResult =
  | { status: 'ok'; ms: number }
  /** The check itself could not run (the file is locked, cannot be opened); no verdict. */
  | { status: 'unchecked'; ms: number; reason: string }
  | { status: 'damaged'; ms: number; problems: string[] }
  /** Still running after the budget; `result` settles when it ends (damaged or not). */
  | { status: 'unfinished'; ms: number; result: Promise<IntegrityResult>; cancel(): void };

type CheckAnswer = { problems: string[]; failed?: string };

/**
 * One quick_check, closing the database before it answers (closing may checkpoint a WAL left by
 * a crash, and the gateway opens the file as soon as it has the answer). Self-contained: it also
 * runs in a worker from its own source text, so it may use nothing but its parameters.
 */
function quickCheck(Database: typeof DatabaseSync, path: string, maxProblems: number): CheckAnswer {
  let db: DatabaseSync | undefined;
  const answer: CheckAnswer = { problems: [] };
  try {
    db = new Database(path, { timeout: 5000 });
    const rows = db.prepare(`PRAGMA quick_check(${maxProblems})`).all() as { quick_check: string }[];
    for (const r of rows)
      for (const line of String(r.quick_check).split('\n')) if (line !== 'ok') answer.problems.push(line);
  } catch (e) {
    // SQLITE_CORRUPT and SQLITE_NOTADB are damage; anything else (busy, cannot open) is no verdict.
    const primary = ((e as { errcode?: number }).errcode ?? 0) & 0xff;
    if (primary === 11 || primary === 26) answer.problems.push(String((e as Error).message));
    else answer.failed = String((e as Error).message);
  }
  try {
    db?.close();
  } catch {
    // already closed
  }
  return answer;
}

// In a worker, a deadline can be kept: SQLite's quick_check cannot be interrupted from JavaScript.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
parentPort.postMessage((${quickCheck.toString()})(DatabaseSync, workerData.path, workerData.maxProblems));
`;

/**
 * SQLite's `PRAGMA quick_check` of a database file (every page and b-tree is walked; indexes are
 * not compared with their tables, which `integrity_check` would add at several times the cost).
 * A missing or empty file is sound (a first start). Resolves by `budgetMs` at the latest: a check
 * still running then is reported `unfinished` and goes on in the background.
 */
export async function checkSqliteIntegrity(
  path: string,
  options: { budgetMs: number; maxProblems?: number; inlineUpToBytes?: number },
): Promise<IntegrityResult> {
  const started = performance.now();
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size === 0) return { status: 'ok', ms: 0 };
  const toResult = (m: CheckAnswer): IntegrityResult => {
    const ms = Math.round(performance.now() - started);
    if (m.failed !== undefined) return { status: 'unchecked', ms, reason: m.failed };
    return m.problems.length ? { status: 'damaged', ms, problems: m.problems } : { status: 'ok', ms };
  };
  // A small file is checked at once on this thread (milliseconds; starting a worker costs more).
  // Only for callers with nothing else to serve yet, as at start-up.
  if (size <= (options.inlineUpToBytes ?? 0))
    return toResult(quickCheck(DatabaseSync, path, options.maxProblems ?? 20));
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { path, maxProblems: options.maxProblems ?? 20 },
  });
  const result = new Promise<IntegrityResult>((resolve) => {
    worker.once('message', (m: CheckAnswer) => resolve(toResult(m)));
    worker.once('error', (e) =>
      resolve(toResult({ problems: [], failed: `the check could not run: ${e.message}` })),
    );
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'late'>((r) => {
    timer = setTimeout(() => r('late'), options.budgetMs);
  });
  const first = await Promise.race([result, deadline]);
  clearTimeout(timer);
  if (first !== 'late') return first;
  // Keep going, without holding the process open for it.
  worker.unref();
  return {
    status: 'unfinished',
    ms: Math.round(performance.now() - started),
    result,
    cancel: () => void worker.terminate(),
  };
}
