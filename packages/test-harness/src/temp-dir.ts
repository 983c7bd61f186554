import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the OS temp dir; the caller removes it. */
export function tempStateDir(prefix = 'oc-gw-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A temp dir removed on dispose, optionally with an openclaw.json in it (a gateway state dir). */
export async function tempDir(
  config?: unknown,
): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await tempStateDir();
  if (config !== undefined) await writeFile(join(path, 'openclaw.json'), JSON.stringify(config));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** A random gateway token (what `gateway run` would generate). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}
