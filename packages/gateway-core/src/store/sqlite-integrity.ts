import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

export type IntegrityResult =
  | { status: 'ok'; ms: number }
  /** The check itself could not run (the file is locked, cannot be opened); no verdict. */
  | { status: 'unchecked'; ms: number; reason: string }
  | { status: 'damaged'; ms: number; problems: string[] }
  /** Still running after the budget; `result` settles when it ends (damaged or not). */
  | { status: 'unfinished'; ms: number; result: Promise<IntegrityResult>; cancel(): void };

// The check runs in a worker so it never blocks the event loop and a deadline can be kept:
// SQLite's quick_check cannot be interrupted from JavaScript.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
let db;
const answer = { problems: [] };
try {
  db = new DatabaseSync(workerData.path, { timeout: 5000 });
  const rows = db.prepare('PRAGMA quick_check(' + workerData.maxProblems + ')').all();
  for (const r of rows) for (const line of String(r.quick_check).split('\\n')) if (line !== 'ok') answer.problems.push(line);
} catch (e) {
  // SQLITE_CORRUPT and SQLITE_NOTADB are damage; anything else (busy, cannot open) is not a verdict.
  const primary = (e && e.errcode) & 0xff;
  if (primary === 11 || primary === 26) answer.problems.push(String(e.message));
  else answer.failed = String(e && e.message);
}
// Closed before answering: closing may checkpoint the WAL (after a crash it is the only
// connection), and the gateway opens the file as soon as it has the answer.
try { db && db.close(); } catch {}
parentPort.postMessage(answer);
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
    const done = (m: { problems: string[]; failed?: string }) => {
      const ms = Math.round(performance.now() - started);
      if (m.failed !== undefined) resolve({ status: 'unchecked', ms, reason: m.failed });
      else
        resolve(m.problems.length ? { status: 'damaged', ms, problems: m.problems } : { status: 'ok', ms });
    };
    worker.once('message', done);
    worker.once('error', (e) => done({ problems: [], failed: `the check could not run: ${e.message}` }));
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
