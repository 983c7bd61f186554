// The built daemon entry (dist/gateway.js): `node dist/gateway.js [--port N] [--bind mode] …`.
// Operators normally run it through `openclaw gateway run`; this exists so the daemon can start
// without loading the CLI (benchmarks, service managers).
import { parseArgs } from 'node:util';
import { type GatewayFlags, parseAuthMode, parseBind, parsePort } from './options.ts';
import { runGateway } from './run-gateway.ts';
import { StartupError } from './startup-error.ts';
import { applyV8Flags } from './v8-flags.ts';

applyV8Flags();
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    bind: { type: 'string' },
    host: { type: 'string' },
    auth: { type: 'string' },
    token: { type: 'string' },
    password: { type: 'string' },
    verbose: { type: 'boolean' },
  },
  strict: true,
});
const flags: GatewayFlags = {};
try {
  if (values.port) flags.port = parsePort(values.port);
  if (values.bind) flags.bind = parseBind(values.bind);
  if (values.host) flags.host = values.host;
  if (values.auth) flags.auth = parseAuthMode(values.auth);
  if (values.token) flags.token = values.token;
  if (values.password) flags.password = values.password;
  if (values.verbose) flags.verbose = true;
  await runGateway({ flags, handleSignals: true });
} catch (error) {
  process.stderr.write(`openclaw gateway: ${(error as Error).message}\n`);
  process.exit(error instanceof StartupError ? error.exitCode : 1);
}
