import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DetailCodes, ErrorCodes } from '../errors.ts';
import { renderArtifacts } from './artifacts.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

describe('generated artifacts', () => {
  it('match what is committed (run pnpm protocol:gen after changing the tables)', () => {
    for (const [rel, content] of Object.entries(renderArtifacts())) {
      expect(readFileSync(join(root, rel), 'utf8'), rel).toBe(content);
    }
  });

  it('document every error code', () => {
    const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
    for (const code of [...Object.keys(ErrorCodes), ...Object.keys(DetailCodes)])
      expect(doc).toContain(`\`${code}\``);
  });
});
