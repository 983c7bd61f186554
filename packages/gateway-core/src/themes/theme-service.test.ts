import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { THEME_COLOR_KEYS } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import { isCssColor, isFontList } from './theme-definition.ts';
import { ThemeService } from './theme-service.ts';

const palette = Object.fromEntries(THEME_COLOR_KEYS.map((k) => [k, ' #223344 '])) as never;

describe('ThemeService on SQLite', () => {
  it('keeps imported themes and the selection across a close and reopen of the database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-themes-'));
    try {
      const path = join(dir, 'gateway.db');
      const a = createSqliteStore({ path });
      const themes = new ThemeService(a.kv);
      // Concurrent imports on one gateway: each read-modify-write sees the one before.
      await Promise.all(
        ['one', 'two', 'three'].map((id) =>
          themes.import(id, { name: ` ${id} `, description: 'A test theme.', light: palette }, id === 'two'),
        ),
      );
      await themes.set({ mode: 'light' });
      await a.close();
      const b = createSqliteStore({ path });
      const list = await new ThemeService(b.kv).list();
      expect(list.themes.filter((t) => t.source === 'user').map((t) => [t.id, t.name])).toEqual([
        ['user/one', 'one'],
        ['user/three', 'three'],
        ['user/two', 'two'],
      ]);
      expect(list.current).toEqual({
        id: 'user/two',
        mode: 'light',
        effectiveMode: 'light',
        scope: 'gateway',
        overrides: { id: 'user/two', mode: 'light' },
      });
      // Stored trimmed, as the browser will use it.
      expect(list.definition?.light?.background).toBe('#223344');
      await b.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ThemeService bounds', () => {
  it('keeps at most 64 imported themes; a reimport of a kept id still replaces it', async () => {
    const store = createMemoryStore();
    const themes = new ThemeService(store.kv);
    const def = (name: string) => ({ name, description: 'A test theme.', dark: palette });
    for (let i = 0; i < 64; i++) await themes.import(`t${i}`, def(`T${i}`), false);
    const over = (await themes.import('t64', def('T64'), false).catch((e: unknown) => e)) as {
      code: string;
      details: { code: string; limit: number };
    };
    expect(over.code).toBe('INVALID_REQUEST');
    expect(over.details).toEqual({ code: 'THEME_LIMIT_REACHED', limit: 64 });
    expect((await themes.import('t3', def('Again'), false)).theme.name).toBe('Again');
    expect((await themes.list()).themes.filter((t) => t.source === 'user')).toHaveLength(64);
    await store.close();
  });
});

describe('theme values', () => {
  it('takes CSS colors with consistent separators and nothing else', () => {
    for (const ok of [
      '#abc',
      '#aabbccdd',
      'transparent',
      'rgb(20 30 40 / 50%)',
      'rgba(20, 30, 40, 0.5)',
      'hsl(210deg 40% 50%)',
      'oklch(0.7 0.15 200 / .9)',
      'color(display-p3 1 0.5 0)',
    ])
      expect(isCssColor(ok), ok).toBe(true);
    for (const bad of [
      '#abcde',
      'rgb(20, 30 40)',
      'rgb(1 2)',
      'oklch(0.7, 0.1, 20)',
      'url(x)',
      'var(--x)',
      'red; background: url(x)',
      'rgb(1 2 3) rgb(1 2 3)',
      'color(made-up 1 2 3)',
    ])
      expect(isCssColor(bad), bad).toBe(false);
  });

  it('takes font lists with quoted or plain names and balanced quotes', () => {
    for (const ok of ['ui-monospace, monospace', '"123 Font", serif', "'Foo serif', sans-serif", 'Fira Sans'])
      expect(isFontList(ok), ok).toBe(true);
    for (const bad of ['"Open Sans, serif', '123 Font', 'a,,b', 'x; y', 'url(x)', '"a" b'])
      expect(isFontList(bad), bad).toBe(false);
  });
});
