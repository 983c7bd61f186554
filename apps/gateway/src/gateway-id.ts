import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stateFiles } from './paths.ts';

/**
 * This gateway's stable id: the holder name on channel leases. It lives in the state dir, so a
 * gateway restarted after a crash picks its own accounts straight back up instead of waiting out
 * its old lease; the instance lock already guarantees one process per state dir.
 */
export async function loadOrCreateGatewayId(stateDir: string): Promise<string> {
  const path = join(stateDir, stateFiles.gatewayId);
  try {
    const id = (await readFile(path, 'utf8')).trim();
    if (/^gw-[\w-]{6,}$/.test(id)) return id;
  } catch {
    // first start
  }
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const id = `gw-${randomBytes(6).toString('hex')}`;
  await writeFile(path, `${id}\n`, { mode: 0o600 });
  return id;
}
