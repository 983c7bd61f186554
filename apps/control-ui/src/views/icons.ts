import { type SVGTemplateResult, svg } from 'lit';

// Line icons on a 24×24 grid, drawn with the current text colour. Decorative: the text next to
// each says what it means, so they are hidden from assistive technology.
const paths = {
  overview: svg`<rect x="3" y="3" width="7" height="9" rx="1.5"/><rect x="14" y="3" width="7" height="5" rx="1.5"/><rect x="14" y="12" width="7" height="9" rx="1.5"/><rect x="3" y="16" width="7" height="5" rx="1.5"/>`,
  channels: svg`<path d="M4 5h16v10H9l-5 4z"/><path d="M8 9h8M8 12h5"/>`,
  devices: svg`<rect x="4" y="5" width="16" height="11" rx="1.5"/><path d="M2 19h20"/>`,
  nodes: svg`<rect x="7" y="7" width="10" height="10" rx="1.5"/><path d="M10 3v4M14 3v4M10 17v4M14 17v4M3 10h4M3 14h4M17 10h4M17 14h4"/>`,
  chat: svg`<path d="M5 5h14a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-8l-5 4v-4H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1z"/>`,
  logs: svg`<path d="M5 6h14M5 10h14M5 14h9M5 18h11"/>`,
  config: svg`<path d="M4 7h10M18 7h2M4 17h4M12 17h8"/><circle cx="16" cy="7" r="2"/><circle cx="10" cy="17" r="2"/>`,
  copy: svg`<rect x="9" y="9" width="11" height="11" rx="1.5"/><path d="M15 9V5.5A1.5 1.5 0 0 0 13.5 4h-8A1.5 1.5 0 0 0 4 5.5v8A1.5 1.5 0 0 0 5.5 15H9"/>`,
  check: svg`<path d="M5 12.5l4.5 4.5L19 7.5"/>`,
  menu: svg`<path d="M4 7h16M4 12h16M4 17h16"/>`,
  close: svg`<path d="M6 6l12 12M18 6L6 18"/>`,
  search: svg`<circle cx="11" cy="11" r="6"/><path d="M20 20l-4.5-4.5"/>`,
  plus: svg`<path d="M12 5v14M5 12h14"/>`,
  download: svg`<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>`,
  refresh: svg`<path d="M19 12a7 7 0 1 1-2.1-5M19 4v4h-4"/>`,
  keyboard: svg`<rect x="3" y="6" width="18" height="12" rx="1.5"/><path d="M7 10h1M11 10h1M15 10h2M7 14h10"/>`,
  shield: svg`<path d="M12 3l7 3v5c0 4.5-3 8-7 10-4-2-7-5.5-7-10V6z"/>`,
  back: svg`<path d="M15 5l-7 7 7 7"/>`,
} as const;

export type IconName = keyof typeof paths;

export function icon(name: IconName): SVGTemplateResult {
  return svg`<svg class="icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor"
    stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${paths[name]}</svg>`;
}
