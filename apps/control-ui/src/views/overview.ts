import type { HealthSummary, PresenceEntry, StatusResult } from '@openclaw/protocol';
import { html, nothing, type TemplateResult } from 'lit';
import { ago, duration, errorText, shortId, when } from '../format.ts';
import { applyPresence, presenceKey, sortPresence } from '../state/presence.ts';
import { debounce, Page } from './page.ts';

/** Account states in which a channel is not working (worth a line of its own). */
const FAILING = new Set(['degraded', 'backoff', 'failed', 'needs-action', 'awaiting-login']);

/** Health, uptime, version, connections, and who is connected (live from presence events). */
export class OverviewPage extends Page {
  static override properties = {
    ...Page.properties,
    status: { state: true },
    health: { state: true },
    presence: { state: true },
    error: { state: true },
    now: { state: true },
  };

  declare status: StatusResult | undefined;
  declare health: HealthSummary | undefined;
  declare presence: PresenceEntry[];
  declare error: string | undefined;
  declare now: number;
  #fetchedAt = 0;
  #ticker: ReturnType<typeof setInterval> | undefined;
  readonly #refreshStatus = debounce(() => void this.#loadStatus(), 300);

  constructor() {
    super();
    this.presence = [];
    this.now = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#ticker = setInterval(() => {
      this.now = Date.now();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#ticker);
    this.#refreshStatus.cancel();
  }

  protected override subscribe(): (() => void)[] {
    return [
      this.session.on('presence', (event) => {
        this.presence = applyPresence(this.presence, event);
        this.#refreshStatus();
      }),
      this.session.on('health', (health) => {
        this.health = health;
        // Channel states changed: the per-account lines come from status.
        this.#refreshStatus();
      }),
    ];
  }

  protected override async reload(): Promise<void> {
    try {
      const c = this.session.client;
      const [health, presence] = await Promise.all([c.request('health'), c.request('system-presence')]);
      this.health = health;
      this.presence = sortPresence([...presence]);
      await this.#loadStatus();
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async #loadStatus(): Promise<void> {
    this.status = await this.session.client.request('status');
    this.#fetchedAt = Date.now();
  }

  protected override render(): TemplateResult {
    const s = this.status;
    const uptime = s ? s.uptimeMs + (this.now - this.#fetchedAt) : undefined;
    const loop = this.health?.eventLoop;
    return html`
      <h1 tabindex="-1">Overview</h1>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      <dl class="cards" aria-label="Gateway summary">
        <div>
          <dt>Health</dt>
          <dd data-testid="health">
            ${
              s
                ? s.ready
                  ? html`<span class="badge ok">ready</span>`
                  : html`<span class="badge warn">not ready</span>`
                : '…'
            }
            ${s?.degraded.length ? html`<span class="badge warn">degraded: ${s.degraded.join(', ')}</span>` : nothing}
          </dd>
        </div>
        <div>
          <dt>Uptime</dt>
          <dd data-testid="uptime">${uptime === undefined ? '…' : duration(uptime)}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd data-testid="version">${s?.version ?? '…'}</dd>
        </div>
        <div>
          <dt>Connections</dt>
          <dd data-testid="connections">
            ${s ? html`${s.connections.total} <span class="muted">(${s.connections.operators} operators, ${s.connections.nodes} nodes)</span>` : '…'}
          </dd>
        </div>
        <div>
          <dt>Waiting for approval</dt>
          <dd>
            ${
              s
                ? html`<a href="#/devices">${s.pending.devices} devices</a>, <a href="#/nodes">${s.pending.nodes} nodes</a>`
                : '…'
            }
          </dd>
        </div>
        <div>
          <dt>Listening</dt>
          <dd>${s ? html`<span class="mono">${s.gateway.host}:${s.gateway.port}</span> <span class="muted">(${s.gateway.bind}, auth ${s.gateway.authMode}${s.gateway.tls ? ', TLS' : ''})</span>` : '…'}</dd>
        </div>
        <div>
          <dt>Event loop</dt>
          <dd>
            ${
              loop
                ? html`${loop.degraded ? html`<span class="badge warn">slow</span>` : html`<span class="badge ok">ok</span>`}
                  <span class="muted">p99 ${loop.delayP99Ms.toFixed(1)} ms, ${(loop.utilization * 100).toFixed(0)}% busy</span>`
                : '…'
            }
          </dd>
        </div>
        <div>
          <dt>Channels</dt>
          <dd data-testid="channels">
            ${s ? html`<a href="#/channels">${s.channels.filter((c) => c.connected).length} of ${s.channels.length} connected</a>` : '…'}
            ${
              s
                ? s.channels
                    .filter((c) => FAILING.has(c.state))
                    .map(
                      (c) => html`<div class="error" data-testid="channel-problem">
                        ${c.channel}/${c.accountId} <span class="badge ${c.state === 'failed' || c.state === 'needs-action' ? 'bad' : 'warn'}">${c.state}</span>
                        ${c.failingSince ? html`<span class="muted" title=${when(c.failingSince)}>since ${ago(c.failingSince, this.now)}</span>` : nothing}
                        ${c.lastError ? html`<div>${c.lastError}</div>` : nothing}
                        ${c.action ? html`<div>To do: ${c.action}</div>` : nothing}
                      </div>`,
                    )
                : nothing
            }
          </dd>
        </div>
      </dl>

      <h2 id="presence-heading">Connected devices <span class="badge">${this.presence.length}</span></h2>
      <div class="table-wrap">
        <table aria-labelledby="presence-heading" data-testid="presence">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Client</th>
              <th scope="col">Roles</th>
              <th scope="col">Scopes</th>
              <th scope="col">Address</th>
              <th scope="col">Online since</th>
            </tr>
          </thead>
          <tbody>
            ${
              this.presence.length === 0
                ? html`<tr><td colspan="6" class="muted">Nobody is connected.</td></tr>`
                : this.presence.map((p) => this.#row(p))
            }
          </tbody>
        </table>
      </div>
    `;
  }

  #row(p: PresenceEntry): TemplateResult {
    const self = p.deviceId !== undefined && p.deviceId === this.session.deviceId;
    return html`<tr data-presence-key=${presenceKey(p)} data-self=${self ? 'true' : 'false'}>
      <td>
        ${p.host ?? 'unnamed'} ${self ? html`<span class="badge ok">this browser</span>` : nothing}
        <div class="muted mono" title=${p.deviceId ?? p.instanceId ?? ''}>${p.deviceId ? shortId(p.deviceId) : 'no device identity'}</div>
      </td>
      <td>${p.mode ?? '?'} ${p.platform ? html`<span class="muted">· ${p.platform}</span>` : nothing}
        ${p.version ? html`<div class="muted">v${p.version}</div>` : nothing}</td>
      <td><ul class="tags">${(p.roles ?? []).map((r) => html`<li>${r}</li>`)}</ul></td>
      <td><ul class="tags">${(p.scopes ?? []).map((s) => html`<li>${s}</li>`)}</ul></td>
      <td class="mono">${p.ip ?? ''}</td>
      <td title=${when(p.onlineSince)}>${p.onlineSince ? ago(p.onlineSince, this.now) : ''}</td>
    </tr>`;
  }
}

customElements.define('oc-overview', OverviewPage);
