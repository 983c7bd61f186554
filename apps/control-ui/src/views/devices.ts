import type { DevicePairRequestedEvent, PairedDevice, PendingDeviceRequest } from '@openclaw/protocol';
import { html, nothing, type TemplateResult } from 'lit';
import { ago, errorText, shortId, when } from '../format.ts';
import { copyable } from './copy-button.ts';
import { debounce, Page } from './page.ts';

type Pending = DevicePairRequestedEvent & { expiresAtMs?: number };

const nameOf = (d: { displayName?: string | undefined; clientId?: string | undefined; deviceId: string }) =>
  d.displayName ?? d.clientId ?? shortId(d.deviceId);

/**
 * Pairing requests (live from device.pair.requested / resolved) with approve and reject, and
 * paired devices with rename, token rotate and revoke, and remove.
 */
export class DevicesPage extends Page {
  static override properties = {
    ...Page.properties,
    pending: { state: true },
    paired: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
    renaming: { state: true },
    confirming: { state: true },
  };

  declare pending: Pending[];
  declare paired: PairedDevice[];
  declare error: string | undefined;
  declare notice: string | undefined;
  /** Action keys in flight (buttons disabled). */
  declare busy: Set<string>;
  declare renaming: string | undefined;
  /** An action waiting for its second click ("Revoke" → "Yes, revoke"). */
  declare confirming: string | undefined;
  readonly #reloadSoon = debounce(() => void this.reload(), 200);

  constructor() {
    super();
    this.pending = [];
    this.paired = [];
    this.busy = new Set();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#reloadSoon.cancel();
  }

