import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { NonEmptyString, NoParams, Strict } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

// Appearance themes of the Control UI: the built-in ones, plus personal themes an operator
// imports, stored by the gateway; and the gateway-wide selection (theme and light/dark mode).
// This gateway has no user profiles, so the selection and imported themes belong to the gateway
// (`scope: "gateway"`), not to a person.

/** Limits of a theme definition; the gateway checks them before anything is stored. */
export const THEME_LIMITS = {
  nameChars: 80,
  descriptionChars: 320,
  tokenChars: 120,
  workingPhrases: 24,
  workingPhraseChars: 24,
  critters: 8,
  /** The trimmed definition, serialized as JSON. */
  definitionBytes: 4096,
  localIdChars: 64,
  /** Personal themes a gateway keeps. */
  importedThemes: 64,
} as const;

const Token = () =>
  Type.String({ minLength: 1, maxLength: THEME_LIMITS.tokenChars, description: 'A CSS value.' });
const ArtworkId = () =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', maxLength: 32, description: 'An artwork id.' });

const COLOR_KEYS = [
  'background',
  'foreground',
  'card',
  'card-foreground',
  'popover',
  'popover-foreground',
  'primary',
  'primary-foreground',
  'secondary',
  'secondary-foreground',
  'muted',
  'muted-foreground',
  'accent',
  'accent-foreground',
  'destructive',
  'destructive-foreground',
  'border',
  'input',
  'ring',
] as const;
/** The semantic colors every palette gives. */
export const THEME_COLOR_KEYS: readonly string[] = COLOR_KEYS;
/** The optional font stacks of a palette. */
export const THEME_FONT_KEYS = ['font-sans', 'font-mono'] as const;

const paletteProps = () => {
  const colors = Object.fromEntries(COLOR_KEYS.map((k) => [k, Token()])) as Record<
    (typeof COLOR_KEYS)[number],
    ReturnType<typeof Token>
  >;
  return { ...colors, 'font-sans': Type.Optional(Token()), 'font-mono': Type.Optional(Token()) };
};

export const ThemePalette = Strict(paletteProps(), {
  $id: 'ThemePalette',
  description: 'One variant: CSS colors by role, and optional font stacks of locally installed fonts.',
});

export const ThemeMode = Type.Union([Type.Literal('system'), Type.Literal('light'), Type.Literal('dark')], {
  $id: 'ThemeMode',
  description: 'system follows the device; light or dark picks a variant.',
});

const Variant = () =>
  Type.Union([Type.Literal('light'), Type.Literal('dark')], { description: 'A variant.' });

const presentation = () => ({
  mascot: Type.Optional(
    Type.Union([Type.Literal('claw'), Type.Literal('none')], {
      description: 'claw (the default) or none (no lobster branding).',
    }),
  ),
  workingPhrases: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: THEME_LIMITS.workingPhraseChars }), {
      maxItems: THEME_LIMITS.workingPhrases,
      description: 'Status phrases shown on long waits ([] hides them).',
    }),
  ),
  critters: Type.Optional(
    Type.Array(ArtworkId(), { maxItems: THEME_LIMITS.critters, description: 'Visiting critters.' }),
  ),
  avatarHat: Type.Optional(ArtworkId()),
});

export const ThemeDefinition = Strict(
  {
    name: NonEmptyString('Shown name.', { maxLength: THEME_LIMITS.nameChars }),
    description: NonEmptyString('Palette, typography and character, in a sentence or two.', {
      maxLength: THEME_LIMITS.descriptionChars,
    }),
    ...presentation(),
    light: Type.Optional(ThemePalette),
    dark: Type.Optional(ThemePalette),
  },
  { $id: 'ThemeDefinition', description: 'A theme: at least one of light and dark.' },
);

export const ThemeDescriptor = Strict(
  {
    id: NonEmptyString('builtin id, or user/<slug> for an imported theme.'),
    name: NonEmptyString('Shown name.'),
    description: NonEmptyString('What it looks like.'),
    source: Type.Union([Type.Literal('builtin'), Type.Literal('plugin'), Type.Literal('user')], {
      description: 'builtin, plugin (none here), or user (imported).',
    }),
    modes: Type.Array(Variant(), { minItems: 1, maxItems: 2, description: 'Variants it provides.' }),
    ...presentation(),
  },
  { $id: 'ThemeDescriptor', description: 'A theme of the catalog, without its palettes.' },
);

