import { createRequire } from 'node:module';
import type * as Baileys from '@whiskeysockets/baileys';

/**
 * The Baileys module, loaded through require. It is CommonJS, and Node's ESM named-export scan
 * misses some of its `export *` re-exports (`proto` comes out undefined under `import *`), so the
 * exports object itself is the only reliable handle.
 */
export const baileys: typeof Baileys = createRequire(import.meta.url)('@whiskeysockets/baileys');
