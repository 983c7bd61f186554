import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSecret } from '@openclaw/gateway-core';
import { stateFiles } from './paths.ts';

/** The gateway token kept in the state dir when none is configured (file mode 0600). */
export async function readTokenFile(stateDir: string): Promise<string | undefined> {
  try {
    const t = (await readFile(join(stateDir, stateFiles.token), 'utf8')).trim();
    return t.length > 0 ? t : undefined;
  } catch {
    return undefined;
  }
}

/** Read the stored token, or generate and store one. `generated` tells the caller to announce it once. */
export async function loadOrCreateToken(
  stateDir: string,
): Promise<{ token: string; generated: boolean; path: string }> {
  const path = join(stateDir, stateFiles.token);
  const existing = await readTokenFile(stateDir);
  if (existing) return { token: existing, generated: false, path };
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const token = generateSecret(32);
  await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  const stored = await readTokenFile(stateDir);
  return { token: stored ?? token, generated: stored === token, path };
}
