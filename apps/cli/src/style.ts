import { styleText } from 'node:util';

export type StyleName = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'gray';

/** Colour for one output stream: on a colour terminal only, never with NO_COLOR, --json or a pipe. */
export interface Style {
  readonly enabled: boolean;
  (name: StyleName, text: string): string;
}

/**
 * A styler bound to `stream`. `util.styleText` decides whether the stream takes colour (a TTY,
 * `NO_COLOR`, `NODE_DISABLE_COLORS`, `FORCE_COLOR`); `enabled: false` forces plain text.
 */
export function createStyle(stream: NodeJS.WriteStream = process.stdout, enabled = true): Style {
  const probe = styleText('red', 'x', { stream });
  const on = enabled && probe !== 'x';
  const style = ((name: StyleName, text: string) =>
    on && text ? styleText(name, text, { validateStream: false }) : text) as Style;
  Object.defineProperty(style, 'enabled', { value: on });
  return style;
}

/** A styler that never colours (JSON output, tests of plain text). */
export const plain: Style = createStyle(process.stdout, false);

/** Colour of a state word: green when working, yellow when on its way, red when not working. */
export function stateColour(state: string): StyleName | undefined {
  switch (state) {
    case 'connected':
    case 'running':
    case 'ready':
    case 'approved':
    case 'ok':
    case 'yes':
      return 'green';
    case 'starting':
    case 'pending':
    case 'awaiting-login':
    case 'held-elsewhere':
    case 'degraded':
    case 'backoff':
      return 'yellow';
    case 'failed':
    case 'needs-action':
    case 'not-configured':
    case 'disconnected':
    case 'denied':
    case 'rejected':
      return 'red';
    default:
      return undefined;
  }
}

/** A state word in its colour (unchanged when it has none or the stream takes no colour). */
export function paintState(style: Style, state: string, text = state): string {
  const c = stateColour(state);
  return c ? style(c, text) : text;
}
