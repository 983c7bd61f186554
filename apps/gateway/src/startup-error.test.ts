import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { StartupError, StartupFailures } from './startup-error.ts';

const readme = new URL('../../../README.md', import.meta.url);

describe('StartupError', () => {
  it('carries the exit code of its code', () => {
    const e = new StartupError('PORT_IN_USE', 'port 1 is already in use', { cause: new Error('EADDRINUSE') });
    expect([e.name, e.code, e.exitCode, e.message]).toEqual([
      'StartupError',
      'PORT_IN_USE',
      4,
      'port 1 is already in use',
    ]);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it("every code is in the README's exit-code table with its exit code, and nothing else is", async () => {
    const rows = [...(await readFile(readme, 'utf8')).matchAll(/^\| `(\d+)` +\| `([A-Z_]+)` +\|/gm)].map(
      (m) => [m[2], Number(m[1])],
    );
    expect(Object.fromEntries(rows)).toEqual(StartupFailures);
    expect(rows).toHaveLength(Object.keys(StartupFailures).length);
  });
});
