import type { NodeInfo, NodeInvokeResult, PendingNodeRequest } from '@openclaw/protocol';
import { html, nothing, type TemplateResult } from 'lit';
import { ago, errorText, randomId, shortId, when } from '../format.ts';
import { startNodeCommand } from '../state/start-node-command.ts';
import { copyable } from './copy-button.ts';
import { debounce, Page } from './page.ts';

const tags = (items: readonly string[]) =>
  items.length
    ? html`<ul class="tags">${items.map((i) => html`<li>${i}</li>`)}</ul>`
    : html`<span class="muted">none</span>`;

/** Nodes with their capabilities and approval state, node approvals, and running a command. */
export class NodesPage extends Page {
  static override properties = {
    ...Page.properties,
    nodes: { state: true },
    pending: { state: true },
    error: { state: true },
    notice: { state: true },
    target: { state: true },
    command: { state: true },
    params: { state: true },
    paramsError: { state: true },
    invoking: { state: true },
    result: { state: true },
    invokeError: { state: true },
  };

  declare nodes: NodeInfo[];
  declare pending: PendingNodeRequest[];
  declare error: string | undefined;
  declare notice: string | undefined;
  declare target: string;
  declare command: string;
  declare params: string;
  declare paramsError: string | undefined;
  declare invoking: boolean;
  declare result: NodeInvokeResult | undefined;
  declare invokeError: string | undefined;
  readonly #reloadSoon = debounce(() => void this.reload(), 250);

  constructor() {
    super();
    this.nodes = [];
    this.pending = [];
    this.target = '';
    this.command = '';
    this.params = '{}';
    this.invoking = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#reloadSoon.cancel();
  }

