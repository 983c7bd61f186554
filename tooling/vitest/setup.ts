// Any stray console output in a test fails it: logging goes through the injected logger.
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach } from 'vitest';

const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let calls: string[] = [];

for (const m of methods) {
  console[m] = (...args: unknown[]) => {
    calls.push(`console.${m}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  };
}

afterEach(() => {
  const seen = calls;
  calls = [];
  if (seen.length > 0) throw new Error(`unexpected console output:\n${seen.join('\n')}`);
});

// A process a test file started through the test harness and never stopped outlives the run (a
// gateway was once found still listening after CI). After the file's own hooks, any such process
// still running past a grace period (one told to stop may still be exiting) is killed and the
// file fails, naming it. The harness keeps the registry (tracked-process.ts).
afterAll(async () => {
  const live = (globalThis as { [k: symbol]: Map<ChildProcess, string> | undefined })[
    Symbol.for('openclaw.test.liveProcesses')
  ];
  if (!live || live.size === 0) return;
  const deadline = Date.now() + Number(process.env.OPENCLAW_TEST_LEAK_GRACE_MS ?? 20_000);
  while (live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (live.size === 0) return;
  const leaked = [...live];
  // "Now killed" only once it is: the worker may exit right after this hook, and a child killed but
  // not yet reaped by it is left a zombie whose pid still answers (seen on a loaded machine).
  // Node reaps a child before it emits 'exit'; a SIGKILL cannot be caught, so this ends.
  const exits = leaked.map(
    ([child]) =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) done();
        else child.once('exit', () => done());
      }),
  );
  for (const [child] of leaked) child.kill('SIGKILL');
  await Promise.all(exits);
  live.clear();
  throw new Error(
    `the test file left ${leaked.length} process(es) running (now killed):\n${leaked.map(([c, cmd]) => `  pid ${c.pid}: ${cmd}`).join('\n')}`,
  );
}, 30_000);
