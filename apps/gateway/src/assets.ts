import { fileURLToPath } from 'node:url';

// Where the browser assets the app serves live. This module sits directly in src/, and its code
// lands in the flat dist/ bundle, so the same relative URLs resolve from source and when built.

/** The A2UI host page: src/a2ui in development, dist/a2ui when built. */
export const a2uiDir = fileURLToPath(new URL('./a2ui/', import.meta.url));
/** The Control UI app folder, next to this app (apps/{gateway,cli}/{src,dist} → apps/control-ui). */
export const controlUiSourceDir = fileURLToPath(new URL('../../control-ui/', import.meta.url));
/** The built UI an installed package ships beside its bundle (dist/control-ui). */
export const controlUiPackagedDir = fileURLToPath(new URL('./control-ui/', import.meta.url));
/** Running from TypeScript source (development, tests) rather than the bundled dist. */
export const runningFromSource = import.meta.url.endsWith('.ts');