  protected override subscribe(): (() => void)[] {
    return [
      this.session.on('node.pair.requested', () => this.#reloadSoon()),
      this.session.on('node.pair.resolved', () => this.#reloadSoon()),
      this.session.on('presence', () => this.#reloadSoon()),
    ];
  }

  protected override async reload(): Promise<void> {
    try {
      const c = this.session.client;
      const [list, pairs] = await Promise.all([c.request('node.list'), c.request('node.pair.list')]);
      this.nodes = list.nodes;
      this.pending = pairs.pending;
      const invokable = this.nodes.filter((n) => n.connected && n.approvedCommands.length > 0);
      if (!this.nodes.some((n) => n.nodeId === this.target)) this.target = invokable[0]?.nodeId ?? '';
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async #decide(p: PendingNodeRequest, approve: boolean): Promise<void> {
    try {
      if (approve) {
        const r = await this.session.client.request('node.pair.approve', { requestId: p.requestId });
        this.notice = `Approved ${r.approvedCommands.length} commands on ${p.displayName ?? shortId(p.nodeId)}.`;
      } else {
        await this.session.client.request('node.pair.reject', { requestId: p.requestId });
        this.notice = `Rejected the request of ${p.displayName ?? shortId(p.nodeId)}.`;
      }
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
    await this.reload();
  }

  async #invoke(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const timeoutMs = Number(new FormData(form).get('timeout') ?? 30000);
    let params: unknown;
    try {
      params = this.params.trim() ? JSON.parse(this.params) : undefined;
      this.paramsError = undefined;
    } catch (error) {
      this.paramsError = `Not valid JSON: ${(error as Error).message}`;
      form.querySelector<HTMLTextAreaElement>('#invoke-params')?.focus();
      return;
    }
    this.invoking = true;
    this.result = undefined;
    this.invokeError = undefined;
    try {
      this.result = await this.session.client.request(
        'node.invoke',
        {
          nodeId: this.target,
          command: this.command,
          ...(params === undefined ? {} : { params }),
          timeoutMs,
          idempotencyKey: randomId(),
        },
        { timeoutMs: timeoutMs + 5000 },
      );
    } catch (error) {
      this.invokeError = errorText(error);
    } finally {
      this.invoking = false;
    }
  }

  protected override render(): TemplateResult {
    const node = this.nodes.find((n) => n.nodeId === this.target);
    return html`
      <header class="page-head">
        <div>
          <h1 tabindex="-1">Nodes</h1>
          <p class="sub">Machines that run commands for the agent, what they may run, and a way to try one.</p>
        </div>
      </header>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      <p class=${this.notice ? 'banner ok' : 'visually-hidden'} role="status">${this.notice ?? ''}</p>

      ${
        this.pending.length
          ? html`<h2 id="node-pending">Commands waiting for approval</h2>
            <div class="table-wrap">
              <table aria-labelledby="node-pending">
                <thead><tr><th scope="col">Node</th><th scope="col">New commands</th><th scope="col">Caps</th><th scope="col">Decision</th></tr></thead>
                <tbody>
                  ${this.pending.map(
                    (p) => html`<tr data-request-id=${p.requestId}>
                      <td data-label="Node">${p.displayName ?? 'node'} ${p.isRepair ? html`<span class="badge warn">more</span>` : nothing}
                        <div class="muted">${copyable(p.nodeId, 'node id', { shown: shortId(p.nodeId) })}</div></td>
                      <td data-label="New commands">${tags(p.newCommands)}</td>
                      <td data-label="Caps">${tags(p.caps)}</td>
                      <td data-label="Decision" class="actions">
                        <button type="button" class="primary" aria-label=${`Approve commands of ${p.displayName ?? shortId(p.nodeId)}`} @click=${() => this.#decide(p, true)}>Approve</button>
                        <button type="button" aria-label=${`Reject commands of ${p.displayName ?? shortId(p.nodeId)}`} @click=${() => this.#decide(p, false)}>Reject</button>
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : nothing
      }

      <h2 id="node-list">Nodes <span class="badge">${this.nodes.length}</span></h2>
      ${
        this.nodes.length === 0
          ? html`<div class="card empty-state" data-testid="no-nodes">
              <p><strong>No node has connected yet.</strong> Start one on the gateway host, from the repository:</p>
              ${copyable(startNodeCommand(location), 'command', { testId: 'start-node', block: true })}
              <p class="muted">or connect any OpenClaw node: it shows up here, waiting for approval.</p>
            </div>`
          : html`<div class="table-wrap">
        <table aria-labelledby="node-list" data-testid="nodes">
          <thead>
            <tr><th scope="col">Node</th><th scope="col">State</th><th scope="col">Capabilities</th><th scope="col">Approved commands</th><th scope="col">Pending / denied</th></tr>
          </thead>
          <tbody>
            ${this.nodes.map(
              (n) => html`<tr data-node-id=${n.nodeId}>
                    <td data-label="Node">${n.displayName ?? 'node'}<div class="muted">${copyable(n.nodeId, 'node id', { shown: shortId(n.nodeId) })}</div>
                      <div class="muted">${[n.platform, n.version].filter(Boolean).join(' · ')}</div></td>
                    <td data-label="State">
                      ${n.connected ? html`<span class="badge ok">online</span>` : html`<span class="badge">offline</span>`}
                      <span class="badge ${n.approval === 'approved' ? 'ok' : n.approval === 'rejected' ? 'bad' : 'warn'}">${n.approval}</span>
                      <div class="muted" title=${when(n.lastSeenAtMs)}>${n.lastSeenAtMs ? `seen ${ago(n.lastSeenAtMs)}` : ''}</div>
                    </td>
                    <td data-label="Capabilities">${tags(n.caps)}</td>
                    <td data-label="Approved commands">${tags(n.approvedCommands)}</td>
                    <td data-label="Pending / denied">${tags(n.pendingCommands)} ${n.deniedCommands.length ? html`<div class="error">denied: ${n.deniedCommands.join(', ')}</div>` : nothing}</td>
                  </tr>`,
            )}
          </tbody>
        </table>
      </div>`
      }

      <h2 id="invoke-heading">Run a command</h2>
      <form class="panel" aria-labelledby="invoke-heading" @submit=${(e: SubmitEvent) => this.#invoke(e)}>
        <div class="field">
          <label for="invoke-node">Node</label>
          <select id="invoke-node" .value=${this.target} @change=${(e: Event) => (this.target = (e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${this.target === ''}>Choose a node</option>
            ${this.nodes.map(
              (n) => html`<option value=${n.nodeId} ?selected=${n.nodeId === this.target}>
                ${n.displayName ?? shortId(n.nodeId)}${n.connected ? '' : ' (offline)'}
              </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="invoke-command">Command</label>
          <input id="invoke-command" list="invoke-commands" required autocomplete="off" .value=${this.command}
            @input=${(e: Event) => (this.command = (e.target as HTMLInputElement).value)} aria-describedby="invoke-command-hint" />
          <datalist id="invoke-commands">${(node?.approvedCommands ?? []).map((c) => html`<option value=${c}></option>`)}</datalist>
          <span id="invoke-command-hint" class="hint">Only approved commands run: ${node ? node.approvedCommands.join(', ') || 'none yet' : 'choose a node'}.</span>
        </div>
        <div class="field">
          <label for="invoke-params">Params (JSON)</label>
          <textarea id="invoke-params" spellcheck="false" class="mono" .value=${this.params}
            aria-invalid=${this.paramsError ? 'true' : 'false'} aria-describedby="invoke-params-error"
            @input=${(e: Event) => (this.params = (e.target as HTMLTextAreaElement).value)}></textarea>
          <p id="invoke-params-error" class="field-error">${this.paramsError ?? ''}</p>
        </div>
        <div class="field">
          <label for="invoke-timeout">Timeout (ms)</label>
          <input id="invoke-timeout" name="timeout" type="number" min="0" max="600000" value="30000" />
        </div>
        <button type="submit" class="primary" ?disabled=${this.invoking || !this.target || !this.command}>
          ${this.invoking ? 'Running…' : 'Invoke'}
        </button>
      </form>
      <div aria-live="polite" data-testid="invoke-result">
        ${this.invokeError ? html`<p class="banner bad" role="alert">${this.invokeError}</p>` : nothing}
        ${
          this.result
            ? html`<h3>${this.result.ok ? 'Result' : 'The node reported an error'} <span class="muted">(${this.result.durationMs} ms)</span></h3>
              <pre>${JSON.stringify(this.result.ok ? (this.result.payload ?? null) : this.result.error, null, 2)}</pre>`
            : nothing
        }
      </div>
    `;
  }
}

customElements.define('oc-nodes', NodesPage);
