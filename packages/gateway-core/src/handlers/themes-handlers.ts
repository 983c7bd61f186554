import { gatewayError, type themesMethods } from '@openclaw/protocol';
import type { FamilyHandlers } from '../router/router.ts';
import type { Store } from '../store/types.ts';
import { ThemeService } from '../themes/theme-service.ts';

export interface ThemesDeps {
  store: Pick<Store, 'kv'>;
}

/** themes.*: the Control UI's theme catalog, imported themes and the gateway's selection. */
export function createThemesHandlers({ store }: ThemesDeps): FamilyHandlers<typeof themesMethods> {
  // Made on first use: building the method table touches no service.
  let service: ThemeService | undefined;
  const themes = () => {
    service ??= new ThemeService(store.kv);
    return service;
  };
  return {
    'themes.list': () => themes().list(),
    'themes.get': ({ id }) => themes().get(id),
    'themes.set': async ({ id, mode, appearance }) => {
      // Accent and font choices are a person's; with no profiles here the browser keeps them.
      if (appearance && Object.keys(appearance).length > 0)
        throw gatewayError(
          'INVALID_REQUEST',
          'THEME_INVALID',
          'appearance (accent, fontUi, fontChat) is kept by the browser: this gateway has no user profiles to store it',
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
