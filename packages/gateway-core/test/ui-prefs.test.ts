// The config's `ui` section (the reference Control UI's shared display preferences) through a
// real core over a real WebSocket: the config.patch frames that UI was recorded sending are valid
// by the reference's published schema and accepted here, read back by config.get (live, and from
// the file by the next start), described by config.schema, refused with their path when wrong;
// and the theme and mode they name are the themes.* selection where themes.set chose none.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayClient, GatewayRequestError } from '@openclaw/protocol';
import JSON5 from 'json5';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigManager } from '../src/config/config-manager.ts';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors, referenceSubErrors } from './reference-oracle.ts';

/** What the reference Control UI 2026.9.6 sent when Settings → Appearance changed (recorded). */
const uiFrames = {
  themeMode: { raw: '{"ui":{"prefs":{"themeMode":"dark"}}}', note: 'control-ui prefs sync' },
  locale: { raw: '{"ui":{"prefs":{"locale":"de"}}}', note: 'control-ui prefs sync' },
  // A list is sent with replacePaths naming it: replaced whole, never merged item by item.
  sidebar: {
    raw: '{"ui":{"prefs":{"sidebarEntries":["route:cron","route:agents-home"]}}}',
    replacePaths: ['ui.prefs.sidebarEntries'],
    note: 'control-ui prefs sync',
  },
  // "Restore default" sends null, which removes the key.
  resetLocale: { raw: '{"ui":{"prefs":{"locale":null}}}', note: 'control-ui prefs sync' },
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Call = (method: string, params: unknown) => Promise<Record<string, unknown>>;
const caller = (c: GatewayClient) => c.call.bind(c) as unknown as Call;
const prefsOf = async (call: Call) =>
  ((await call('config.get', {})).config as { ui: { prefs?: Record<string, unknown> } }).ui.prefs;

describe('ui.prefs: the reference Control UI’s preference sync', () => {
  it('the frames its UI sends are valid by the reference schema', () => {
    for (const params of Object.values(uiFrames))
      expect(referenceErrors('ConfigPatchParams', params)).toBe('');
  });

  it('config.patch from the UI is accepted, read back live, written to the file, and kept by the next start', async () => {
    h = await startHarness();
    const call = caller(await h.operator());
    for (const frame of [uiFrames.themeMode, uiFrames.locale, uiFrames.sidebar]) {
      const r = await call('config.patch', frame);
      expect(r.ok).toBe(true);
      expect(r.restartRequired).toEqual([]);
    }
    const expected = { themeMode: 'dark', locale: 'de', sidebarEntries: ['route:cron', 'route:agents-home'] };
    expect(await prefsOf(call)).toEqual(expected);
    // A shorter list replaces the longer one.
    await call('config.patch', {
      ...uiFrames.sidebar,
      raw: '{"ui":{"prefs":{"sidebarEntries":["route:cron"]}}}',
    });
    expect((await prefsOf(call))?.sidebarEntries).toEqual(['route:cron']);
    await call('config.patch', uiFrames.resetLocale);
    expect(await prefsOf(call)).toEqual({ themeMode: 'dark', sidebarEntries: ['route:cron'] });

    const path = join(h.dir, 'openclaw.json');
    const file = JSON5.parse(await readFile(path, 'utf8')) as { ui: unknown };
    expect(file.ui).toEqual({ prefs: { themeMode: 'dark', sidebarEntries: ['route:cron'] } });
    const next = await ConfigManager.load(path);
    expect(next.current.ui.prefs).toEqual({ themeMode: 'dark', sidebarEntries: ['route:cron'] });
  });

  it('every open client hears config.changed with the new revision, so a Control UI re-reads its prefs', async () => {
    h = await startHarness();
    const writer = caller(await h.operator());
    const reader = await h.operator({ scopes: ['operator.read'] });
    const heard: { path: string; hash: string; ts: number }[] = [];
    reader.on('config.changed', (e) => heard.push(e));
    const r = await writer('config.patch', uiFrames.locale);
    await eventually(() => heard.length === 1);
    expect(heard[0]).toMatchObject({ path: join(h.dir, 'openclaw.json'), hash: r.hash });
    // A refused write changes nothing and says nothing: the next accepted one is the next event.
    await writer('config.patch', { raw: '{"ui":{"prefs":{"locale":7}}}' }).catch(() => undefined);
    const next = await writer('config.patch', uiFrames.themeMode);
    await eventually(() => heard.length >= 2);
    expect(heard.map((e) => e.hash)).toEqual([r.hash, next.hash]);
    expect((await caller(reader)('config.get', {})).hash as string).toBe(next.hash);
  });

  it('config.set takes the section whole; config.schema describes it', async () => {
    h = await startHarness();
    const call = caller(await h.operator());
    await call('config.set', {
      raw: '{ ui: { seamColor: "#FF4500", prefs: { theme: "miami", accent: "theme", chatSendShortcut: "modifier-enter" } } }',
    });
    const got = (await call('config.get', {})).config as { ui: unknown };
    expect(got.ui).toEqual({
      seamColor: '#FF4500',
      prefs: { theme: 'miami', accent: 'theme', chatSendShortcut: 'modifier-enter' },
    });
    const schema = (await call('config.schema', {})).schema as {
      properties: { ui: { additionalProperties: boolean; properties: { prefs: { properties: object } } } };
    };
    expect(schema.properties.ui.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.ui.properties.prefs.properties).sort()).toEqual(
      [
        'accent',
        'chatFollowUpMode',
        'chatPersistCommentary',
        'chatSendShortcut',
        'chatShowThinking',
        'chatShowToolCalls',
        'locale',
        'sidebarEntries',
        'theme',
        'themeMode',
      ].sort(),
    );
  });

  it('a bad preference is refused with its path and nothing is written', async () => {
    h = await startHarness();
    const call = caller(await h.operator());
    const refused = async (raw: string) => {
      const e = (await call('config.patch', { raw, note: 'control-ui prefs sync' }).catch(
        (x: unknown) => x,
      )) as GatewayRequestError;
      expect(e.detailCode).toBe('CONFIG_INVALID');
      return e.details?.path;
    };
    expect(await refused('{"ui":{"prefs":{"themeMode":"dim"}}}')).toBe('ui.prefs.themeMode');
    expect(await refused('{"ui":{"prefs":{"accent":"teal"}}}')).toBe('ui.prefs.accent');
    expect(await refused('{"ui":{"prefs":{"fontUi":"inter"}}}')).toBe('ui.prefs.fontUi');
    expect(await refused('{"ui":{"seamColor":"orange"}}')).toBe('ui.seamColor');
    await expect(readFile(join(h.dir, 'openclaw.json'), 'utf8')).rejects.toThrow();
    expect(await prefsOf(call)).toBeUndefined();
  });

  it('every seam colour we accept is one the reference’s talk.config result carries', () => {
    // The reference publishes ui only there: {seamColor: string}, nothing else.
    const ui = ['properties', 'config', 'properties', 'ui'];
    for (const seamColor of ['#FF4500', 'ff4500', '#0a0B0c'])
      expect(referenceSubErrors('TalkConfigResult', ui, { seamColor })).toBe('');
    expect(referenceSubErrors('TalkConfigResult', ui, { seamColor: 5 })).not.toBe('');
  });
});

