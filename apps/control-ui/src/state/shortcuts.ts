/** Where `g` then a letter goes. */
export const GO_TO = {
  o: 'overview',
  c: 'channels',
  d: 'devices',
  n: 'nodes',
  w: 'chat',
  l: 'logs',
  s: 'config',
} as const;

export type GoTarget = (typeof GO_TO)[keyof typeof GO_TO];

export type ShortcutAction = { kind: 'go'; route: GoTarget } | { kind: 'search' } | { kind: 'help' };

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The key went to a text field, select or editable element: it is typing, not a shortcut. */
  typing: boolean;
}

/** How long `g` waits for its letter. */
const CHORD_MS = 1500;

/**
 * Keyboard shortcuts as a small state machine, fed one key at a time: `g` then a letter goes to
 * a page, `/` jumps to the page's search, `?` lists the shortcuts. Keys typed into fields and
 * keys with Ctrl, Cmd or Alt are never shortcuts.
 */
export class ShortcutReader {
  #pendingGoAt: number | undefined;

  read(press: KeyPress, now: number): ShortcutAction | undefined {
    if (press.typing || press.ctrlKey || press.metaKey || press.altKey) {
      this.#pendingGoAt = undefined;
      return undefined;
    }
    const pending = this.#pendingGoAt !== undefined && now - this.#pendingGoAt <= CHORD_MS;
    this.#pendingGoAt = undefined;
    if (pending) {
      const route = GO_TO[press.key as keyof typeof GO_TO];
      if (route) return { kind: 'go', route };
    }
    switch (press.key) {
      case 'g':
        this.#pendingGoAt = now;
        return undefined;
      case '/':
        return { kind: 'search' };
      case '?':
        return { kind: 'help' };
      default:
        return undefined;
    }
  }
}
