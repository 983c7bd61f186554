import type { GatewaySession } from '../connection/session.ts';

/** Light or dark as the gateway's shared preference says, or `system`: follow the system. */
export type ColorMode = 'light' | 'dark' | 'system';

/** The colour mode a config names (`ui.prefs.themeMode`); anything else follows the system. */
export function colorModeOf(config: unknown): ColorMode {
  const prefs = (config as { ui?: { prefs?: { themeMode?: unknown } } } | undefined)?.ui?.prefs;
  const mode = prefs?.themeMode;
  return mode === 'light' || mode === 'dark' ? mode : 'system';
}

/** Puts the mode on the page: styles.css picks each colour's light or dark value from it. */
export function applyColorMode(root: HTMLElement, mode: ColorMode): void {
  if (mode === 'system') delete root.dataset.colorMode;
  else root.dataset.colorMode = mode;
}

/**
 * Keeps `root` in the colour mode the gateway's config names: read when the session is ready and
 * again on every config.changed (another Control UI, the CLI or a file edit changed it). Returns
 * the unsubscribe.
 */
export function followColorMode(session: GatewaySession, root: HTMLElement): () => void {
  const load = async () => {
    if (session.state.kind !== 'ready') return;
    try {
      applyColorMode(root, colorModeOf((await session.client.request('config.get')).config));
    } catch {
      // A preference, not data: the page keeps the mode it has.
    }
  };
  const onReady = () => void load();
  session.addEventListener('ready', onReady);
  const off = session.on('config.changed', () => void load());
  return () => {
    session.removeEventListener('ready', onReady);
    off();
  };
}
