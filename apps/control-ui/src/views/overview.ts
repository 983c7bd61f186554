import type {
  AuditEntry,
  ChannelPairingRequest,
  ExecApproval,
  ExecApprovalDecision,
  HealthSummary,
  PendingDeviceRequest,
  PendingNodeRequest,
  PresenceEntry,
  QuestionAnswers,
  QuestionRecord,
  StatusResult,
} from '@openclaw/protocol';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { HealthSampler } from '../connection/health-sampler.ts';
import { ago, duration, errorText, shortId, when } from '../format.ts';
import { accountTone } from '../state/add-channel.ts';
import { bytes } from '../state/health-history.ts';
import { applyPresence, isGatewaySelf, presenceKey, sortPresence } from '../state/presence.ts';
import { copyable, withCommands } from './copy-button.ts';
import { debounce, Page } from './page.ts';
import { type QuestionHandlers, questionItem } from './question-item.ts';
import { sparklineSvg } from './sparkline.ts';

/** Account states in which a channel is not working (worth its error on the overview). */
const FAILING = new Set([
  'degraded',
  'backoff',
  'failed',
  'needs-action',
  'awaiting-login',
  'not-configured',
]);
const REFRESH_MS = 10_000;

/** What an exec approval decision did, for the status line. */
const RUN_DECISIONS: Record<ExecApprovalDecision, string> = {
  'allow-once': 'Allowed once',
  'allow-always': 'Allowed from now on',
  deny: 'Denied',
};
const AUTH_FAILURES_SHOWN = 8;

/** What an auth failure's code means, in a few words. */
const AUTH_CODES: Record<string, string> = {
  AUTH_TOKEN_MISMATCH: 'wrong token',
  AUTH_PASSWORD_MISMATCH: 'wrong password',
  AUTH_TOKEN_MISSING: 'no token given',
  AUTH_PASSWORD_MISSING: 'no password given',
  AUTH_DEVICE_TOKEN_MISMATCH: 'device token not accepted',
  AUTH_SCOPE_MISMATCH: 'asked for scopes it does not have',
  AUTH_RATE_LIMITED: 'refused: too many attempts',
  DEVICE_AUTH_SIGNATURE_INVALID: 'bad device signature',
  DEVICE_AUTH_SIGNATURE_EXPIRED: 'stale device signature (clock?)',
};

const nameOfDevice = (d: {
  displayName?: string | undefined;
  clientId?: string | undefined;
  deviceId: string;
}) => d.displayName ?? d.clientId ?? shortId(d.deviceId);

/**
 * The gateway at a glance: whether it is healthy, which channel accounts receive (and which do
 * not, with why), event-loop and memory over the last minutes, what waits for approval, recent
 * sign-in failures and lockouts, and who is connected (live from presence events).
 */
export class OverviewPage extends Page {
  static override properties: PropertyDeclarations = {
    ...Page.properties,
    sampler: { attribute: false },
    status: { state: true },
    health: { state: true },
    presence: { state: true },
    devices: { state: true },
    nodes: { state: true },
    senders: { state: true },
    runs: { state: true },
    questions: { state: true },
    unanswered: { state: true },
    authFailures: { state: true },
    error: { state: true },
    notice: { state: true },
    now: { state: true },
  };

  declare sampler: HealthSampler | undefined;
  declare status: StatusResult | undefined;
  declare health: HealthSummary | undefined;
  declare presence: PresenceEntry[];
  declare devices: PendingDeviceRequest[];
  declare nodes: PendingNodeRequest[];
  declare senders: ChannelPairingRequest[];
  /** Commands waiting for an operator before they run on a node (exec approvals). */
  declare runs: ExecApproval[];
  /** Questions put to the operators (question.request), answered from here. */
  declare questions: QuestionRecord[];
  /** Per question id: the questions its form was sent without an answer to. */
  declare unanswered: Map<string, string[]>;
  declare authFailures: AuditEntry[] | undefined;
  declare error: string | undefined;
  declare notice: string | undefined;
  declare now: number;
  #fetchedAt = 0;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #refresher: ReturnType<typeof setInterval> | undefined;
  readonly #refreshStatus = debounce(() => void this.#loadStatus(), 300);
  readonly #refreshPending = debounce(() => void this.#loadPending(), 200);
  readonly #onSample = () => this.requestUpdate();

