// docs/DEPLOYMENT.md: "a gateway started while Redis is down exits non-zero, naming the URL
// (password redacted)": starting blind could take accounts another gateway serves.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@openclaw/test-fakes';
import { spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { expect, it } from 'vitest';

it('a gateway started while Redis is down exits non-zero, naming the URL without its password', async () => {
  const stateDir = await tempStateDir();
  try {
    // Nothing listens here: Redis is down.
    const port = await freePort();
    const password = 'do-not-print-this-9f3b';
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({ cluster: { redisUrl: `redis://:${password}@127.0.0.1:${port}/0` } }),
    );
    const gw = await spawnGateway({
      stateDir,
      env: { OPENCLAW_GATEWAY_TOKEN: 'redis-down-test-token-0123456789' },
      expectExit: true,
    });
    const exit = await gw.waitForExit();
    expect(exit.code).toBe(2);
    expect(gw.output()).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${port}/0`);
    expect(gw.output()).not.toContain(password);
    expect(gw.output()).not.toContain('gateway listening');
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}, 30_000);
