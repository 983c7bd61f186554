import type { ChannelAccountStatus, ChannelPairingRequest, ChannelsStatusResult } from '@openclaw/protocol';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ago, errorText, when } from '../format.ts';
import { accountTone } from '../state/add-channel.ts';
import { copyable, withCommands } from './copy-button.ts';
import { icon } from './icons.ts';
import { Page } from './page.ts';
import './add-channel.ts';
import './whatsapp-link.ts';

const POLL_MS = 5000;

/**
 * Channel accounts with inbound liveness, start/stop, DM pairing codes, linking WhatsApp by QR,
 * and (at `#/channels/add`) adding an account.
 */
export class ChannelsPage extends Page {
  static override properties = {
    ...Page.properties,
    status: { state: true },
    requests: { state: true },
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
    probing: { state: true },
    linking: { state: true },
  };

  declare status: ChannelsStatusResult | undefined;
  declare requests: ChannelPairingRequest[];
  declare error: string | undefined;
  declare notice: string | undefined;
  declare busy: string | undefined;
  declare probing: boolean;
  /** The WhatsApp account whose QR linking is open. */
  declare linking: string | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.requests = [];
    this.probing = false;
  }

  /** `add` or `add/<channel>`: the add-a-channel flow instead of the list. */
  get adding(): { provider: string } | undefined {
    const [first, second = ''] = this.route.split('/');
    return first === 'add' ? { provider: decodeURIComponent(second) } : undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#poll = setInterval(() => {
      if (this.session.state.kind === 'ready' && !this.adding) void this.reload();
    }, POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#poll);
  }

  protected override async reload(): Promise<void> {
    if (this.adding) return;
    try {
      const c = this.session.client;
      const [status, pairing] = await Promise.all([
        c.request('channels.status'),
        c.request('channels.pairing.list', {}),
      ]);
      this.status = status;
      this.requests = pairing.requests;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Back from the add flow: read the list again (it may have a new account).
    if (changed.has('route') && changed.get('route') !== undefined && !this.adding) {
      if (this.session.state.kind === 'ready') void this.reload();
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

  protected override render(): TemplateResult {
    const adding = this.adding;
    if (adding)
      return html`<oc-add-channel .session=${this.session} .provider=${adding.provider}></oc-add-channel>`;
    const s = this.status;
    const channels = s ? s.channelOrder.filter((c) => (s.channelAccounts[c] ?? []).length > 0) : [];
    return html`
      <header class="page-head">
        <div>
          <h1 tabindex="-1">Channels</h1>
          <p class="sub">The chat platforms the agent is reachable on, and whether each account receives.</p>
        </div>
        <div class="actions">
          <button type="button" ?disabled=${this.probing} @click=${() => void this.#probe()}>${this.probing ? 'Checking…' : 'Check now'}</button>
          <button type="button" @click=${() => void this.reload()}>${icon('refresh')} Refresh</button>
          <a class="button-link primary" href="#/channels/add">${icon('plus')} Add a channel</a>
        </div>
      </header>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      <p class=${this.notice ? 'banner ok' : 'visually-hidden'} role="status">${this.notice ?? ''}</p>
      <p class="muted small">${s ? `Updated ${new Date(s.ts).toLocaleTimeString()}` : ''}</p>

      ${
        !s
          ? html`<p class="muted">Loading…</p>`
          : channels.length === 0
            ? html`<div class="card empty-state">
                <h2>No channel yet</h2>
                <p>Add an account to reach the agent from Telegram, Slack, Discord, Signal, iMessage or WhatsApp.</p>
                <a class="button-link primary" href="#/channels/add">${icon('plus')} Add a channel</a>
              </div>`
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
                    <td data-label="Code">${copyable(r.requestId, 'pairing code')}</td>
                    <td data-label="Channel">${r.channelLabel} <span class="muted">/ ${r.accountId}</span></td>
                    <td data-label="Sender">${r.senderLabel} <div class="muted">${copyable(r.senderId, 'sender id')}</div></td>
                    <td data-label="Expires">${ago(Date.parse(r.expiresAt))}</td>
                    <td data-label="Decision" class="actions">
                      <button type="button" class="primary" ?disabled=${this.busy === `pair:${r.requestId}`} aria-label=${`Approve ${r.senderLabel} on ${r.channelLabel}`} @click=${() => this.#pairing(r, true)}>Approve</button>
                      <button type="button" ?disabled=${this.busy === `pair:${r.requestId}`} aria-label=${`Dismiss ${r.senderLabel} on ${r.channelLabel}`} @click=${() => this.#pairing(r, false)}>Dismiss</button>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
      }
    `;
  }

  #channel(channel: string, s: ChannelsStatusResult): TemplateResult {
    const accounts = s.channelAccounts[channel] ?? [];
    const label = s.channelLabels[channel] ?? channel;
    const headingId = `ch-${channel}`;
    return html`<h2 id=${headingId}>${label} <span class="badge">${accounts.length}</span>
        <a class="small" href="#/channels/add/${channel}">add an account</a></h2>
      <div class="table-wrap">
        <table aria-labelledby=${headingId} data-channel=${channel}>
          <thead>
            <tr><th scope="col">Account</th><th scope="col">State</th><th scope="col">Last inbound</th><th scope="col">Last outbound</th><th scope="col">Details</th><th scope="col">Actions</th></tr>
          </thead>
          <tbody>
            ${accounts.map((a) => this.#account(channel, label, a))}
          </tbody>
        </table>
      </div>`;
  }

  #account(channel: string, label: string, a: ChannelAccountStatus): TemplateResult {
    const state = a.healthState ?? (a.running ? 'running' : 'stopped');
    const tone = accountTone(state);
    const key = `${channel}:${a.accountId}`;
    const canLink =
      channel === 'whatsapp' && state !== 'running' && this.session.hasMethod('web.login.start');
    return html`<tr data-account=${a.accountId} data-state=${state}>
      <td data-label="Account">${a.name ? html`${a.name} ` : nothing}${copyable(a.accountId, 'account id')}
        ${a.self ? html`<div class="muted">${a.self.username ? `@${a.self.username}` : (a.self.name ?? a.self.id)}</div>` : nothing}</td>
      <td data-label="State"><span class="state"><span class="dot ${tone}" aria-hidden="true"></span><span class="badge ${tone}">${state}</span></span>
        ${a.connected ? html`<span class="muted">connected</span>` : nothing}
        ${a.failingSince ? html`<div class="muted" data-testid="failing-since" title=${when(a.failingSince)}>since ${ago(a.failingSince)}</div>` : nothing}
        ${a.mode && a.mode !== state ? html`<div class="muted">${a.mode}</div>` : nothing}</td>
      <td data-label="Last inbound" title=${when(a.lastInboundAt)}>${ago(a.lastInboundAt)}</td>
      <td data-label="Last outbound" title=${when(a.lastOutboundAt)}>${ago(a.lastOutboundAt)}</td>
      <td data-label="Details">
        ${a.dmPolicy ? html`<div>DMs: ${a.dmPolicy}</div>` : nothing}
        ${a.queued ? html`<div>${a.queued} queued</div>` : nothing}
        ${a.heldBy ? html`<div class="muted">held by ${a.heldBy}</div>` : nothing}
        ${a.lastError ? html`<div class="error" data-testid="last-error" title=${a.lastErrorAt ? `last at ${when(a.lastErrorAt)}` : ''}>${a.lastError}</div>` : nothing}
        ${a.action ? html`<div class="error">To do: ${withCommands(a.action)}</div>` : nothing}
        ${
          a.probe
            ? html`<div data-testid="probe" class=${a.probe.ok ? '' : 'error'}>Check: ${
                a.probe.ok
                  ? `ok in ${a.probe.elapsedMs} ms${a.probe.self ? ` (${a.probe.self.name ?? a.probe.self.id})` : ''}`
                  : `failed: ${a.probe.error ?? 'no answer'}`
              }</div>`
            : nothing
        }
        ${this.linking === key ? html`<oc-whatsapp-link .session=${this.session} .accountId=${a.accountId}></oc-whatsapp-link>` : nothing}
      </td>
      <td data-label="Actions" class="actions">
        ${
          canLink && this.linking !== key
            ? html`<button type="button" class="primary" aria-label=${`Link ${label} account ${a.accountId} by QR code`} @click=${() => {
                this.linking = key;
              }}>Link by QR</button>`
            : nothing
        }
        <button type="button" ?disabled=${this.busy === `start:${key}`} aria-label=${`Start ${label} account ${a.accountId}`} @click=${() => this.#startStop(channel, a, true)}>${a.running ? 'Restart' : 'Start'}</button>
        <button type="button" ?disabled=${this.busy === `stop:${key}` || a.running === false} aria-label=${`Stop ${label} account ${a.accountId}`} @click=${() => this.#startStop(channel, a, false)}>Stop</button>
      </td>
    </tr>`;
  }
}

customElements.define('oc-channels', ChannelsPage);