export const ThemeSelection = Strict(
  {
    id: NonEmptyString('The theme in effect.'),
    mode: ThemeMode,
    effectiveMode: Type.Optional(Variant()),
    scope: Type.Union([Type.Literal('profile'), Type.Literal('gateway')], {
      description: 'gateway here: the selection belongs to the gateway, not a person.',
    }),
    overrides: Strict(
      { id: Type.Optional(NonEmptyString('Selected theme.')), mode: Type.Optional(ThemeMode) },
      { description: 'What was set with themes.set or themes.import (the rest is the default).' },
    ),
    requestedId: Type.Optional(NonEmptyString('The selected theme when it is not in the catalog.')),
  },
  { $id: 'ThemeSelection', description: 'The current selection.' },
);

const ThemeId = () => Type.String({ minLength: 1, maxLength: 256, description: 'A theme id.' });

const inspection = () => ({
  current: ThemeSelection,
  theme: ThemeDescriptor,
  definition: Type.Optional(ThemeDefinition),
});

const Saved = () =>
  Type.Literal('saved', { description: 'Stored (not a claim that any browser rendered it).' });

const Inspection = (id: string, description: string) => Strict(inspection(), { $id: id, description });
const SavedInspection = (id: string, description: string) =>
  Strict({ ...inspection(), application: Saved() }, { $id: id, description });

export const themesList = defineMethod({
  name: 'themes.list',
  description: 'The theme catalog (built-in and imported) and the current selection with its theme.',
  params: NoParams('ThemesListParams'),
  result: Strict(
    {
      ...inspection(),
      themes: Type.Array(ThemeDescriptor, { description: 'Built-in first, then imported by id.' }),
    },
    { $id: 'ThemesListResult', description: 'Catalog and selection.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const themesGet = defineMethod({
  name: 'themes.get',
  description: 'One theme (default: the current one) with its definition when it is imported.',
  params: Strict({ id: Type.Optional(ThemeId()) }, { $id: 'ThemesGetParams', description: 'Which theme.' }),
  result: Inspection('ThemesGetResult', 'Selection and the theme.'),
  scope: 'operator.read',
  sideEffect: false,
});

const Clearable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);

export const themesSet = defineMethod({
  name: 'themes.set',
  description:
    "Select the gateway's theme and/or mode (null restores the default); appearance preferences are refused here.",
  params: Strict(
    {
      id: Type.Optional(Clearable(ThemeId())),
      mode: Type.Optional(Clearable(ThemeMode)),
      appearance: Type.Optional(
        Strict(
          {
            accent: Type.Optional(Clearable(Type.String())),
            fontUi: Type.Optional(Clearable(Type.String())),
            fontChat: Type.Optional(Clearable(Type.String())),
          },
          { description: 'Per-person appearance preferences; this gateway has no profiles to keep them.' },
        ),
      ),
    },
    { $id: 'ThemesSetParams', description: 'What to select.' },
  ),
  result: SavedInspection('ThemesSetResult', 'The resulting selection.'),
  scope: 'operator.write',
  sideEffect: false,
});

export const themesImport = defineMethod({
  name: 'themes.import',
  description: 'Store a personal theme as user/<id> (again: replace it); apply selects it too.',
  params: Strict(
    {
      id: Type.String({
        minLength: 1,
        maxLength: THEME_LIMITS.localIdChars,
        pattern: '^[a-z0-9][a-z0-9_-]*$',
        description: 'Slug: lowercase letters, digits, - and _.',
      }),
      definition: ThemeDefinition,
      apply: Type.Optional(Type.Boolean({ description: 'Select it as well (default false).' })),
      mode: Type.Optional(ThemeMode),
    },
    { $id: 'ThemesImportParams', description: 'The theme.' },
  ),
  result: SavedInspection('ThemesImportResult', 'The stored theme and the selection.'),
  scope: 'operator.write',
  sideEffect: false,
});

export const themesMethods = [themesList, themesGet, themesSet, themesImport] as const;

export type ThemeDefinition = Static<typeof ThemeDefinition>;
export type ThemeDescriptor = Static<typeof ThemeDescriptor>;
export type ThemeSelection = Static<typeof ThemeSelection>;
export type ThemeMode = Static<typeof ThemeMode>;
export type ThemePalette = Static<typeof ThemePalette>;
