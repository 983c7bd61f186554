import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brokenConfigError, loadLocalConfig } from './config-file.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-cfgfile-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadLocalConfig', () => {
  it('a missing file is valid (defaults apply)', async () => {
    expect(await loadLocalConfig({ OPENCLAW_STATE_DIR: dir })).toMatchObject({ exists: false, issues: [] });
  });

  it("gives a syntax error's line and column as the JSON5 parser reports them", async () => {
    await writeFile(join(dir, 'openclaw.json'), '{\n  gateway: {\n    port: 18789,,\n  },\n}\n');
    const c = await loadLocalConfig({ OPENCLAW_STATE_DIR: dir });
    expect(c.raw).toBeUndefined();
    expect(c.issues).toEqual([
      { path: '', kind: 'syntax', message: "not valid JSON5: invalid character ','", line: 3, column: 17 },
    ]);
    const e = brokenConfigError(c, 'what happens now');
    expect(e.message).toBe(
      `the config file is broken: ${join(dir, 'openclaw.json')}:3:17: not valid JSON5: invalid character ','`,
    );
    expect(e.hint).toBe('what happens now');
  });

  it('lists every schema problem at its line, keeping the parsed content', async () => {
    await writeFile(
      join(dir, 'openclaw.json'),
      "// comment\n{ gateway: { port: 1234, bnd: 'lan' },\n  logging: { level: 'loud' } }\n",
    );
    const c = await loadLocalConfig({ OPENCLAW_STATE_DIR: dir });
    expect(c.raw).toEqual({ gateway: { port: 1234, bnd: 'lan' }, logging: { level: 'loud' } });
    expect(c.issues.map((i) => [i.path, i.line, i.column, i.message])).toEqual([
      ['gateway.bnd', 2, 26, 'unknown key; did you mean gateway.bind?'],
      [
        'logging.level',
        3,
        14,
        'must be one of "fatal", "error", "warn", "info", "debug", "trace"; got "loud"',
      ],
    ]);
    const e = brokenConfigError(c, 'fix it');
    expect(e.message).toBe('the config file has 2 problems');
    expect(e.hint?.split('\n')).toEqual([
      `${join(dir, 'openclaw.json')}:2:26: gateway.bnd: unknown key; did you mean gateway.bind?`,
      `${join(dir, 'openclaw.json')}:3:14: logging.level: must be one of "fatal", "error", "warn", "info", "debug", "trace"; got "loud"`,
      'fix it',
    ]);
  });
});
