// Any stray console output in a test fails it: logging goes through the injected logger.
import { afterEach } from 'vitest';

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
