import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderChannelOptions, unpadded, withChannelOptions } from './channel-options-doc.ts';

const doc = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'CHANNELS.md');

describe('channel option tables in docs/CHANNELS.md', () => {
  it('match the provider schemas (run pnpm docs:gen after changing one)', () => {
    const text = readFileSync(doc, 'utf8');
    expect(unpadded(withChannelOptions(text))).toBe(unpadded(text));
  });

  it('say which keys are secrets and which an account needs', () => {
    const table = renderChannelOptions();
    expect(table).toContain('| `botToken` | string |  | secret, credential |');
    expect(table).toContain('| `webhook.secretToken` | string |  | secret |');
    expect(table).toContain('| `baseUrl` | string |  | secret password in the URL, credential |');
    expect(table).toContain('| `receive` | `webhook` \\| `poll` | `"webhook"` |');
  });
});