  protected override subscribe(): (() => void)[] {
    return [
      this.session.on('device.pair.requested', (req) => {
        this.pending = [req, ...this.pending.filter((p) => p.requestId !== req.requestId)];
      }),
      this.session.on('device.pair.resolved', (res) => {
        this.pending = this.pending.filter((p) => p.requestId !== res.requestId);
        this.#reloadSoon();
      }),
      this.session.on('presence', () => this.#reloadSoon()),
    ];
  }

  protected override async reload(): Promise<void> {
    try {
      const list = await this.session.client.request('device.pair.list');
      this.pending = list.pending as PendingDeviceRequest[];
      this.paired = list.paired;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async #act(key: string, run: () => Promise<string | undefined>): Promise<void> {
    this.busy = new Set(this.busy).add(key);
    this.confirming = undefined;
    try {
      this.notice = await run();
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    } finally {
      const next = new Set(this.busy);
      next.delete(key);
      this.busy = next;
      await this.reload();
    }
  }

  #approve(p: Pending) {
    return this.#act(`approve:${p.requestId}`, async () => {
      await this.session.client.request('device.pair.approve', { requestId: p.requestId });
      return `Approved ${nameOf(p)}.`;
    });
  }

  #reject(p: Pending) {
    return this.#act(`reject:${p.requestId}`, async () => {
      await this.session.client.request('device.pair.reject', { requestId: p.requestId });
      return `Rejected ${nameOf(p)}.`;
    });
  }

  #rename(d: PairedDevice, form: HTMLFormElement) {
    const label = String(new FormData(form).get('label') ?? '').trim();
    if (!label) return;
    this.renaming = undefined;
    return this.#act(`rename:${d.deviceId}`, async () => {
      await this.session.client.request('device.pair.rename', { deviceId: d.deviceId, label });
      return `Renamed ${shortId(d.deviceId)} to ${label}.`;
    });
  }

  #rotate(d: PairedDevice, role: string) {
    return this.#act(`rotate:${d.deviceId}:${role}`, async () => {
      const r = await this.session.client.request('device.token.rotate', { deviceId: d.deviceId, role });
      if (r.token && d.deviceId === this.session.deviceId) {
        // Our own token: keep the new one, the old one just stopped working.
        await this.session.adoptDeviceToken(r.token, r.scopes);
        return 'Rotated this browser’s token; reconnected with the new one.';
      }
      return `Rotated the ${role} token of ${nameOf(d)}; its live connections closed and it gets a new token when it reconnects with the gateway secret.`;
    });
  }

  #revoke(d: PairedDevice, role: string) {
    return this.#act(`revoke:${d.deviceId}:${role}`, async () => {
      const r = await this.session.client.request('device.token.revoke', { deviceId: d.deviceId, role });
      return `Revoked the ${role} token of ${nameOf(d)} (${r.closedConnections} connections closed).`;
    });
  }

  #remove(d: PairedDevice) {
    return this.#act(`remove:${d.deviceId}`, async () => {
      await this.session.client.request('device.pair.remove', { deviceId: d.deviceId });
      return `Removed ${nameOf(d)}; it must pair again.`;
    });
  }

  /** A destructive button that asks for a second click. */
  #confirmButton(key: string, label: string, confirmLabel: string, run: () => unknown, a11y: string) {
    const armed = this.confirming === key;
    return html`<button
      type="button"
      class="danger"
      ?disabled=${this.busy.has(key)}
      aria-label=${armed ? `${confirmLabel}: ${a11y}` : `${label} ${a11y}`}
      @click=${() => {
        if (armed) void run();
        else this.confirming = key;
      }}
      @blur=${() => {
        if (this.confirming === key) this.confirming = undefined;
      }}
    >
      ${armed ? confirmLabel : label}
    </button>`;
  }

  protected override render(): TemplateResult {
    return html`
      <header class="page-head">
        <div>
          <h1 tabindex="-1">Devices</h1>
          <p class="sub">Browsers, CLIs and nodes that may connect, and those asking to.</p>
        </div>
      </header>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      <p class=${this.notice ? 'banner ok' : 'visually-hidden'} role="status">${this.notice ?? ''}</p>

      <h2 id="pending-heading">Waiting for approval <span class="badge ${this.pending.length ? 'warn' : ''}">${this.pending.length}</span></h2>
      ${
        this.pending.length === 0
          ? html`<p class="muted">No device is waiting. New requests appear here as they arrive.</p>`
          : html`<div class="table-wrap">
            <table aria-labelledby="pending-heading" data-testid="pending-devices">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">Asks for</th>
                  <th scope="col">From</th>
                  <th scope="col">Request</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                ${this.pending.map((p) => this.#pendingRow(p))}
              </tbody>
            </table>
          </div>`
      }

      <h2 id="paired-heading">Paired devices <span class="badge">${this.paired.length}</span></h2>
      <div class="table-wrap">
        <table aria-labelledby="paired-heading" data-testid="paired-devices">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Roles and scopes</th>
              <th scope="col">Tokens</th>
              <th scope="col">Last seen</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            ${
              this.paired.length === 0
                ? html`<tr><td colspan="5" class="muted">No paired devices.</td></tr>`
                : this.paired.map((d) => this.#pairedRow(d))
            }
          </tbody>
        </table>
      </div>
    `;
  }

  #pendingRow(p: Pending): TemplateResult {
    const name = nameOf(p);
    return html`<tr data-request-id=${p.requestId} data-device-id=${p.deviceId}>
      <td data-label="Device">
        <strong>${name}</strong> ${p.isRepair ? html`<span class="badge warn">wants more access</span>` : nothing}
        <div class="muted">${copyable(p.deviceId, 'device id', { shown: shortId(p.deviceId) })}</div>
        <div class="muted">${[p.clientMode, p.platform].filter(Boolean).join(' · ')}</div>
      </td>
      <td data-label="Asks for">
        ${p.role ?? 'operator'}
        <ul class="tags">${(p.scopes ?? []).map((s) => html`<li>${s}</li>`)}</ul>
      </td>
      <td data-label="From" class="mono">${p.remoteIp ?? ''}${p.browserOrigin ? html`<div class="muted">${p.browserOrigin}</div>` : nothing}</td>
      <td data-label="Request">${copyable(p.requestId, 'request id')}<div class="muted" title=${when(p.ts)}>${ago(p.ts)}</div></td>
      <td data-label="Decision" class="actions">
        <button
          type="button"
          class="primary"
          ?disabled=${this.busy.has(`approve:${p.requestId}`)}
          aria-label=${`Approve ${name}`}
          @click=${() => this.#approve(p)}
        >
          Approve
        </button>
        <button
          type="button"
          ?disabled=${this.busy.has(`reject:${p.requestId}`)}
          aria-label=${`Reject ${name}`}
          @click=${() => this.#reject(p)}
        >
          Reject
        </button>
      </td>
    </tr>`;
  }

  #pairedRow(d: PairedDevice): TemplateResult {
    const name = nameOf(d);
    const self = d.deviceId === this.session.deviceId;
    const inputId = `label-${d.deviceId}`;
    return html`<tr data-device-id=${d.deviceId}>
      <td data-label="Device">
        <strong>${name}</strong>
        ${self ? html`<span class="badge ok">this browser</span>` : nothing}
        ${d.connected ? html`<span class="badge ok">online</span>` : nothing}
        <div class="muted">${copyable(d.deviceId, 'device id', { shown: shortId(d.deviceId) })}</div>
        <div class="muted">${[d.clientMode, d.platform].filter(Boolean).join(' · ')}</div>
        ${
          this.renaming === d.deviceId
            ? html`<form
              class="actions"
              @submit=${(e: SubmitEvent) => {
                e.preventDefault();
                void this.#rename(d, e.currentTarget as HTMLFormElement);
              }}
            >
              <label for=${inputId} class="muted">New name</label>
              <input id=${inputId} name="label" maxlength="64" required .value=${d.label ?? d.displayName ?? ''} />
              <button type="submit" class="primary">Save</button>
              <button type="button" @click=${() => (this.renaming = undefined)}>Cancel</button>
            </form>`
            : nothing
        }
      </td>
      <td data-label="Roles and scopes">
        ${d.roles.join(', ')}
        <ul class="tags">${d.scopes.map((s) => html`<li>${s}</li>`)}</ul>
      </td>
      <td data-label="Tokens">
        ${
          d.tokens.length === 0
            ? html`<span class="muted">none</span>`
            : d.tokens.map(
                (t) => html`<div class="actions" data-token-role=${t.role}>
                <span>${t.role}</span>
                <span class="muted" title=${when(t.issuedAtMs)}>issued ${ago(t.issuedAtMs)}</span>
                <button
                  type="button"
                  ?disabled=${this.busy.has(`rotate:${d.deviceId}:${t.role}`)}
                  aria-label=${`Rotate the ${t.role} token of ${name}`}
                  @click=${() => this.#rotate(d, t.role)}
                >
                  Rotate
                </button>
                ${this.#confirmButton(
                  `revoke:${d.deviceId}:${t.role}`,
                  'Revoke',
                  'Yes, revoke',
                  () => this.#revoke(d, t.role),
                  `the ${t.role} token of ${name}`,
                )}
              </div>`,
              )
        }
      </td>
      <td data-label="Last seen" title=${when(d.lastSeenAtMs)}>
        ${d.lastSeenAtMs ? ago(d.lastSeenAtMs) : 'never'}
        ${d.lastSeenIp ? html`<div class="muted mono">${d.lastSeenIp}</div>` : nothing}
      </td>
      <td data-label="Actions" class="actions">
        <button type="button" aria-label=${`Rename ${name}`} @click=${() => (this.renaming = d.deviceId)}>Rename</button>
        ${this.#confirmButton(`remove:${d.deviceId}`, 'Remove', 'Yes, remove', () => this.#remove(d), name)}
      </td>
    </tr>`;
  }
}

customElements.define('oc-devices', DevicesPage);
