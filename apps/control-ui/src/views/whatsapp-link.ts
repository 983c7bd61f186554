import type { WebLoginState } from '@openclaw/protocol';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { GatewaySession } from '../connection/session.ts';
import { errorText } from '../format.ts';
import { copyable } from './copy-button.ts';

/**
 * Linking a WhatsApp account as a device: web.login.start for the account, then the QR code as
 * it rotates (web.login events), until the phone has scanned it.
 */
export class WhatsAppLink extends LitElement {
  static override properties = {
    session: { attribute: false },
    accountId: {},
    login: { state: true },
    error: { state: true },
    starting: { state: true },
  };

  declare session: GatewaySession;
  declare accountId: string;
  declare login: WebLoginState | undefined;
  declare error: string | undefined;
  declare starting: boolean;
  #off: (() => void) | undefined;

  constructor() {
    super();
    this.accountId = 'default';
    this.starting = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#off = this.session.on('web.login', (state) => {
      if (state.accountId === this.accountId) this.login = state;
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#off?.();
  }

  async #start(): Promise<void> {
    this.starting = true;
    this.error = undefined;
    try {
      this.login = await this.session.client.request(
        'web.login.start',
        { accountId: this.accountId },
        { timeoutMs: 45_000 },
      );
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.starting = false;
    }
  }

  protected override render(): TemplateResult {
    const l = this.login;
    const showing = l?.status === 'qr' && l.qrDataUrl;
    const command = `openclaw channels login whatsapp${this.accountId === 'default' ? '' : ` --account ${this.accountId}`}`;
    return html`<div class="wa-link" data-testid="whatsapp-linking">
      ${
        showing
          ? html`<img class="qr" src=${l.qrDataUrl!} data-qr=${l.qr ?? ''} alt="WhatsApp linking QR code" />`
          : nothing
      }
      <div class="wa-steps">
        <ol>
          <li>On the phone, open WhatsApp → Settings → Linked devices → Link a device.</li>
          <li>Scan the code${showing ? '' : ' this page shows'}. It changes every few seconds; the newest one is always here.</li>
        </ol>
        ${
          l
            ? html`<p role="status" data-testid="whatsapp-login-status" data-status=${l.status}>
                <strong>${l.status === 'qr' ? 'Waiting for the scan…' : l.status}</strong>${
                  l.message && l.status !== 'qr' ? html` ${l.message}` : nothing
                }
              </p>`
            : nothing
        }
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${
          l?.status === 'linked'
            ? nothing
            : html`<button type="button" class=${l ? '' : 'primary'} ?disabled=${this.starting} @click=${() => void this.#start()}>
                ${l ? 'Show a new code' : 'Show the QR code'}
              </button>`
        }
        <p class="muted small">Or on the gateway host: ${copyable(command, 'command')}</p>
      </div>
    </div>`;
  }
}

customElements.define('oc-whatsapp-link', WhatsAppLink);
