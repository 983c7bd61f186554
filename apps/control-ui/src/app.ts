import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { GatewaySession } from './connection/session.ts';
import { shortId } from './format.ts';
import './views/connect.ts';
import './views/overview.ts';
import './views/devices.ts';
import './views/nodes.ts';
import './views/channels.ts';
import './views/chat.ts';
import './views/logs.ts';
import './views/config.ts';

const ROUTES = [
  { name: 'overview', title: 'Overview' },
  { name: 'devices', title: 'Devices' },
  { name: 'nodes', title: 'Nodes' },
  { name: 'channels', title: 'Channels' },
  { name: 'chat', title: 'WebChat' },
  { name: 'logs', title: 'Logs' },
  { name: 'config', title: 'Config' },
] as const;

type RouteName = (typeof ROUTES)[number]['name'];

/** `#/chat/webchat-1` → { name: 'chat', param: 'webchat-1' }; anything unknown is the overview. */
function parseHash(hash: string): { name: RouteName; param: string } {
  const [name = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = ROUTES.find((r) => r.name === name);
  return { name: known?.name ?? 'overview', param: rest.join('/') };
}

/**
 * The Control UI shell: connection gate, navigation (hash routes, so the gateway's own paths are
 * never in the way), and the pending-approval counts in the navigation.
 */
export class ControlApp extends LitElement {
  static override properties = {
    route: { state: true },
    pendingDevices: { state: true },
    pendingNodes: { state: true },
  };

  declare route: { name: RouteName; param: string };
  declare pendingDevices: Set<string>;
  declare pendingNodes: number;
  readonly session = new GatewaySession();
  #focusOnRender = false;
  #unsubscribe: (() => void)[] = [];
  readonly #onHash = () => {
    this.route = parseHash(location.hash);
    this.#focusOnRender = true;
  };
  readonly #onState = () => this.requestUpdate();
  readonly #onReady = () => void this.#loadPending();

  constructor() {
    super();
    this.route = parseHash(location.hash);
    this.pendingDevices = new Set();
    this.pendingNodes = 0;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    this.replaceChildren();
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHash);
    this.session.addEventListener('state', this.#onState);
    this.session.addEventListener('ready', this.#onReady);
    this.session.addEventListener('gap', this.#onReady);
    this.#unsubscribe = [
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
    ];
    if (this.session.state.kind === 'starting') void this.session.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHash);
    this.session.removeEventListener('state', this.#onState);
    this.session.removeEventListener('ready', this.#onReady);
    this.session.removeEventListener('gap', this.#onReady);
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    void this.session.close();
  }

  async #loadPending(): Promise<void> {
    try {
      const status = await this.session.client.request('status');
      const devices = await this.session.client.request('device.pair.list');
      this.pendingDevices = new Set(devices.pending.map((p) => p.requestId));
      this.pendingNodes = status.pending.nodes;
    } catch {
      // The counts are a convenience; the pages show the real lists and their errors.
    }
  }

  protected override updated(): void {
    if (!this.#focusOnRender) return;
    this.#focusOnRender = false;
    // Move focus to the new page's heading so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => this.querySelector<HTMLElement>('main h1')?.focus());
  }

  protected override render(): TemplateResult {
    const state = this.session.state;
    const live = state.kind === 'ready' || state.kind === 'reconnecting';
    return html`
      <a class="skip-link" href="#main" @click=${(e: Event) => {
        e.preventDefault();
        this.querySelector<HTMLElement>('main h1')?.focus();
      }}>Skip to content</a>
      <header class="topbar">
        <p class="brand">OpenClaw Control</p>
        <span class="conn" role="status" data-testid="connection">${this.#connectionText()}</span>
        ${
          live
            ? html`<button type="button" @click=${() => void this.session.signOut()} title="Forget this browser's device token">Sign out</button>`
            : nothing
        }
      </header>
      ${live ? this.#nav() : nothing}
      <main id="main" tabindex="-1">
        ${state.kind === 'reconnecting' ? html`<p class="banner warn" role="status">${state.message}</p>` : nothing}
        ${live ? this.#page() : html`<oc-connect .session=${this.session} .state=${state}></oc-connect>`}
      </main>
    `;
  }

  #connectionText(): string {
    const s = this.session.state;
    switch (s.kind) {
      case 'ready': {
        const v = this.session.hello?.server.version;
        return `Connected${v ? ` to gateway ${v}` : ''} · device ${shortId(this.session.deviceId)}`;
      }
      case 'reconnecting':
        return 'Reconnecting…';
      case 'pairing':
        return 'Waiting for approval';
      case 'connecting':
      case 'starting':
        return 'Connecting…';
      default:
        return 'Not connected';
    }
  }

  #nav(): TemplateResult {
    const counts: Partial<Record<RouteName, number>> = {
      devices: this.pendingDevices.size,
      nodes: this.pendingNodes,
    };
    return html`<nav class="sections" aria-label="Sections">
      <ul>
        ${ROUTES.map((r) => {
          const n = counts[r.name] ?? 0;
          return html`<li>
            <a href="#/${r.name}" aria-current=${this.route.name === r.name ? 'page' : 'false'}>
              ${r.title}${n ? html` <span class="badge warn" aria-label="${n} waiting">${n}</span>` : nothing}
            </a>
          </li>`;
        })}
      </ul>
    </nav>`;
  }

  #page(): TemplateResult {
    const { name, param } = this.route;
    const s = this.session;
    switch (name) {
      case 'overview':
        return html`<oc-overview .session=${s}></oc-overview>`;
      case 'devices':
        return html`<oc-devices .session=${s}></oc-devices>`;
      case 'nodes':
        return html`<oc-nodes .session=${s}></oc-nodes>`;
      case 'channels':
        return html`<oc-channels .session=${s}></oc-channels>`;
      case 'chat':
        return html`<oc-chat .session=${s} .route=${param}></oc-chat>`;
      case 'logs':
        return html`<oc-logs .session=${s}></oc-logs>`;
      case 'config':
        return html`<oc-config .session=${s}></oc-config>`;
    }
  }
}

customElements.define('oc-app', ControlApp);