  constructor() {
    super();
    this.presence = [];
    this.devices = [];
    this.nodes = [];
    this.senders = [];
    this.runs = [];
    this.questions = [];
    this.unanswered = new Map();
    this.now = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.sampler?.addEventListener('sample', this.#onSample);
    this.#ticker = setInterval(() => {
      this.now = Date.now();
    }, 1000);
    // Sign-in failures and DM senders raise no event: re-read them now and then.
    this.#refresher = setInterval(() => {
      if (this.session.state.kind === 'ready' && document.visibilityState === 'visible') {
        void this.#loadStatus();
        void this.#loadPending();
      }
    }, REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.sampler?.removeEventListener('sample', this.#onSample);
    clearInterval(this.#ticker);
    clearInterval(this.#refresher);
    this.#refreshStatus.cancel();
    this.#refreshPending.cancel();
  }

  protected override subscribe(): (() => void)[] {
    return [
      this.session.on('presence', (event) => {
        this.presence = applyPresence(this.presence, event).filter((p) => !isGatewaySelf(p));
        this.#refreshStatus();
      }),
      this.session.on('health', (health) => {
        this.health = health;
        // Channel states changed: the per-account lines come from status.
        this.#refreshStatus();
      }),
      this.session.on('device.pair.requested', () => this.#refreshPending()),
      this.session.on('device.pair.resolved', () => this.#refreshPending()),
      this.session.on('node.pair.requested', () => this.#refreshPending()),
      this.session.on('node.pair.resolved', () => this.#refreshPending()),
      this.session.on('exec.approval.requested', () => this.#refreshPending()),
      this.session.on('exec.approval.resolved', () => this.#refreshPending()),
      this.session.on('question.requested', () => this.#refreshPending()),
      this.session.on('question.resolved', () => this.#refreshPending()),
    ];
  }

  protected override async reload(): Promise<void> {
    try {
      const c = this.session.client;
      const [health, presence] = await Promise.all([c.request('health'), c.request('system-presence')]);
      this.health = health;
      this.presence = sortPresence(presence.filter((p) => !isGatewaySelf(p)));
      await Promise.all([this.#loadStatus(), this.#loadPending()]);
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async #loadStatus(): Promise<void> {
    const c = this.session.client;
    this.status = await c.request('status');
    this.#fetchedAt = Date.now();
    if (this.session.hasMethod('security.audit.list')) {
      const audit = await c.request('security.audit.list', {
        action: 'auth.*',
        newest: true,
        limit: AUTH_FAILURES_SHOWN,
      });
      this.authFailures = [...audit.entries].reverse();
    }
  }

  async #loadPending(): Promise<void> {
    try {
      const c = this.session.client;
      const [devices, nodes, senders, runs, questions] = await Promise.all([
        c.request('device.pair.list'),
        c.request('node.pair.list'),
        c.request('channels.pairing.list', {}),
        // A gateway without exec approvals (or questions) has none to show.
        this.session.hasMethod('exec.approval.list') ? c.request('exec.approval.list', {}) : [],
        this.session.hasMethod('question.list') ? c.request('question.list', {}) : { questions: [] },
      ]);
      this.devices = devices.pending as PendingDeviceRequest[];
      this.nodes = nodes.pending;
      this.senders = senders.requests;
      this.runs = [...runs];
      this.questions = questions.questions;
      // Complaints about questions that are gone (answered elsewhere, lapsed) go with them.
      const open = new Set(this.questions.map((q) => q.id));
      if ([...this.unanswered.keys()].some((id) => !open.has(id))) {
        this.unanswered = new Map([...this.unanswered].filter(([id]) => open.has(id)));
      }
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async #decideDevice(p: PendingDeviceRequest, approve: boolean): Promise<void> {
    try {
      await this.session.client.request(approve ? 'device.pair.approve' : 'device.pair.reject', {
        requestId: p.requestId,
      });
      this.notice = `${approve ? 'Approved' : 'Rejected'} ${nameOfDevice(p)}.`;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
    await this.#loadPending();
  }

  async #decideSender(r: ChannelPairingRequest, approve: boolean): Promise<void> {
    const params = { channel: r.channel, accountId: r.accountId, requestId: r.requestId };
    try {
      if (approve) await this.session.client.request('channels.pairing.approve', { ...params, notify: true });
      else await this.session.client.request('channels.pairing.dismiss', params);
      this.notice = `${approve ? 'Approved' : 'Dismissed'} ${r.senderLabel} on ${r.channelLabel}.`;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
    await this.#loadPending();
  }

  async #decideRun(a: ExecApproval, decision: ExecApprovalDecision): Promise<void> {
    try {
      await this.session.client.request('exec.approval.resolve', { id: a.id, decision });
      this.notice = `${RUN_DECISIONS[decision]}: ${a.command}.`;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
    await this.#loadPending();
  }

  async #resolveQuestion(q: QuestionRecord, answers: QuestionAnswers | undefined): Promise<void> {
    try {
      await this.session.client.request(
        'question.resolve',
        answers ? { id: q.id, answers } : { id: q.id, cancel: true },
      );
      const first = q.questions[0]?.question ?? q.id;
      this.notice = `${answers ? 'Answered' : 'Dismissed'}: ${first}`;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
    await this.#loadPending();
  }

  readonly #questionHandlers: QuestionHandlers = {
    answer: (q, answers) => void this.#resolveQuestion(q, answers),
    cancel: (q) => void this.#resolveQuestion(q, undefined),
    problem: (q, missing) => {
      const next = new Map(this.unanswered);
      if (missing) next.set(q.id, missing);
      else next.delete(q.id);
      this.unanswered = next;
    },
  };

  /** A node as people know it: the name it connected with, else its short id. */
  #nodeName(nodeId: string): string {
    return this.presence.find((p) => p.deviceId === nodeId)?.host ?? shortId(nodeId);
  }

  #waiting(): number {
    return (
      this.devices.length + this.nodes.length + this.senders.length + this.runs.length + this.questions.length
    );
  }

  protected override render(): TemplateResult {
    const s = this.status;
    const uptime = s ? s.uptimeMs + (this.now - this.#fetchedAt) : undefined;
    const running = s?.channels.filter((c) => c.state === 'running').length ?? 0;
    const waiting = this.#waiting();
    return html`
      <header class="page-head">
        <div>
          <h1 tabindex="-1">Overview</h1>
          <p class="sub">${
            s
              ? html`Gateway <span data-testid="version">${s.version}</span> on <span class="mono">${s.gateway.host}:${s.gateway.port}</span>
                  (${s.gateway.bind}, auth ${s.gateway.authMode}${s.gateway.tls ? ', TLS' : ''})`
              : 'Reading the gateway…'
          }</p>
        </div>
      </header>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      <p class="visually-hidden" role="status">${this.notice ?? ''}</p>
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
            ${s?.degraded.length ? html`<span class="badge warn">${s.degraded.length} degraded</span>` : nothing}
          </dd>
        </div>
        <div>
          <dt>Uptime</dt>
          <dd data-testid="uptime">${uptime === undefined ? '…' : duration(uptime)}</dd>
        </div>
        <div>
          <dt>Channel accounts running</dt>
          <dd data-testid="channels-running">${s ? html`${running} <span class="muted">of ${s.channels.length}</span>` : '…'}</dd>
        </div>
        <div>
          <dt>Connections</dt>
          <dd data-testid="connections">
            ${s ? html`${s.connections.total} <span class="muted">${s.connections.operators} ${s.connections.operators === 1 ? 'operator' : 'operators'}, ${s.connections.nodes} ${s.connections.nodes === 1 ? 'node' : 'nodes'}</span>` : '…'}
          </dd>
        </div>
        <div>
          <dt>Waiting for you</dt>
          <dd data-testid="waiting">${s ? waiting : '…'}</dd>
        </div>
      </dl>

      <div class="grid">
        ${this.#channels()}
        ${this.#performance()}
        ${this.#approvals()}
        ${this.#authFailures()}
      </div>

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

  #channels(): TemplateResult {
    const s = this.status;
    const labels = this.health?.channelLabels ?? {};
    return html`<section class="card" aria-labelledby="ov-channels" data-testid="overview-channels">
      <header><h2 id="ov-channels">Channels</h2><a href="#/channels">Manage</a></header>
      ${
        !s
          ? html`<p class="empty">…</p>`
          : s.channels.length === 0
            ? html`<p class="empty">No channel account yet. <a href="#/channels/add">Add a channel</a> to reach the agent from Telegram, Slack, WhatsApp and others.</p>`
            : html`<ul class="list">
              ${s.channels.map((c) => {
                const tone = accountTone(c.state);
                const failing = FAILING.has(c.state);
                return html`<li data-account=${`${c.channel}/${c.accountId}`} data-state=${c.state}
                  data-testid=${failing ? 'channel-problem' : 'channel-ok'}>
                  <span class="dot ${tone}" aria-hidden="true"></span>
                  <span class="grow">
                    <span class="title">${labels[c.channel] ?? c.channel}</span> <span class="muted">${c.accountId}</span>
                    <span class="detail" title=${when(c.lastInboundAt)}>${
                      c.lastInboundAt
                        ? `last message ${ago(c.lastInboundAt, this.now)}`
                        : 'no message received yet'
                    }</span>
                    ${
                      failing && c.lastError
                        ? html`<span class="detail error">${c.failingSince ? html`<span title=${when(c.failingSince)}>since ${ago(c.failingSince, this.now)}:</span> ` : nothing}${c.lastError}</span>`
                        : nothing
                    }
                    ${c.action ? html`<span class="detail error">To do: ${withCommands(c.action)}</span>` : nothing}
                  </span>
                  <span class="badge ${tone}">${c.state}</span>
                </li>`;
              })}
            </ul>`
      }
    </section>`;
  }

  #performance(): TemplateResult {
    const samples = this.sampler?.history.samples ?? [];
    const loop = this.health?.eventLoop;
    const latest = samples.at(-1);
    const span = samples.length > 1 ? duration(samples[samples.length - 1]!.ts - samples[0]!.ts) : '';
    const rss = samples.flatMap((x) => (x.rssBytes === undefined ? [] : [x.rssBytes]));
    // Pushed health events carry no memory (the reference's shape); the polled answers do.
    const mem = samples.findLast((x) => x.rssBytes !== undefined);
    return html`<section class="card" aria-labelledby="ov-perf" data-testid="overview-performance">
      <header><h2 id="ov-perf">Event loop and memory</h2>${span ? html`<span class="muted small">last ${span}</span>` : nothing}</header>
      <div class="meter">
        <div>
          <p class="meter-label">Event loop delay (p99)
            ${loop ? (loop.degraded ? html`<span class="badge warn">slow</span>` : html`<span class="badge ok">ok</span>`) : nothing}</p>
          <p class="meter-value" data-testid="loop-p99">${latest ? `${latest.loopP99Ms.toFixed(1)} ms` : '…'}
            <span class="muted small">${latest ? `${Math.round(latest.utilization * 100)}% busy` : ''}</span></p>
        </div>
        ${sparklineSvg(
          samples.map((x) => x.loopP99Ms),
          {
            testId: 'spark-loop',
            label: (min, max) =>
              `Event loop p99 delay, last ${span || 'minutes'}: ${min.toFixed(1)} to ${max.toFixed(1)} ms`,
          },
        )}
      </div>
      <div class="meter">
        <div>
          <p class="meter-label">Memory (resident)</p>
          <p class="meter-value" data-testid="memory-rss">${bytes(mem?.rssBytes)}
            <span class="muted small">${mem?.heapUsedBytes === undefined ? '' : `heap ${bytes(mem.heapUsedBytes)}`}</span></p>
        </div>
        ${sparklineSvg(rss, {
          testId: 'spark-memory',
          label: (min, max) => `Resident memory, last ${span || 'minutes'}: ${bytes(min)} to ${bytes(max)}`,
        })}
      </div>
    </section>`;
  }

  #approvals(): TemplateResult {
    const empty = this.#waiting() === 0;
    return html`<section class="card" aria-labelledby="ov-approvals" data-testid="pending-approvals">
      <header><h2 id="ov-approvals">Waiting for you</h2></header>
      ${
        empty
          ? html`<p class="empty">Nothing waits for you: no device, node, DM sender, command or question.</p>`
          : html`<ul class="list">
            ${repeat(
              this.questions,
              (q) => q.id,
              (q) => questionItem(q, this.now, this.#questionHandlers, this.unanswered.get(q.id)),
            )}
            ${this.runs.map(
              (a) => html`<li data-approval-id=${a.id} data-testid="exec-approval">
                <span class="grow"><span class="title"><code>${a.command}</code></span>
                  <span class="detail">command to run on ${a.nodeId ? html`node ${this.#nodeName(a.nodeId)}` : 'a node'}${a.cwd ? html` in <code>${a.cwd}</code>` : nothing}${a.requestedBy ? ` · asked by ${a.requestedBy}` : ''} · ${ago(a.createdAtMs, this.now)} · unanswered by ${new Date(a.expiresAtMs).toLocaleTimeString()}, the policy decides</span>
                  <span class="detail">${copyable(a.id, 'approval id')}</span></span>
                <span class="actions">
                  <button type="button" class="primary" aria-label=${`Allow once: ${a.command}`} @click=${() => this.#decideRun(a, 'allow-once')}>Allow once</button>
                  <button type="button" aria-label=${`Always allow ${a.commandArgv[0] ?? a.command}`} title="Adds the program to the exec allowlist" @click=${() => this.#decideRun(a, 'allow-always')}>Always allow</button>
                  <button type="button" aria-label=${`Deny: ${a.command}`} @click=${() => this.#decideRun(a, 'deny')}>Deny</button>
                </span>
              </li>`,
            )}
            ${this.devices.map(
              (p) => html`<li data-request-id=${p.requestId}>
                <span class="grow"><span class="title">${nameOfDevice(p)}</span>
                  <span class="detail">device${p.isRepair ? ' (wants more access)' : ''} · ${p.role ?? 'operator'} · ${p.remoteIp ?? ''} · ${ago(p.ts, this.now)}</span>
                  <span class="detail">${copyable(p.requestId, 'request id')}</span></span>
                <span class="actions">
                  <button type="button" class="primary" aria-label=${`Approve device ${nameOfDevice(p)}`} @click=${() => this.#decideDevice(p, true)}>Approve</button>
                  <button type="button" aria-label=${`Reject device ${nameOfDevice(p)}`} @click=${() => this.#decideDevice(p, false)}>Reject</button>
                </span>
              </li>`,
            )}
            ${this.nodes.map(
              (p) => html`<li data-request-id=${p.requestId}>
                <span class="grow"><span class="title">${p.displayName ?? shortId(p.nodeId)}</span>
                  <span class="detail">node · ${p.newCommands.length} new ${p.newCommands.length === 1 ? 'command' : 'commands'}: ${p.newCommands.join(', ')}</span></span>
                <a href="#/nodes">Review on Nodes</a>
              </li>`,
            )}
            ${this.senders.map(
              (r) => html`<li data-request-id=${r.requestId}>
                <span class="grow"><span class="title">${r.senderLabel}</span>
                  <span class="detail">DM sender on ${r.channelLabel} / ${r.accountId} · expires ${ago(Date.parse(r.expiresAt), this.now)}</span>
                  <span class="detail">code ${copyable(r.requestId, 'pairing code')}</span></span>
                <span class="actions">
                  <button type="button" class="primary" aria-label=${`Approve ${r.senderLabel} on ${r.channelLabel}`} @click=${() => this.#decideSender(r, true)}>Approve</button>
                  <button type="button" aria-label=${`Dismiss ${r.senderLabel} on ${r.channelLabel}`} @click=${() => this.#decideSender(r, false)}>Dismiss</button>
                </span>
              </li>`,
            )}
          </ul>`
      }
    </section>`;
  }

  #authFailures(): TemplateResult {
    const lockouts = this.status?.authLockouts;
    const failures = this.authFailures;
    return html`<section class="card" aria-labelledby="ov-auth" data-testid="auth-failures">
      <header><h2 id="ov-auth">Sign-in failures</h2>
        ${lockouts?.total ? html`<span class="badge bad">${lockouts.total} limited</span>` : nothing}</header>
      ${
        lockouts?.entries.length
          ? html`<ul class="list" data-testid="lockouts">
            ${lockouts.entries.map(
              (l) => html`<li>
                <span class="dot bad" aria-hidden="true"></span>
                <span class="grow"><span class="title">${l.peer === 'loopback' ? 'This machine (loopback)' : l.peer}</span>
                  <span class="detail">${l.mode === 'lockout' ? 'locked out' : 'slowed down'} (${l.credential}) after ${l.failures} failures, until ${new Date(l.untilMs).toLocaleTimeString()}</span></span>
              </li>`,
            )}
          </ul>`
          : nothing
      }
      ${
        failures === undefined
          ? html`<p class="empty">…</p>`
          : failures.length === 0
            ? html`<p class="empty">No failed sign-in recorded.</p>`
            : html`<ul class="list" data-testid="auth-failure-list">
              ${failures.map((e) => {
                const code = typeof e.details?.code === 'string' ? e.details.code : undefined;
                const client = typeof e.details?.clientId === 'string' ? e.details.clientId : e.actor;
                const what =
                  e.action === 'auth.locked'
                    ? `limited: ${String(e.details?.failures ?? '?')} failures`
                    : code
                      ? (AUTH_CODES[code] ?? code)
                      : e.action;
                return html`<li data-action=${e.action}>
                  <span class="dot ${e.action === 'auth.locked' ? 'bad' : 'warn'}" aria-hidden="true"></span>
                  <span class="grow"><span class="title">${what}</span>
                    <span class="detail">${[e.remoteIp ? `from ${e.remoteIp}` : '', client ?? '', code ?? ''].filter(Boolean).join(' · ')}</span></span>
                  <span class="muted small" title=${when(e.ts)}>${ago(e.ts, this.now)}</span>
                </li>`;
              })}
            </ul>`
      }
    </section>`;
  }

  #row(p: PresenceEntry): TemplateResult {
    const self = p.deviceId !== undefined && p.deviceId === this.session.deviceId;
    return html`<tr data-presence-key=${presenceKey(p)} data-self=${self ? 'true' : 'false'}>
      <td data-label="Device">
        ${p.host ?? 'unnamed'} ${self ? html`<span class="badge ok">this browser</span>` : nothing}
        <div class="muted">${p.deviceId ? copyable(p.deviceId, 'device id', { shown: shortId(p.deviceId) }) : 'no device identity'}</div>
      </td>
      <td data-label="Client">${p.mode ?? '?'} ${p.platform ? html`<span class="muted">· ${p.platform}</span>` : nothing}
        ${p.version ? html`<div class="muted">v${p.version}</div>` : nothing}</td>
      <td data-label="Roles"><ul class="tags">${(p.roles ?? []).map((r) => html`<li>${r}</li>`)}</ul></td>
      <td data-label="Scopes"><ul class="tags">${(p.scopes ?? []).map((s) => html`<li>${s}</li>`)}</ul></td>
      <td data-label="Address" class="mono">${p.ip ?? ''}</td>
      <td data-label="Online since" title=${when(p.onlineSince)}>${p.onlineSince ? ago(p.onlineSince, this.now) : ''}</td>
    </tr>`;
  }
}

customElements.define('oc-overview', OverviewPage);
