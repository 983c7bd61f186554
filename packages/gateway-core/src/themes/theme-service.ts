import {
  gatewayError,
  THEME_LIMITS,
  type ThemeDefinition,
  type ThemeDescriptor,
  type ThemeMode,
  type ThemeSelection,
  type UiPrefs,
} from '@openclaw/protocol';
import type { KvRepo } from '../store/types.ts';
import { BUILTIN_THEMES, DEFAULT_THEME_ID } from './builtin-themes.ts';
import { normalizeThemeDefinition, themeModes } from './theme-definition.ts';

/** What the gateway keeps: its selection and the themes operators imported, in one document. */
interface ThemesDoc {
  selection: { id?: string; mode?: ThemeMode };
  themes: Record<string, ThemeDefinition>;
}

const KV_KEY = 'themes.gateway';
const USER_PREFIX = 'user/';

interface Entry {
  descriptor: ThemeDescriptor;
  definition?: ThemeDefinition;
}

export interface ThemeInspection {
  current: ThemeSelection;
  theme: ThemeDescriptor;
  definition?: ThemeDefinition;
}

const unknownTheme = (id: string) =>
  gatewayError(
    'INVALID_REQUEST',
    'THEME_UNKNOWN',
    `theme ${id} is not in the catalog; themes.list names them`,
    {
      details: { id },
    },
  );

const modeUnsupported = (id: string, mode: string, modes: readonly string[]) =>
  gatewayError(
    'INVALID_REQUEST',
    'THEME_MODE_UNSUPPORTED',
    `theme ${id} has no ${mode} palette; choose system or ${modes.join(' or ')}`,
    { details: { id, mode, modes: [...modes] } },
  );

function userEntry(localId: string, d: ThemeDefinition): Entry {
  const descriptor: ThemeDescriptor = {
    id: `${USER_PREFIX}${localId}`,
    name: d.name,
    description: d.description,
    source: 'user',
    modes: themeModes(d),
  };
  if (d.mascot !== undefined) descriptor.mascot = d.mascot;
  if (d.workingPhrases !== undefined) descriptor.workingPhrases = d.workingPhrases;
  if (d.critters !== undefined) descriptor.critters = d.critters;
  if (d.avatarHat !== undefined) descriptor.avatarHat = d.avatarHat;
  return { descriptor, definition: d };
}

/**
 * The theme catalog and the gateway's selection, kept in the store so both survive a restart.
 * This gateway has no per-person profiles: the selection is the gateway's (scope "gateway").
 * Writes are serialized here, so two requests to one gateway never lose each other's change.
 *
 * Below the selection lie the config's `ui.prefs` (theme, themeMode), which every Control UI
 * shares: a theme or mode themes.set never chose (or cleared with null) is the prefs' one, as a
 * profile's choice wins over the gateway-wide prefs in the reference.
 */
