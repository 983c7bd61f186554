import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

export type IntegrityResult =
  | { status: 'ok'; ms: number }
  | { status: 'damaged'; ms: number; problems: string[] }
  /** Still running after the budget; `result` settles when it ends (damaged or not). */
  | { status: 'unfinished'; ms: number; result: Promise<IntegrityResult>; cancel(): void };

// The check runs in a worker so it never blocks the event loop and a deadline can be kept:
// SQLite's quick_check cannot be interrupted from JavaScript.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
let db;
try {
  db = new DatabaseSync(workerData.path);
  const rows = db.prepare('PRAGMA quick_check(' + workerData.maxProblems + ')').all();
  const problems = [];
  for (const r of rows) for (const line of String(r.quick_check).split('\\n')) if (line !== 'ok') problems.push(line);
  parentPort.postMessage({ problems });
} catch (e) {
  parentPort.postMessage({ problems: [String(e && e.message)], errcode: e && e.errcode });
} finally {
  try { db && db.close(); } catch {}
}
`;

/**
 * SQLite's `PRAGMA quick_check` of a database file (every page and b-tree is walked; indexes are
 * not compared with their tables, which `integrity_check` would add at several times the cost).
 * A missing or empty file is sound (a first start). Resolves by `budgetMs` at the latest: a check
 * still running then is reported `unfinished` and goes on in the background.
 */
export async function checkSqliteIntegrity(
  path: string,
  options: { budgetMs: number; maxProblems?: number },
): Promise<IntegrityResult> {
  const started = performance.now();
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size === 0) return { status: 'ok', ms: 0 };
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { path, maxProblems: options.maxProblems ?? 20 },
  });
  const result = new Promise<IntegrityResult>((resolve) => {
    const done = (problems: string[]) => {
      const ms = Math.round(performance.now() - started);
      resolve(problems.length ? { status: 'damaged', ms, problems } : { status: 'ok', ms });
    };
    worker.once('message', (m: { problems: string[] }) => done(m.problems));
    worker.once('error', (e) => done([`the integrity check failed: ${e.message}`]));
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
