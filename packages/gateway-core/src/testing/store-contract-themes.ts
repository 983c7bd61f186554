import { THEME_COLOR_KEYS } from '@openclaw/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/types.ts';
import { ThemeService } from '../themes/theme-service.ts';

const dark = Object.fromEntries(
  THEME_COLOR_KEYS.map((k, i) => [k, `#${(0x101010 + i * 0x050505).toString(16)}`]),
) as never;

/** The store contract for themes: what one gateway imports and selects, the next one reads. */
export function describeThemesOnStore(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });
  describe('themes (kv)', () => {
    it('keeps imported themes and the selection for a second reader of the same store', async () => {
      const a = new ThemeService(store.kv);
      await a.import(
        'moss',
        { name: 'Moss', description: 'Soft greens, «for» the night.', dark },
        true,
        'dark',
      );
      await a.import('slate', { name: 'Slate', description: 'Grey.', light: dark }, false);
      // A later gateway (or this one after a restart) starts from the store alone.
      const b = new ThemeService(store.kv);
      const list = await b.list();
      expect(list.themes.filter((t) => t.source === 'user').map((t) => t.id)).toEqual([
        'user/moss',
        'user/slate',
      ]);
      expect(list.current).toMatchObject({ id: 'user/moss', mode: 'dark', scope: 'gateway' });
      expect((await b.get('user/slate')).definition).toEqual({
        name: 'Slate',
        description: 'Grey.',
        light: dark,
      });
      expect(list.definition?.description).toBe('Soft greens, «for» the night.');
      await b.set({ id: 'user/slate' });
      expect((await new ThemeService(store.kv).get()).current).toMatchObject({
        id: 'user/slate',
        mode: 'light',
        effectiveMode: 'light',
      });
    });
  });
}
