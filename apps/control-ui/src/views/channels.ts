import type {
  ChannelAccountStatus,
  ChannelPairingRequest,
  ChannelsStatusResult,
  WebLoginState,
} from '@openclaw/protocol';
import { html, nothing, type TemplateResult } from 'lit';
import { ago, errorText, when } from '../format.ts';
import { Page } from './page.ts';

const POLL_MS = 5000;

/** Channel accounts with inbound liveness, start/stop, DM pairing codes, and WhatsApp linking by QR. */
export class ChannelsPage extends Page {
  static override properties = {
    ...Page.properties,
    status: { state: true },
    requests: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
    login: { state: true },
    probing: { state: true },
  };

  declare status: ChannelsStatusResult | undefined;
  declare requests: ChannelPairingRequest[];
  declare error: string | undefined;
  declare notice: string | undefined;
  declare busy: string | undefined;
  declare login: WebLoginState | undefined;
  declare probing: boolean;
  #poll: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.requests = [];
    this.probing = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#poll = setInterval(() => {
      if (this.session.state.kind === 'ready') void this.reload();
    }, POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#poll);
  }

  protected override subscribe(): (() => void)[] {
    return [
      this.session.on('web.login', (state) => {
        this.login = state;
      }),
    ];
  }

  protected override async reload(): Promise<void> {
    try {
      const c = this.session.client;
      const [status, pairing] = await Promise.all([
        c.request('channels.status'),
        c.request('channels.pairing.list'),
      ]);
      this.status = status;
      this.requests = pairing.requests;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async #run(key: string, fn: () => Promise<string>): Promise<void> {
    this.busy = key;
    try {
      this.notice = await fn();
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = undefined;
      await this.reload();
    }
  }

  #startStop(channel: string, account: ChannelAccountStatus, start: boolean) {
    return this.#run(`${start ? 'start' : 'stop'}:${channel}:${account.accountId}`, async () => {
      const params = { channel, accountId: account.accountId };
      if (!start) {
        await this.session.client.request('channels.stop', params);
        return `Stopped ${channel}/${account.accountId}.`;
      }
      // The gateway answers once the account has connected or failed: say which.
      const r = await this.session.client.request('channels.start', params, { timeoutMs: 45_000 });
      const a = r.accounts[0];
      const state = a?.healthState ?? 'started';
      return `Started ${channel}/${account.accountId}: ${state}${a?.lastError && state !== 'running' ? ` (${a.lastError})` : ''}.`;
    });
  }

  /** Ask every account's platform now (Telegram getMe, Slack auth.test, …); the results show per account. */
  async #probe(): Promise<void> {
    this.probing = true;
    try {
      this.status = await this.session.client.request(
        'channels.status',
        { probe: true, timeoutMs: 5000 },
        { timeoutMs: 40_000 },
      );
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.probing = false;
    }
  }

  #pairing(r: ChannelPairingRequest, approve: boolean) {
    return this.#run(`pair:${r.requestId}`, async () => {
      const params = { channel: r.channel, accountId: r.accountId, requestId: r.requestId };
      if (approve) {
        const res = await this.session.client.request('channels.pairing.approve', {
          ...params,
          notify: true,
        });
        return `Approved ${r.senderLabel} on ${r.channelLabel} (sender ${res.notification === 'sent' ? 'notified' : 'not notified'}).`;
      }
      await this.session.client.request('channels.pairing.dismiss', params);
      return `Dismissed ${r.senderLabel}.`;
    });
  }

  async #startLogin(): Promise<void> {
    try {
      this.login = await this.session.client.request('web.login.start', {});
    } catch (error) {
      this.error = errorText(error);
    }
  }

  protected override render(): TemplateResult {
    const s = this.status;
    const channels = s ? s.channelOrder.filter((c) => (s.channelAccounts[c] ?? []).length > 0) : [];
    return html`
      <h1 tabindex="-1">Channels</h1>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      <div class="toolbar">
        <p class="grow muted" role="status">${this.notice ?? ''}</p>
        <span class="muted">${s ? `Updated ${new Date(s.ts).toLocaleTimeString()}` : ''}</span>
        <button type="button" ?disabled=${this.probing} @click=${() => void this.#probe()}>${this.probing ? 'Checking…' : 'Check now'}</button>
        <button type="button" @click=${() => void this.reload()}>Refresh</button>
      </div>

      ${
        !s
          ? html`<p class="muted">Loading…</p>`
          : channels.length === 0
            ? html`<p class="panel">No channel account is configured. Add one under <code>channels</code> on the <a href="#/config">Config</a> page (Telegram, Slack, Discord, Signal; see docs/CHANNELS.md).</p>`
            : channels.map((c) => this.#channel(c, s))
      }

      <h2 id="dm-heading">DM senders waiting for approval <span class="badge ${this.requests.length ? 'warn' : ''}">${this.requests.length}</span></h2>
      ${
        this.requests.length === 0
          ? html`<p class="muted">Nobody is waiting. Unknown senders who message an account with <code>dmPolicy: pairing</code> get a code that shows up here.</p>`
          : html`<div class="table-wrap">
            <table aria-labelledby="dm-heading">
              <thead><tr><th scope="col">Code</th><th scope="col">Channel</th><th scope="col">Sender</th><th scope="col">Expires</th><th scope="col">Decision</th></tr></thead>
              <tbody>
                ${this.requests.map(
                  (r) => html`<tr data-request-id=${r.requestId}>
                    <td><code>${r.requestId}</code></td>
                    <td>${r.channelLabel} <span class="muted">/ ${r.accountId}</span></td>
                    <td>${r.senderLabel} <div class="muted mono">${r.senderId}</div></td>
                    <td>${ago(Date.parse(r.expiresAt))}</td>
                    <td class="actions">
                      <button type="button" class="primary" ?disabled=${this.busy === `pair:${r.requestId}`} aria-label=${`Approve ${r.senderLabel} on ${r.channelLabel}`} @click=${() => this.#pairing(r, true)}>Approve</button>
                      <button type="button" ?disabled=${this.busy === `pair:${r.requestId}`} aria-label=${`Dismiss ${r.senderLabel} on ${r.channelLabel}`} @click=${() => this.#pairing(r, false)}>Dismiss</button>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
      }

      <section class="panel" aria-labelledby="wa-heading" data-testid="whatsapp-linking">
        <h2 id="wa-heading">WhatsApp linking</h2>
        ${
          this.session.hasMethod('web.login.start') && (s?.channelAccounts.whatsapp ?? []).length > 0
            ? html`<p>
                Link the WhatsApp account as a device: start, then scan the code on the phone (WhatsApp → Settings →
                Linked devices → Link a device). The code rotates; this page shows each new one as it comes.
              </p>
              <button type="button" @click=${() => this.#startLogin()}>Start linking</button>
              ${
                this.login
                  ? html`<p role="status" data-testid="whatsapp-login-status">
                        ${this.login.status}${this.login.message ? `: ${this.login.message}` : ''}
                      </p>
                      ${
                        this.login.status === 'qr' && this.login.qrDataUrl
                          ? html`<img
                              class="qr"
                              src=${this.login.qrDataUrl}
                              data-qr=${this.login.qr ?? ''}
                              alt="WhatsApp linking QR code"
                            />`
                          : nothing
                      }`
                  : nothing
              }`
            : html`<p class="muted">
              No WhatsApp account is configured. Add <code>channels.whatsapp</code> to the config, then link it here or
              with <code>openclaw channels login whatsapp</code>.
            </p>`
        }
      </section>
    `;
  }

  #channel(channel: string, s: ChannelsStatusResult): TemplateResult {
    const accounts = s.channelAccounts[channel] ?? [];
    const label = s.channelLabels[channel] ?? channel;
    const headingId = `ch-${channel}`;
    return html`<h2 id=${headingId}>${label}</h2>
      <div class="table-wrap">
        <table aria-labelledby=${headingId} data-channel=${channel}>
          <thead>
            <tr><th scope="col">Account</th><th scope="col">State</th><th scope="col">Last inbound</th><th scope="col">Last outbound</th><th scope="col">Details</th><th scope="col">Actions</th></tr>
          </thead>
          <tbody>
            ${accounts.map((a) => {
              const state = a.healthState ?? (a.running ? 'running' : 'stopped');
              const tone =
                state === 'running'
                  ? 'ok'
                  : state === 'failed' || state === 'needs-action'
                    ? 'bad'
                    : state === 'stopped' || state === 'held-elsewhere' || state === 'disabled'
                      ? ''
                      : 'warn';
              const key = `${channel}:${a.accountId}`;
              return html`<tr data-account=${a.accountId} data-state=${state}>
                <td>${a.name ?? a.accountId}${a.self ? html`<div class="muted">${a.self.username ? `@${a.self.username}` : (a.self.name ?? a.self.id)}</div>` : nothing}</td>
                <td><span class="badge ${tone}">${state}</span> ${a.connected ? html`<span class="muted">connected</span>` : nothing}
                  ${a.failingSince ? html`<div class="muted" data-testid="failing-since" title=${when(a.failingSince)}>since ${ago(a.failingSince)}</div>` : nothing}
                  ${a.mode ? html`<div class="muted">${a.mode}</div>` : nothing}</td>
                <td title=${when(a.lastInboundAt)}>${ago(a.lastInboundAt)}</td>
                <td title=${when(a.lastOutboundAt)}>${ago(a.lastOutboundAt)}</td>
                <td>
                  ${a.dmPolicy ? html`<div>DMs: ${a.dmPolicy}</div>` : nothing}
                  ${a.queued ? html`<div>${a.queued} queued</div>` : nothing}
                  ${a.heldBy ? html`<div class="muted">held by ${a.heldBy}</div>` : nothing}
                  ${a.lastError ? html`<div class="error" data-testid="last-error" title=${a.lastErrorAt ? `last at ${when(a.lastErrorAt)}` : ''}>${a.lastError}</div>` : nothing}
                  ${a.action ? html`<div class="error">To do: ${a.action}</div>` : nothing}
                  ${
                    a.probe
                      ? html`<div data-testid="probe" class=${a.probe.ok ? '' : 'error'}>Check: ${
                          a.probe.ok
                            ? `ok in ${a.probe.elapsedMs} ms${a.probe.self ? ` (${a.probe.self.name ?? a.probe.self.id})` : ''}`
                            : `failed: ${a.probe.error ?? 'no answer'}`
                        }</div>`
                      : nothing
                  }
                </td>
                <td class="actions">
                  <button type="button" ?disabled=${this.busy === `start:${key}`} aria-label=${`Start ${label} account ${a.accountId}`} @click=${() => this.#startStop(channel, a, true)}>${a.running ? 'Restart' : 'Start'}</button>
                  <button type="button" ?disabled=${this.busy === `stop:${key}` || a.running === false} aria-label=${`Stop ${label} account ${a.accountId}`} @click=${() => this.#startStop(channel, a, false)}>Stop</button>
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>`;
  }
}

customElements.define('oc-channels', ChannelsPage);
