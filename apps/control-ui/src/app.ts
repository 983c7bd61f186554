import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { HealthSampler } from './connection/health-sampler.ts';
import { GatewaySession } from './connection/session.ts';
import { shortId } from './format.ts';
import { followColorMode } from './state/color-mode.ts';
import { GO_TO, ShortcutReader } from './state/shortcuts.ts';
import { copyable } from './views/copy-button.ts';
import { type IconName, icon } from './views/icons.ts';
import { debounce } from './views/page.ts';
import './views/connect.ts';

interface Route {
  name: string;
  title: string;
  icon: IconName;
  group: string;
}

const ROUTES = [
  { name: 'overview', title: 'Overview', icon: 'overview', group: 'Monitor' },
  { name: 'logs', title: 'Logs', icon: 'logs', group: 'Monitor' },
  { name: 'channels', title: 'Channels', icon: 'channels', group: 'Connect' },
  { name: 'devices', title: 'Devices', icon: 'devices', group: 'Connect' },
  { name: 'nodes', title: 'Nodes', icon: 'nodes', group: 'Connect' },
  { name: 'chat', title: 'WebChat', icon: 'chat', group: 'Talk' },
  { name: 'config', title: 'Config', icon: 'config', group: 'Settings' },
] as const satisfies readonly Route[];

type RouteName = (typeof ROUTES)[number]['name'];

/**
 * Each page's code, loaded when the page is first opened (the sign-in screen is in the main
 * chunk). A page's element is rendered only once its code is there: one upgraded later would
 * run connectedCallback before Lit hands it the properties it was given (the session).
 */
const PAGES: Record<RouteName, () => Promise<unknown>> = {
  overview: () => import('./views/overview.ts'),
  logs: () => import('./views/logs.ts'),
  channels: () => import('./views/channels.ts'),
  devices: () => import('./views/devices.ts'),
  nodes: () => import('./views/nodes.ts'),
  chat: () => import('./views/chat.ts'),
  config: () => import('./views/config.ts'),
};

