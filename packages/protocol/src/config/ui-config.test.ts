import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.ts';
import type { ConfigIssue } from './config-issues.ts';
import { defaultConfig, parseConfig } from './parse-config.ts';
import { UI_PREF_LIMITS, UI_PREF_THEMES } from './ui-config.ts';

function rejection(raw: unknown): { path: string; issues: ConfigIssue[] } {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const e = error as GatewayError;
    expect(e.detailCode).toBe('CONFIG_INVALID');
    return { path: String(e.details?.path), issues: e.details?.issues as ConfigIssue[] };
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

const prefs = (p: Record<string, unknown>) => ({ ui: { prefs: p } });

describe('the ui config section', () => {
  it('is empty by default: no gateway-wide preference is invented', () => {
    expect(defaultConfig().ui).toEqual({});
  });

  it('keeps every preference the reference Control UI syncs, as given', () => {
    const all = {
      theme: 'tide',
      themeMode: 'dark',
      accent: '#1A2b3C',
      locale: 'pt-BR',
      chatShowThinking: false,
      chatShowToolCalls: true,
      chatPersistCommentary: false,
      chatSendShortcut: 'modifier-enter',
      chatFollowUpMode: 'queue',
      sidebarEntries: ['route:cron', 'plugin:x', 'session:agent:main:main'],
    };
    const c = parseConfig({ ui: { seamColor: 'FF4500', prefs: all } });
    expect(c.ui).toEqual({ seamColor: 'FF4500', prefs: all });
    expect(parseConfig({ ui: { seamColor: '#ff4500' } }).ui.seamColor).toBe('#ff4500');
    for (const theme of UI_PREF_THEMES) expect(parseConfig(prefs({ theme })).ui.prefs?.theme).toBe(theme);
    expect(parseConfig(prefs({ accent: 'theme' })).ui.prefs?.accent).toBe('theme');
    expect(parseConfig(prefs({ sidebarEntries: [] })).ui.prefs?.sidebarEntries).toEqual([]);
  });

  it('refuses a bad value with its path', () => {
    const cases: [raw: unknown, path: string][] = [
      [prefs({ theme: 'user/harbour' }), 'ui.prefs.theme'],
      [prefs({ theme: 'Claw' }), 'ui.prefs.theme'],
      [prefs({ themeMode: 'dim' }), 'ui.prefs.themeMode'],
      [prefs({ accent: 'teal' }), 'ui.prefs.accent'],
      [prefs({ accent: 'ff4500' }), 'ui.prefs.accent'],
      [prefs({ accent: '#ff450' }), 'ui.prefs.accent'],
      [prefs({ locale: 'x'.repeat(UI_PREF_LIMITS.localeLength + 1) }), 'ui.prefs.locale'],
      [prefs({ locale: 5 }), 'ui.prefs.locale'],
      [prefs({ chatShowThinking: 'yes' }), 'ui.prefs.chatShowThinking'],
      [prefs({ chatShowToolCalls: 1 }), 'ui.prefs.chatShowToolCalls'],
      [prefs({ chatPersistCommentary: null }), 'ui.prefs.chatPersistCommentary'],
      [prefs({ chatSendShortcut: 'shift-enter' }), 'ui.prefs.chatSendShortcut'],
      [prefs({ chatFollowUpMode: 'interrupt' }), 'ui.prefs.chatFollowUpMode'],
      [prefs({ sidebarEntries: 'route:cron' }), 'ui.prefs.sidebarEntries'],
      [prefs({ sidebarEntries: [1] }), 'ui.prefs.sidebarEntries.0'],
      [
        prefs({ sidebarEntries: ['x'.repeat(UI_PREF_LIMITS.sidebarEntryLength + 1)] }),
        'ui.prefs.sidebarEntries.0',
      ],
      [
        prefs({
          sidebarEntries: Array.from({ length: UI_PREF_LIMITS.sidebarEntries + 1 }, (_, i) => `r${i}`),
        }),
        'ui.prefs.sidebarEntries',
      ],
      [{ ui: { seamColor: 'orange' } }, 'ui.seamColor'],
      [{ ui: { seamColor: '#FF45001' } }, 'ui.seamColor'],
      [{ ui: { prefs: [] } }, 'ui.prefs'],
      [{ ui: 'dark' }, 'ui'],
    ];
    const wrong = cases
      .map(([raw, path]) => ({ raw: JSON.stringify(raw).slice(0, 100), path, got: rejection(raw).path }))
      .filter((r) => r.got !== r.path);
    expect(wrong).toEqual([]);
  });

  it('refuses an unknown key with its path, and suggests the near one', () => {
    const typo = rejection(prefs({ themMode: 'dark' }));
    expect(typo.path).toBe('ui.prefs.themMode');
    expect(typo.issues[0]?.message).toMatch(/unknown key.*themeMode/);
    // Fonts are kept by each browser, never in the config (as in the reference).
    expect(rejection(prefs({ fontUi: 'inter' })).path).toBe('ui.prefs.fontUi');
    expect(rejection({ ui: { accent: '#ffffff' } }).path).toBe('ui.accent');
  });
});
