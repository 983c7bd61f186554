import { realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/**
 * The real path of `rel` inside `root`, or undefined for anything that would leave it: `..`
 * segments (in any encoding, after decoding), backslashes, NUL bytes, or symlinks pointing out.
 * A directory resolves to its index.html.
 */
export async function resolveInside(realRoot: string, rel: string): Promise<string | undefined> {
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  const segments = rel.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return undefined;
  let candidate = resolve(realRoot, ...segments.filter(Boolean));
  if (candidate !== realRoot && !candidate.startsWith(realRoot + sep)) return undefined;
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return undefined;
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
  const st = await stat(real);
  if (st.isDirectory()) {
    candidate = join(real, 'index.html');
    try {
      real = await realpath(candidate);
    } catch {
      return undefined;
    }
    if (!real.startsWith(realRoot + sep)) return undefined;
  }
  return real;
}
