import type { ThemeDescriptor } from '@openclaw/protocol';

/** The theme every gateway starts with, and falls back to when a selected theme is gone. */
export const DEFAULT_THEME_ID = 'claw';

// The reference Control UI ships these palettes itself and knows them by id; the gateway only
// names them in its catalog, so the ids must be the UI's. Each has a light and a dark variant.
const builtin = (id: string, name: string, description: string): ThemeDescriptor => ({
  id,
  name,
  description,
  source: 'builtin',
  modes: ['light', 'dark'],
});

export const BUILTIN_THEMES: readonly ThemeDescriptor[] = [
  builtin('claw', 'Claw', 'The default: coral and teal accents on charcoal or pale grounds.'),
  builtin('knot', 'Knot', 'Stark black or white with crimson accents; minimal and high-contrast.'),
  builtin('dash', 'Dash', 'Warm caramel and cocoa tones with a serif for chat.'),
  builtin('absolutely', 'Absolutely', 'Terracotta on graphite or cream, in an editorial style.'),
  builtin('tide', 'Tide', 'Cool slate and steel cyan; calm and technical.'),
  builtin('beacon', 'Beacon', 'Amber on black or white with strong focus rings, built for legibility.'),
  builtin('phosphor', 'Phosphor', 'Green-on-black terminal look in a monospace face.'),
  builtin('crt', 'CRT', 'Tube-black console with white and amber text and square corners.'),
  builtin('manuscript', 'Manuscript', 'Lapis and gold on old paper, set in a serif.'),
  builtin('rose', 'Rosé', 'Muted rose and gold on plum-gray or tinted cream.'),
  builtin('miami', 'Miami', 'Neon magenta and cyan on violet-black or lavender.'),
];