/** `#/chat/webchat-1` → { name: 'chat', param: 'webchat-1' }; anything unknown is the overview. */
function parseHash(hash: string): { name: RouteName; param: string } {
  const [name = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = ROUTES.find((r) => r.name === name);
  return { name: known?.name ?? 'overview', param: rest.join('/') };
}

/** Whether a key press lands in something that takes text (so it is not a shortcut). */
function isTyping(target: EventTarget | null): boolean {
  const el = target instanceof HTMLElement ? target : undefined;
  if (!el) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(el.type);
}

/**
 * The Control UI shell: connection gate, the sidebar (a drawer on phones) with hash routes (so
 * the gateway's own paths are never in the way) and what waits for approval, keyboard shortcuts,
 * and the health sampler the overview draws from.
 */
export class ControlApp extends LitElement {
  static override properties = {
    route: { state: true },
    pendingDevices: { state: true },
    pendingNodes: { state: true },
    pendingSenders: { state: true },
    pendingRuns: { state: true },
    pendingQuestions: { state: true },
    navOpen: { state: true },
  };

  declare route: { name: RouteName; param: string };
  declare pendingDevices: Set<string>;
  declare pendingNodes: number;
  declare pendingSenders: number;
  /** Exec approvals: commands waiting to run on a node (shown and decided on the overview). */
  declare pendingRuns: Set<string>;
  /** Questions put to the operators (answered on the overview too). */
  declare pendingQuestions: Set<string>;
  declare navOpen: boolean;
  readonly session = new GatewaySession();
  readonly sampler = new HealthSampler(this.session);
  readonly #shortcuts = new ShortcutReader();
  #focusOnRender = false;
  /** Pages whose code has arrived, and those whose code could not be fetched. */
  readonly #loaded = new Set<RouteName>();
  readonly #failed = new Set<RouteName>();
  #unsubscribe: (() => void)[] = [];
  readonly #onHash = () => {
    const next = parseHash(location.hash);
    // The counts in the navigation may have moved on (an approval on another page).
    this.#refreshPending();
    // A new page (not a step inside one, like the add-channel flow) moves focus to its heading.
    this.#focusOnRender = next.name !== this.route.name;
    this.route = next;
    this.navOpen = false;
  };
  readonly #onState = () => {
    const s = this.session.state.kind;
    if (s === 'ready') this.sampler.start();
    else if (s !== 'reconnecting') this.sampler.stop();
    this.requestUpdate();
  };
  readonly #onReady = () => void this.#loadPending();
  readonly #refreshPending = debounce(() => void this.#loadPending(), 500);
  readonly #onKey = (e: KeyboardEvent) => this.#key(e);

  constructor() {
    super();
    this.route = parseHash(location.hash);
    this.pendingDevices = new Set();
    this.pendingNodes = 0;
    this.pendingSenders = 0;
    this.pendingRuns = new Set();
    this.pendingQuestions = new Set();
    this.navOpen = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.replaceChildren();
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHash);
    document.addEventListener('keydown', this.#onKey);
    this.session.addEventListener('state', this.#onState);
    this.session.addEventListener('ready', this.#onReady);
    this.session.addEventListener('gap', this.#onReady);
    this.#unsubscribe = [
      followColorMode(this.session, document.documentElement),
      this.session.on('device.pair.requested', (r) => {
        this.pendingDevices = new Set(this.pendingDevices).add(r.requestId);
      }),
      this.session.on('device.pair.resolved', (r) => {
        const next = new Set(this.pendingDevices);
        next.delete(r.requestId);
        this.pendingDevices = next;
      }),
      this.session.on('node.pair.requested', () => void this.#loadPending()),
      this.session.on('node.pair.resolved', () => void this.#loadPending()),
      this.session.on('exec.approval.requested', (a) => {
        this.pendingRuns = new Set(this.pendingRuns).add(a.id);
      }),
      this.session.on('exec.approval.resolved', (a) => {
        const next = new Set(this.pendingRuns);
        next.delete(a.id);
        this.pendingRuns = next;
      }),
      this.session.on('question.requested', (q) => {
        this.pendingQuestions = new Set(this.pendingQuestions).add(q.id);
      }),
      this.session.on('question.resolved', (q) => {
        const next = new Set(this.pendingQuestions);
        next.delete(q.id);
        this.pendingQuestions = next;
      }),
    ];
    if (this.session.state.kind === 'starting') void this.session.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHash);
    document.removeEventListener('keydown', this.#onKey);
    this.session.removeEventListener('state', this.#onState);
    this.session.removeEventListener('ready', this.#onReady);
    this.session.removeEventListener('gap', this.#onReady);
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.sampler.stop();
    this.#refreshPending.cancel();
    void this.session.close();
  }

  async #loadPending(): Promise<void> {
    if (this.session.state.kind !== 'ready') return;
    try {
      const c = this.session.client;
      const [status, devices, senders, runs, questions] = await Promise.all([
        c.request('status'),
        c.request('device.pair.list'),
        c.request('channels.pairing.list', {}),
        this.session.hasMethod('exec.approval.list') ? c.request('exec.approval.list', {}) : [],
        this.session.hasMethod('question.list') ? c.request('question.list', {}) : { questions: [] },
      ]);
      this.pendingRuns = new Set(runs.map((a) => a.id));
      this.pendingQuestions = new Set(questions.questions.map((q) => q.id));
      this.pendingDevices = new Set(devices.pending.map((p) => p.requestId));
      this.pendingNodes = status.pending.nodes;
      this.pendingSenders = senders.requests.length;
    } catch {
      // The counts are a convenience; the pages show the real lists and their errors.
    }
  }

  #key(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.navOpen) {
      this.navOpen = false;
      this.querySelector<HTMLElement>('.menu-button')?.focus();
      return;
    }
    if (this.session.state.kind !== 'ready' && this.session.state.kind !== 'reconnecting') return;
    const action = this.#shortcuts.read(
      { key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, typing: isTyping(e.target) },
      Date.now(),
    );
    if (!action) return;
    e.preventDefault();
    switch (action.kind) {
      case 'go':
        location.hash = `#/${action.route}`;
        break;
      case 'search':
        this.querySelector<HTMLElement>('main [data-search]')?.focus();
        break;
      case 'help':
        this.querySelector<HTMLDialogElement>('#shortcuts')?.showModal();
        break;
    }
  }

  protected override updated(): void {
    // Move focus to the new page's heading so keyboard and screen-reader users land on it (once
    // its code is there and it has rendered).
    if (!this.#focusOnRender || !this.#loaded.has(this.route.name)) return;
    this.#focusOnRender = false;
    requestAnimationFrame(() => this.querySelector<HTMLElement>('main h1')?.focus());
  }

  /** Fetch a page's code, then render again; a failure is shown instead of the page. */
  #load(name: RouteName): void {
    PAGES[name]().then(
      () => {
        this.#loaded.add(name);
        this.#failed.delete(name);
        this.requestUpdate();
      },
      (error: unknown) => {
        console.error(`could not load the ${name} page`, error);
        this.#failed.add(name);
        this.requestUpdate();
      },
    );
  }

  protected override render(): TemplateResult {
    const state = this.session.state;
    const live = state.kind === 'ready' || state.kind === 'reconnecting';
    if (!live) {
      return html`<main id="main" class="gate" tabindex="-1">
        <oc-connect .session=${this.session} .state=${state}></oc-connect>
      </main>`;
    }
    return html`
      <a class="skip-link" href="#main" @click=${(e: Event) => {
        e.preventDefault();
        this.querySelector<HTMLElement>('main h1')?.focus();
      }}>Skip to content</a>
      <div class="shell" data-nav-open=${this.navOpen ? 'true' : 'false'}>
        <header class="topbar">
          <button type="button" class="icon-button menu-button" aria-controls="sidebar" aria-expanded=${this.navOpen ? 'true' : 'false'}
            aria-label=${this.navOpen ? 'Close the menu' : 'Open the menu'} @click=${() => {
              this.navOpen = !this.navOpen;
              if (this.navOpen)
                requestAnimationFrame(() =>
                  this.querySelector<HTMLElement>('#sidebar a[aria-current="page"]')?.focus(),
                );
            }}>${icon(this.navOpen ? 'close' : 'menu')}</button>
          <p class="brand"><span class="brand-mark" aria-hidden="true"></span>OpenClaw</p>
          <span class="conn-dot" data-state=${state.kind} role="img" aria-label=${this.#connectionText()}></span>
        </header>
        <aside class="sidebar" id="sidebar" aria-label="Sidebar">
          <p class="brand"><span class="brand-mark" aria-hidden="true"></span>OpenClaw <span class="brand-sub">Control</span></p>
          ${this.#nav()}
          ${this.#footer()}
        </aside>
        <div class="scrim" @click=${() => (this.navOpen = false)}></div>
        <main id="main" tabindex="-1">
          ${state.kind === 'reconnecting' ? html`<p class="banner warn" role="status">${state.message}</p>` : nothing}
          ${this.#page()}
        </main>
      </div>
      ${this.#shortcutsDialog()}
    `;
  }

  #connectionText(): string {
    const s = this.session.state;
    switch (s.kind) {
      case 'ready': {
        const v = this.session.hello?.server.version;
        return `Connected${v ? ` to gateway ${v}` : ''}`;
      }
      case 'reconnecting':
        return 'Reconnecting…';
      default:
        return 'Not connected';
    }
  }

  #nav(): TemplateResult {
    const counts: Partial<Record<RouteName, number>> = {
      devices: this.pendingDevices.size,
      nodes: this.pendingNodes,
      channels: this.pendingSenders,
      overview: this.pendingRuns.size + this.pendingQuestions.size,
    };
    const groups = [...new Set(ROUTES.map((r) => r.group))];
    return html`<nav class="sections" aria-label="Sections">
      ${groups.map(
        (g) => html`<p class="nav-group" id=${`nav-${g}`}>${g}</p>
          <ul aria-labelledby=${`nav-${g}`}>
            ${ROUTES.filter((r) => r.group === g).map((r) => {
              const n = counts[r.name] ?? 0;
              const key = Object.entries(GO_TO).find(([, v]) => v === r.name)?.[0];
              return html`<li>
                <a href="#/${r.name}" aria-current=${this.route.name === r.name ? 'page' : 'false'}
                  aria-keyshortcuts=${key ? `g ${key}` : nothing}>
                  ${icon(r.icon)}<span>${r.title}</span>
                  ${n ? html`<span class="badge warn nav-count" aria-label="${n} waiting">${n}</span>` : nothing}
                </a>
              </li>`;
            })}
          </ul>`,
      )}
    </nav>`;
  }

  #footer(): TemplateResult {
    const s = this.session.state;
    return html`<div class="sidebar-footer">
      <p class="conn" role="status" data-testid="connection">
        <span class="conn-dot" data-state=${s.kind} aria-hidden="true"></span>${this.#connectionText()}
      </p>
      <p class="muted device">This browser: ${
        this.session.deviceId
          ? copyable(this.session.deviceId, 'this browser’s device id', {
              shown: shortId(this.session.deviceId),
            })
          : '?'
      }</p>
      <div class="actions">
        <button type="button" class="ghost" @click=${() => this.querySelector<HTMLDialogElement>('#shortcuts')?.showModal()}>
          ${icon('keyboard')} Shortcuts
        </button>
        <button type="button" class="ghost" @click=${() => void this.session.signOut()} title="Forget this browser's device token">Sign out</button>
      </div>
    </div>`;
  }

  #shortcutsDialog(): TemplateResult {
    const names = Object.fromEntries(ROUTES.map((r) => [r.name, r.title]));
    return html`<dialog id="shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title" class="dialog-title">Keyboard shortcuts</h2>
      <dl class="shortcut-list">
        ${Object.entries(GO_TO).map(
          ([k, route]) => html`<div><dt><kbd>g</kbd> <kbd>${k}</kbd></dt><dd>${names[route]}</dd></div>`,
        )}
        <div><dt><kbd>/</kbd></dt><dd>Search (Config, Logs)</dd></div>
        <div><dt><kbd>?</kbd></dt><dd>This list</dd></div>
        <div><dt><kbd>Esc</kbd></dt><dd>Close a dialog or the menu</dd></div>
      </dl>
      <form method="dialog" class="actions end"><button class="primary">Close</button></form>
    </dialog>`;
  }

  #page(): TemplateResult {
    const { name, param } = this.route;
    const s = this.session;
    if (!this.#loaded.has(name)) {
      if (this.#failed.has(name)) {
        // Most likely the gateway now serves a newer build than the one this tab started with.
        return html`<p class="banner bad" role="alert">This page could not be loaded. The gateway may
          have been updated: <button type="button" @click=${() => location.reload()}>Reload</button></p>`;
      }
      this.#load(name);
      return html`<p class="muted">Loading…</p>`;
    }
    switch (name) {
      case 'overview':
        return html`<oc-overview .session=${s} .sampler=${this.sampler}></oc-overview>`;
      case 'devices':
        return html`<oc-devices .session=${s}></oc-devices>`;
      case 'nodes':
        return html`<oc-nodes .session=${s}></oc-nodes>`;
      case 'channels':
        return html`<oc-channels .session=${s} .route=${param}></oc-channels>`;
      case 'chat':
        return html`<oc-chat .session=${s} .route=${param}></oc-chat>`;
      case 'logs':
        return html`<oc-logs .session=${s}></oc-logs>`;
      case 'config':
        return html`<oc-config .session=${s} .route=${param}></oc-config>`;
    }
  }
}

customElements.define('oc-app', ControlApp);
