// Writes the channel option tables into docs/CHANNELS.md from the provider schemas (then lets
// Biome align them), or with --check fails when the committed tables are stale.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unpadded, withChannelOptions } from '../src/channel-options-doc.ts';

const path = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'CHANNELS.md');
const current = await readFile(path, 'utf8');
const next = withChannelOptions(current);
if (unpadded(current) === unpadded(next)) process.exit(0);
if (process.argv.includes('--check')) {
  console.error('stale: docs/CHANNELS.md channel options (run: pnpm docs:gen)');
  process.exit(1);
}
await writeFile(path, next);
execFileSync('pnpm', ['exec', 'biome', 'format', '--write', path], { stdio: 'inherit' });
console.log('wrote docs/CHANNELS.md');
