// Writes the generated protocol artifacts, or with --check fails when they are stale:
//   packages/protocol/protocol.schema.json, docs/protocol-methods.md, docs/errors.md
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderArtifacts } from '../src/internal/artifacts.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, content] of Object.entries(renderArtifacts())) {
  const path = join(root, rel);
  let current: string | undefined;
  try {
    current = await readFile(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  if (check) {
    stale++;
    console.error(`stale: ${rel} (run: pnpm protocol:gen)`);
  } else {
    await writeFile(path, content);
    console.log(`wrote ${rel}`);
  }
}
if (stale > 0) process.exit(1);
