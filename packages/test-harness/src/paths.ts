import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this package sits in. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The CLI's entry, run from source (`node --conditions=@openclaw/source`). */
export const cliEntry = join(repoRoot, 'apps', 'cli', 'src', 'bin.ts');
/** The node agent's entry, run from source. */
export const nodeAgentEntry = join(repoRoot, 'apps', 'node-agent', 'src', 'bin.ts');
/** Node flags that run a workspace entry from its TypeScript source. */
export const SOURCE_CONDITIONS = '--conditions=@openclaw/source';
