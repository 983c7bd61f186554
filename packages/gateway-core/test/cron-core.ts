// A gateway core for cron tests: a SQLite store in the test's folder, a silent log, and the
// scheduler's timers off (each test drives it with `cron.tick()` and, where it has one, its clock).
import { join } from 'node:path';
import { ConfigManager } from '../src/config/config-manager.ts';
import { createGatewayCore, type GatewayCore } from '../src/gateway-core.ts';
import { createSilentLogger } from '../src/logging/logger.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import type { Clock } from '../src/util/clock.ts';

export interface CronCoreOptions {
  /** Agent turns answered by this OpenAI-compatible server (a FakeOpenAi's baseUrl) and model. */
  model?: { baseUrl: string; name: string; resumeInterrupted?: boolean };
  clock?: Clock;
  /** The files' names in `dir` (`<name>.db`, `<name>.json`); `gateway` by default. */
  name?: string;
}

export function cronCore(dir: string, o: CronCoreOptions = {}): Promise<GatewayCore> {
  const name = o.name ?? 'gateway';
  const agent = o.model && {
    backend: 'openai-compatible',
    openai: { baseUrl: o.model.baseUrl, model: o.model.name, apiKeyEnv: 'OC_TEST_NO_KEY' },
    ...(o.model.resumeInterrupted !== undefined ? { resumeInterrupted: o.model.resumeInterrupted } : {}),
  };
  return createGatewayCore({
    config: ConfigManager.fromObject(join(dir, name === 'gateway' ? 'openclaw.json' : `${name}.json`), {
      ...(agent ? { agent } : {}),
    }),
    store: createSqliteStore({ path: join(dir, `${name}.db`) }),
    log: createSilentLogger(),
    version: '0.0.0-test',
    secrets: () => ({ token: 'x'.repeat(20) }),
    ...(o.clock ? { clock: o.clock } : {}),
    cronTimers: false,
  });
}
