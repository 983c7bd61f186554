import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { GatewaySession, SecretKind } from '../connection/session.ts';
import { shortId } from '../format.ts';
import { copyable } from './copy-button.ts';

/**
 * Everything before the gateway says hello: the insecure-origin explanation, the one-time
 * token/password form, "waiting for approval" with the exact CLI command, and connection errors.
 */
export class ConnectScreen extends LitElement {
  static override properties = {
    session: { attribute: false },
    /** The session state this render is for (passed in so a change re-renders). */
    state: { attribute: false },
    kind: { state: true },
  };

  declare session: GatewaySession;
  declare state: GatewaySession['state'];
  declare kind: SecretKind;

  constructor() {
    super();
    this.kind = 'token';
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  #submit(e: SubmitEvent): void {
    e.preventDefault();
    const secret = String(new FormData(e.currentTarget as HTMLFormElement).get('secret') ?? '');
    if (secret) this.session.submitSecret(this.kind, secret);
  }

  protected override render(): TemplateResult {
    const s = this.state ?? this.session.state;
    switch (s.kind) {
      case 'starting':
        return this.#panel('Starting', html`<p>Preparing this browser's device identity…</p>`);
      case 'connecting':
        return this.#panel('Connecting', html`<p>Connecting to <code>${this.session.url}</code>…</p>`);
      case 'insecure':
        return this.#panel(
          'This page needs a secure origin',
          html`<p data-testid="insecure-problem">${s.verdict.problem}</p>
            <h2>What to do</h2>
            <ol>
              <li>
                <p>Reach the gateway through an SSH tunnel, so the page is served from loopback. On this computer run:</p>
                ${copyable(s.verdict.tunnelCommand, 'tunnel command', { testId: 'tunnel-command', block: true })}
                <p>then open <a href=${s.verdict.tunnelUrl}>${s.verdict.tunnelUrl}</a>.</p>
              </li>
              <li>
                <p>Or serve the gateway over HTTPS: set <code>gateway.tls.certPath</code> and <code>gateway.tls.keyPath</code>,
                  or put it behind an HTTPS reverse proxy (list that origin in <code>gateway.allowedOrigins</code>).</p>
              </li>
              <li><p>On the gateway machine itself, <code>http://127.0.0.1:${location.port || '18789'}/</code> works as is.</p></li>
            </ol>`,
        );
      case 'unsupported':
        return this.#panel('This browser cannot pair', html`<p role="alert">${s.message}</p>`);
      case 'credentials':
        return this.#credentials(s.message);
      case 'pairing':
        return this.#panel(
          'Waiting for approval',
          html`<p>This browser asked to pair with the gateway as device ${copyable(s.deviceId, 'device id', { shown: shortId(s.deviceId) })}.
              An operator has to approve it once. On a paired computer run:</p>
            ${copyable(`openclaw devices approve ${s.requestId}`, 'approve command', { testId: 'approve-command', block: true })}
            <p>or approve request ${copyable(s.requestId, 'request id', { testId: 'request-id' })} on the Devices page (or the Overview) of a Control UI that is already paired.</p>
            <p class="muted" role="status">Checking again every few seconds; this page continues on its own once approved.</p>
            <div class="actions">
              <button type="button" @click=${() => this.session.retryNow()}>Check now</button>
              <button type="button" @click=${() => void this.session.signOut()}>Use a different credential</button>
            </div>`,
        );
      case 'unreachable':
        return this.#panel(
          'Gateway unreachable',
          html`<p role="alert">${s.message}</p>
            <button type="button" @click=${() => this.session.retryNow()}>Retry now</button>`,
        );
      case 'failed':
        return this.#panel(
          'Cannot connect',
          html`<p role="alert">${s.message}</p>
            <div class="actions">
              <button type="button" @click=${() => this.session.retryNow()}>Retry</button>
              <button type="button" @click=${() => void this.session.signOut()}>Use a different credential</button>
            </div>`,
        );
      default:
        return html``;
    }
  }

  #panel(title: string, body: TemplateResult): TemplateResult {
    return html`<div class="connect">
      <p class="brand"><span class="brand-mark" aria-hidden="true"></span>OpenClaw <span class="brand-sub">Control</span></p>
      <div class="panel" data-testid="connect-state" data-state=${this.session.state.kind}>
        <h1 tabindex="-1">${title}</h1>
        ${body}
      </div>
    </div>`;
  }

  #credentials(message: string | undefined): TemplateResult {
    const key = this.session.key;
    const label = this.kind === 'token' ? 'Gateway token' : 'Gateway password';
    return this.#panel(
      'Connect to the gateway',
      html`<form @submit=${(e: SubmitEvent) => this.#submit(e)}>
          <fieldset>
            <legend>The gateway authenticates with a</legend>
            <div class="actions">
              <input type="radio" id="kind-token" name="kind" value="token" .checked=${this.kind === 'token'}
                @change=${() => (this.kind = 'token')} />
              <label for="kind-token">token</label>
              <input type="radio" id="kind-password" name="kind" value="password" .checked=${this.kind === 'password'}
                @change=${() => (this.kind = 'password')} />
              <label for="kind-password">password</label>
            </div>
          </fieldset>
          <div class="field">
            <label for="secret">${label}</label>
            <input id="secret" name="secret" type="password" autocomplete="off" required autofocus
              aria-invalid=${message ? 'true' : 'false'} aria-describedby="secret-hint secret-error" />
            <span id="secret-hint" class="hint">
              ${
                this.kind === 'token'
                  ? html`On the gateway host, ${copyable('openclaw gateway token', 'command')} prints it.`
                  : html`The <code>auth.password</code> the gateway was started with.`
              }
              It is used once, to pair this browser; after that the browser keeps its own device token and this page does not store the ${this.kind}.
            </span>
            <p id="secret-error" class="field-error" role="alert">${message ?? ''}</p>
          </div>
          <button type="submit" class="primary">Connect</button>
        </form>
        ${
          key
            ? html`<p class="muted">
              This browser's device id: ${copyable(key.identity.deviceId, 'device id', { shown: shortId(key.identity.deviceId) })}
              (Ed25519 key in ${key.storage === 'indexeddb' ? 'IndexedDB' : 'localStorage'},
              ${key.extractable ? 'exportable' : 'not extractable'}).
            </p>`
            : nothing
        }`,
    );
  }
}

customElements.define('oc-connect', ConnectScreen);
