import { BUILTIN_THEME_IDS, type BuiltinThemeId, type ThemeDescriptor } from '@openclaw/protocol';

/** The theme every gateway starts with, and falls back to when a selected theme is gone. */
export const DEFAULT_THEME_ID = 'claw';

// The reference Control UI ships these palettes itself and knows them by id (the protocol's
// BUILTIN_THEME_IDS, which `ui.prefs.theme` accepts too); the gateway only names and describes
// them in its catalog. Each has a light and a dark variant.
const ABOUT: Record<BuiltinThemeId, [name: string, description: string]> = {
  claw: ['Claw', 'The default: coral and teal accents on charcoal or pale grounds.'],
  knot: ['Knot', 'Stark black or white with crimson accents; minimal and high-contrast.'],
  dash: ['Dash', 'Warm caramel and cocoa tones with a serif for chat.'],
  absolutely: ['Absolutely', 'Terracotta on graphite or cream, in an editorial style.'],
  tide: ['Tide', 'Cool slate and steel cyan; calm and technical.'],
  beacon: ['Beacon', 'Amber on black or white with strong focus rings, built for legibility.'],
  phosphor: ['Phosphor', 'Green-on-black terminal look in a monospace face.'],
  crt: ['CRT', 'Tube-black console with white and amber text and square corners.'],
  manuscript: ['Manuscript', 'Lapis and gold on old paper, set in a serif.'],
  rose: ['Rosé', 'Muted rose and gold on plum-gray or tinted cream.'],
  miami: ['Miami', 'Neon magenta and cyan on violet-black or lavender.'],
};

export const BUILTIN_THEMES: readonly ThemeDescriptor[] = BUILTIN_THEME_IDS.map((id) => ({
  id,
  name: ABOUT[id][0],
  description: ABOUT[id][1],
  source: 'builtin',
  modes: ['light', 'dark'],
}));
