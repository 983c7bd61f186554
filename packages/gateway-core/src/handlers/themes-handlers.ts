import { gatewayError, type themesMethods } from '@openclaw/protocol';
import type { ConfigManager } from '../config/config-manager.ts';
import type { FamilyHandlers } from '../router/router.ts';
import type { Store } from '../store/types.ts';
import { ThemeService } from '../themes/theme-service.ts';

export interface ThemesDeps {
  store: Pick<Store, 'kv'>;
  /** Whose `ui.prefs` (theme, themeMode) stand where themes.set chose nothing. */
  config: Pick<ConfigManager, 'current'>;
}

/** themes.*: the Control UI's theme catalog, imported themes and the gateway's selection. */
export function createThemesHandlers({ store, config }: ThemesDeps): FamilyHandlers<typeof themesMethods> {
  // Made on first use: building the method table touches no service.
  let service: ThemeService | undefined;
  const themes = () => {
    service ??= new ThemeService(store.kv, () => config.current.ui.prefs);
    return service;
  };
  return {
    'themes.list': () => themes().list(),
    'themes.get': ({ id }) => themes().get(id),
    'themes.set': async ({ id, mode, appearance }) => {
      // Accent and font choices are a person's; with no profiles here the gateway-wide accent is
      // the config's ui.prefs.accent, and fonts stay in the browser.
      if (appearance && Object.keys(appearance).length > 0)
        throw gatewayError(
          'INVALID_REQUEST',
          'THEME_INVALID',
          'appearance is not stored here: this gateway has no user profiles. The accent every Control UI shares is ui.prefs.accent (config.patch); fonts stay in the browser',
          { details: { path: 'appearance' } },
        );
      if (id === undefined && mode === undefined)
        throw gatewayError(
          'INVALID_REQUEST',
          'THEME_INVALID',
          'set a theme id or mode (null restores the default)',
        );
      return { ...(await themes().set({ id, mode })), application: 'saved' as const };
    },
    'themes.import': async ({ id, definition, apply, mode }) => ({
      ...(await themes().import(id, definition, apply === true, mode)),
      application: 'saved' as const,
    }),
  };
}