describe('ui.prefs and the themes.* selection', () => {
  it('the prefs’ theme and mode are the selection until themes.set chooses; clearing it falls back to them', async () => {
    h = await startHarness();
    const call = caller(await h.operator());
    const current = async () =>
      (await call('themes.get', {})).current as { id: string; mode: string; overrides: object };
    expect(await current()).toMatchObject({ id: 'claw', mode: 'system', overrides: {} });
    await call('config.patch', { raw: '{"ui":{"prefs":{"theme":"tide","themeMode":"dark"}}}' });
    expect(await current()).toMatchObject({ id: 'tide', mode: 'dark', effectiveMode: 'dark', overrides: {} });
    // The UI's own palette has no catalog entry: the default stands for it.
    await call('config.patch', { raw: '{"ui":{"prefs":{"theme":"custom"}}}' });
    expect(await current()).toMatchObject({ id: 'claw', mode: 'dark', overrides: {} });

    await call('themes.set', { id: 'miami', mode: 'light' });
    expect(await current()).toMatchObject({
      id: 'miami',
      mode: 'light',
      overrides: { id: 'miami', mode: 'light' },
    });
    await call('config.patch', { raw: '{"ui":{"prefs":{"theme":"knot","themeMode":"dark"}}}' });
    expect(await current()).toMatchObject({ id: 'miami', mode: 'light' });
    await call('themes.set', { id: null, mode: null });
    expect(await current()).toMatchObject({ id: 'knot', mode: 'dark', overrides: {} });
    expect(((await call('themes.list', {})).current as { id: string }).id).toBe('knot');
  });
});
