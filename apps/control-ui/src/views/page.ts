import { LitElement, type PropertyDeclarations } from 'lit';
import type { GatewaySession } from '../connection/session.ts';

/**
 * A section of the Control UI. Renders into the light DOM (one stylesheet, labels and ids work
 * across the page). Loads when connected and again after every reconnect or reported event gap,
 * so whatever events were missed while away is re-read rather than lost.
 */
export abstract class Page extends LitElement {
  static override properties: PropertyDeclarations = {
    session: { attribute: false },
    route: { attribute: false },
  };

  declare session: GatewaySession;
  /** The part of the hash route after the page name (e.g. a session key). */
  declare route: string;
  #unsubscribe: (() => void)[] = [];

  constructor() {
    super();
    this.route = '';
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const reload = () => void this.reload();
    this.session.addEventListener('ready', reload);
    this.session.addEventListener('gap', reload);
    this.#unsubscribe = [
      () => this.session.removeEventListener('ready', reload),
      () => this.session.removeEventListener('gap', reload),
      ...this.subscribe(),
    ];
    if (this.session.state.kind === 'ready' || this.session.state.kind === 'reconnecting') reload();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
  }

  /** Gateway event subscriptions for as long as the page is shown. */
  protected subscribe(): (() => void)[] {
    return [];
  }

  /** (Re)load everything the page shows. */
  protected abstract reload(): Promise<void>;
}

/** Run `fn` at most once per `ms`, trailing. */
export function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}
