import { describe, expect, it } from 'vitest';
import { colorModeOf } from './color-mode.ts';

describe('colour mode', () => {
  it('is the light or dark the config names, else the system’s', () => {
    expect(colorModeOf({ ui: { prefs: { themeMode: 'dark' } } })).toBe('dark');
    expect(colorModeOf({ ui: { prefs: { themeMode: 'light' } } })).toBe('light');
    expect(colorModeOf({ ui: { prefs: { themeMode: 'system' } } })).toBe('system');
    expect(colorModeOf({ ui: { prefs: { themeMode: 'dim' } } })).toBe('system');
    expect(colorModeOf({ ui: {} })).toBe('system');
    expect(colorModeOf({})).toBe('system');
    expect(colorModeOf(undefined)).toBe('system');
  });
});
