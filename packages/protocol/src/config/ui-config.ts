import { type Static, Type } from '@sinclair/typebox';

/**
 * The built-in themes a Control UI ships palettes for, by id (the gateway's `themes.list` names
 * them in this order).
 */
export const BUILTIN_THEME_IDS = [
  'claw',
  'knot',
  'dash',
  'absolutely',
  'tide',
  'beacon',
  'phosphor',
  'crt',
  'manuscript',
  'rose',
  'miami',
] as const;

export type BuiltinThemeId = (typeof BUILTIN_THEME_IDS)[number];

/**
 * The themes `ui.prefs.theme` may name: a built-in id, or `custom` (a palette the browser keeps).
 * An imported theme (`user/<id>`) is not one of them: it is chosen with `themes.set`.
 */
export const UI_PREF_THEMES = [...BUILTIN_THEME_IDS, 'custom'] as const;

/**
 * Bounds of the free-text and list preferences. The locale's is the reference's. The reference
 * leaves the sidebar list unbounded; its entries are `route:<page>`, `plugin:<key>` and
 * `session:<key>`, so these bounds sit far above real use and only stop a config write from
 * carrying an arbitrarily large list.
 */
export const UI_PREF_LIMITS = { localeLength: 20, sidebarEntries: 256, sidebarEntryLength: 512 } as const;

const HEX_RRGGBB = '^#[0-9a-fA-F]{6}$';

export const UiPrefs = Type.Object(
  {
    theme: Type.Optional(
      Type.Union(
        UI_PREF_THEMES.map((id) => Type.Literal(id)),
        {
          description:
            'The theme Control UIs wear: a built-in id, or `custom` (a palette each browser keeps). A theme chosen with themes.set wins over this one.',
        },
      ),
    ),
    themeMode: Type.Optional(
      Type.Union([Type.Literal('light'), Type.Literal('dark'), Type.Literal('system')], {
        description: 'Light, dark, or follow the system. A mode chosen with themes.set wins over this one.',
      }),
    ),
    accent: Type.Optional(
      Type.Union(
        [Type.Literal('theme'), Type.String({ pattern: HEX_RRGGBB, description: 'A colour as #RRGGBB.' })],
        {
          description:
            "Accent colour of buttons and highlights: `#RRGGBB`, or `theme` for the theme's own palette (ignoring seamColor). Absent: seamColor, else the theme's.",
        },
      ),
    ),
    locale: Type.Optional(
      Type.String({
        maxLength: UI_PREF_LIMITS.localeLength,
        description: 'Language of the Control UI (e.g. `en`, `de`, `pt-BR`). Absent: the browser language.',
      }),
    ),
    chatShowThinking: Type.Optional(Type.Boolean({ description: "Show the model's thinking in chat." })),
    chatShowToolCalls: Type.Optional(Type.Boolean({ description: 'Show tool calls in chat.' })),
    chatPersistCommentary: Type.Optional(
      Type.Boolean({ description: 'Keep a run’s commentary in chat after it ends (default true).' }),
    ),
    chatSendShortcut: Type.Optional(
      Type.Union([Type.Literal('enter'), Type.Literal('modifier-enter')], {
        description: 'What sends a chat message: Enter, or Ctrl/⌘+Enter.',
      }),
    ),
    chatFollowUpMode: Type.Optional(
      Type.Union([Type.Literal('steer'), Type.Literal('queue')], {
        description:
          'A message sent while a run is going: steer it, or queue a new run. Absent: the session’s queue mode.',
      }),
    ),
    sidebarEntries: Type.Optional(
      Type.Array(Type.String({ maxLength: UI_PREF_LIMITS.sidebarEntryLength }), {
        maxItems: UI_PREF_LIMITS.sidebarEntries,
        description:
          'What the Control UI sidebar pins, in order (`route:<page>`, `plugin:<key>`, `session:<key>`).',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Display preferences every Control UI of this gateway shares (each browser also keeps a copy to start with). They apply without a restart.',
  },
);
export type UiPrefs = Static<typeof UiPrefs>;

export const UiSection = Type.Object(
  {
    seamColor: Type.Optional(
      Type.String({
        pattern: '^#?[0-9a-fA-F]{6}$',
        description:
          'The operator’s accent colour (RRGGBB, `#` optional) for clients’ chrome; prefs.accent wins over it.',
      }),
    ),
    prefs: Type.Optional(UiPrefs),
  },
  { additionalProperties: false, default: {}, description: 'Control UI display preferences.' },
);
export type UiSection = Static<typeof UiSection>;
