// openclaw-node --url ws://127.0.0.1:18789 [--token T] [--state-dir D] [--name N] [--allowlist F]
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNodeAgent } from './agent.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    password: { type: 'string' },
    'state-dir': { type: 'string' },
    name: { type: 'string' },
    allowlist: { type: 'string' },
    chromium: { type: 'string' },
    'no-canvas': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || !(values.url ?? process.env.OPENCLAW_GATEWAY_URL)) {
  process.stderr.write(
    'usage: openclaw-node --url ws://host:port [--token T | env OPENCLAW_GATEWAY_TOKEN] [--state-dir D] [--name N] [--allowlist FILE] [--chromium PATH | --no-canvas]\n',
  );
  process.exit(values.help ? 0 : 2);
}
const stateDir =
  values['state-dir'] ?? process.env.OPENCLAW_NODE_STATE_DIR ?? join(homedir(), '.openclaw-node');
const agent = await startNodeAgent({
  url: values.url ?? process.env.OPENCLAW_GATEWAY_URL ?? '',
  token: values.token ?? process.env.OPENCLAW_GATEWAY_TOKEN,
  password: values.password ?? process.env.OPENCLAW_GATEWAY_PASSWORD,
  stateDir,
  name: values.name,
  allowlistPath: values.allowlist,
  chromiumPath: values['no-canvas'] ? false : values.chromium,
});
const stop = () => {
  agent.stop().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
agent.started.catch((error: unknown) => {
  process.stderr.write(`openclaw-node: ${(error as Error).message}\n`);
  process.exit(1);
});