export class ThemeService {
  readonly #kv: KvRepo;
  readonly #prefs: () => UiPrefs | undefined;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(kv: KvRepo, prefs: () => UiPrefs | undefined = () => undefined) {
    this.#kv = kv;
    this.#prefs = prefs;
  }

  async #load(): Promise<ThemesDoc> {
    const doc = await this.#kv.get<ThemesDoc>(KV_KEY);
    return { selection: { ...doc?.selection }, themes: { ...doc?.themes } };
  }

  #catalog(doc: ThemesDoc): Entry[] {
    const imported = Object.keys(doc.themes)
      .sort()
      .map((id) => userEntry(id, doc.themes[id] as ThemeDefinition));
    return [...BUILTIN_THEMES.map((descriptor) => ({ descriptor })), ...imported];
  }

  #selection(doc: ThemesDoc, catalog: Entry[]): { current: ThemeSelection; entry: Entry } {
    const { id, mode } = doc.selection;
    const prefs = this.#prefs();
    // `custom` is a palette each browser keeps: no catalog entry, so the default stands for it.
    const fromPrefs = prefs?.theme !== undefined && prefs.theme !== 'custom' ? prefs.theme : undefined;
    const found = catalog.find((e) => e.descriptor.id === (id ?? fromPrefs ?? DEFAULT_THEME_ID));
    const entry = found ?? (catalog[0] as Entry);
    const selectedMode = mode ?? prefs?.themeMode ?? 'system';
    const modes = entry.descriptor.modes;
    const effectiveMode =
      modes.length === 1 ? modes[0] : selectedMode === 'system' ? undefined : selectedMode;
    const current: ThemeSelection = {
      id: entry.descriptor.id,
      mode: selectedMode,
      scope: 'gateway',
      overrides: { ...(id !== undefined ? { id } : {}), ...(mode !== undefined ? { mode } : {}) },
    };
    if (effectiveMode) current.effectiveMode = effectiveMode;
    if (!found && id !== undefined) current.requestedId = id;
    return { current, entry };
  }

  #inspect(doc: ThemesDoc, inspectId?: string): ThemeInspection & { catalog: Entry[] } {
    const catalog = this.#catalog(doc);
    const { current, entry } = this.#selection(doc, catalog);
    const theme = inspectId === undefined ? entry : catalog.find((e) => e.descriptor.id === inspectId);
    if (!theme) throw unknownTheme(inspectId ?? '');
    return {
      catalog,
      current,
      theme: theme.descriptor,
      ...(theme.definition ? { definition: theme.definition } : {}),
    };
  }

  /** The catalog and the selection with its theme. */
  async list(): Promise<ThemeInspection & { themes: ThemeDescriptor[] }> {
    const { catalog, ...rest } = this.#inspect(await this.#load());
    return { ...rest, themes: catalog.map((e) => e.descriptor) };
  }

  /** One theme (default: the selected one) and the selection. */
  async get(id?: string): Promise<ThemeInspection> {
    const { catalog: _catalog, ...rest } = this.#inspect(await this.#load(), id);
    return rest;
  }

  /** Selects a theme and/or mode; null clears back to the default. */
  set(change: {
    id?: string | null | undefined;
    mode?: ThemeMode | null | undefined;
  }): Promise<ThemeInspection> {
    return this.#write(async (doc) => {
      const catalog = this.#catalog(doc);
      const target = change.id == null ? undefined : catalog.find((e) => e.descriptor.id === change.id);
      if (change.id != null && !target) throw unknownTheme(change.id);
      if (change.id === null) delete doc.selection.id;
      else if (change.id !== undefined) doc.selection.id = change.id;
      const chosen = target ?? this.#selection(doc, catalog).entry;
      this.#settleMode(doc, chosen.descriptor, change.mode);
      return undefined;
    });
  }

  /** Stores `user/<id>` (replacing one of that id); `apply` selects it too. */
  import(
    id: string,
    definition: ThemeDefinition,
    apply: boolean,
    mode?: ThemeMode,
  ): Promise<ThemeInspection> {
    const clean = normalizeThemeDefinition(definition);
    if (mode !== undefined && !apply)
      throw gatewayError('INVALID_REQUEST', 'THEME_INVALID', 'mode is taken only with apply: true', {
        details: { path: 'mode' },
      });
    const entry = userEntry(id, clean);
    return this.#write(async (doc) => {
      if (!(id in doc.themes) && Object.keys(doc.themes).length >= THEME_LIMITS.importedThemes)
        throw gatewayError(
          'INVALID_REQUEST',
          'THEME_LIMIT_REACHED',
          `this gateway keeps at most ${THEME_LIMITS.importedThemes} imported themes; reimport an existing id to replace it`,
          { details: { limit: THEME_LIMITS.importedThemes } },
        );
      doc.themes[id] = clean;
      if (apply) doc.selection.id = entry.descriptor.id;
      // A reimport of the selected theme may drop the variant its saved mode names.
      if (apply || doc.selection.id === entry.descriptor.id) this.#settleMode(doc, entry.descriptor, mode);
      return entry.descriptor.id;
    });
  }

  /**
   * A requested mode the theme cannot show is refused; a kept mode it cannot show moves to the
   * variant it has (so the selection always renders).
   */
  #settleMode(doc: ThemesDoc, theme: ThemeDescriptor, requested: ThemeMode | null | undefined): void {
    if (requested === null) delete doc.selection.mode;
    else if (requested !== undefined) {
      if (requested !== 'system' && !theme.modes.includes(requested))
        throw modeUnsupported(theme.id, requested, theme.modes);
      doc.selection.mode = requested;
      return;
    }
    const kept = doc.selection.mode ?? 'system';
    if (kept !== 'system' && !theme.modes.includes(kept)) doc.selection.mode = theme.modes[0] ?? 'system';
  }

  #write(change: (doc: ThemesDoc) => Promise<string | undefined>): Promise<ThemeInspection> {
    const run = this.#writes.then(async () => {
      const doc = await this.#load();
      const inspectId = await change(doc);
      await this.#kv.set(KV_KEY, doc);
      const { catalog: _catalog, ...rest } = this.#inspect(doc, inspectId);
      return rest;
    });
    this.#writes = run.catch(() => undefined);
    return run;
  }
}
