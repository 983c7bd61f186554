// The image's HEALTHCHECK: healthy when the gateway answers GET /readyz with 200. The port is the
// one the running gateway recorded in its lock file (else OPENCLAW_GATEWAY_PORT, else 18789).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let port = process.env.OPENCLAW_GATEWAY_PORT || '18789';
try {
  const lock = JSON.parse(readFileSync(join(process.env.OPENCLAW_STATE_DIR ?? '', 'gateway.lock'), 'utf8'));
  if (lock.port) port = String(lock.port);
} catch {
  // not started yet: the configured port
}
try {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(4000) });
  process.exit(res.status === 200 ? 0 : 1);
} catch {
  process.exit(1);
}
