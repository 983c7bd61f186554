import { type ChannelAccountStatus, GatewayRequestError } from '@openclaw/protocol';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { GatewaySession } from '../connection/session.ts';
import { ago, errorText } from '../format.ts';
import {
  type AccountForm,
  accountForm,
  accountIdProblem,
  accountTone,
  credentialsFor,
  newAccountPatch,
  type ProviderChoice,
  providerChoices,
  stateSentence,
} from '../state/add-channel.ts';
import {
  allFields,
  type ConfigField,
  type ConfigIssue,
  type ConfigSection,
  type FieldInput,
  formatValue,
  isPlainObject,
  type JsonSchema,
  parseInput,
  readIssues,
} from '../state/config-form.ts';
import { type FieldHandlers, issueView, renderField } from './config-field.ts';
import { copyable, withCommands } from './copy-button.ts';
import { icon } from './icons.ts';
import './whatsapp-link.ts';

const STATUS_POLL_MS = 1500;

/** "a Slack account", "an iMessage account": by the sound of the name's first letter. */
const article = (label: string) => (/^[aeiou]/i.test(label) ? 'an' : 'a');

/** The account just added, followed until it runs. */
interface Added {
  channel: string;
  label: string;
  accountId: string;
  /** Config keys the gateway applies only after a restart (empty once channels apply live). */
  restartRequired: string[];
  linksByQr: boolean;
}

/**
 * Adding a channel account: pick the provider, fill the form built from its own config schema
 * (credentials first, the rest folded away), save it as one config.patch, then watch the account
 * come up in channels.status until it is running (WhatsApp: link it by QR code first).
 */
export class AddChannel extends LitElement {
  static override properties = {
    session: { attribute: false },
    provider: {},
    choices: { state: true },
    form: { state: true },
    accountId: { state: true },
    inputs: { state: true },
    localErrors: { state: true },
    issues: { state: true },
    error: { state: true },
    saving: { state: true },
    added: { state: true },
    account: { state: true },
  };

  declare session: GatewaySession;
  /** The channel id from the route (`#/channels/add/telegram`); empty to choose one. */
  declare provider: string;
  declare choices: ProviderChoice[] | undefined;
  declare form: AccountForm | undefined;
  declare accountId: string;
  declare inputs: Map<string, FieldInput>;
  declare localErrors: Map<string, string>;
  declare issues: ConfigIssue[] | undefined;
  declare error: string | undefined;
  declare saving: boolean;
  declare added: Added | undefined;
  declare account: ChannelAccountStatus | undefined;
  #schema: JsonSchema = {};
  #hints: Record<string, unknown> = {};
  #config: Record<string, unknown> = {};
  #hash = '';
  #initial = new Map<string, FieldInput>();
  #poll: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.provider = '';
    this.accountId = '';
    this.inputs = new Map();
    this.localErrors = new Map();
    this.saving = false;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#poll);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('provider') && changed.get('provider') !== undefined) {
      this.added = undefined;
      this.account = undefined;
      clearInterval(this.#poll);
      this.#prepareForm();
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A step of the flow is a new page for keyboard and screen-reader users: land on its heading.
    if (changed.has('provider') && changed.get('provider') !== undefined) {
      this.querySelector<HTMLElement>('h1')?.focus();
    }
  }

  async #load(): Promise<void> {
    try {
      const c = this.session.client;
      const [schema, current] = await Promise.all([c.request('config.schema'), c.request('config.get')]);
      this.#schema = schema.schema as JsonSchema;
      this.#hints = schema.uiHints;
      this.#config = current.config;
      this.#hash = current.hash;
      this.choices = providerChoices(this.#schema, this.#config);
      this.#prepareForm();
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  #choice(): ProviderChoice | undefined {
    return this.choices?.find((c) => c.id === this.provider);
  }

  #prepareForm(): void {
    const choice = this.#choice();
    if (!choice) {
      this.form = undefined;
      return;
    }
    this.form = accountForm(this.#schema, choice.id, this.#hints);
    this.accountId = choice.accountIds.length === 0 ? 'default' : '';
    const inputs = new Map<string, FieldInput>();
    for (const f of this.#formFields()) inputs.set(f.path, formatValue(f, undefined));
    this.#initial = new Map(inputs);
    this.inputs = inputs;
    this.localErrors = new Map();
    this.issues = undefined;
  }

  #formFields(): ConfigField[] {
    const f = this.form;
    return f ? [...f.switches, ...f.credentials, ...f.common, ...allFields(f.more)] : [];
  }

  /** The credentials the switches' current inputs (Slack's mode) need, and the others. */
  #credentials(): { needed: ConfigField[]; optional: ConfigField[] } {
    const f = this.form;
    if (!f) return { needed: [], optional: [] };
    return credentialsFor(f, Object.fromEntries(f.switches.map((s) => [s.key, this.inputs.get(s.path)])));
  }

  readonly #on: FieldHandlers = {
    input: (field, value) => {
      this.inputs = new Map(this.inputs).set(field.path, value);
      if (this.localErrors.has(field.path)) {
        const next = new Map(this.localErrors);
        next.delete(field.path);
        this.localErrors = next;
      }
    },
    secret: () => undefined,
  };

  async #submit(e: Event): Promise<void> {
    e.preventDefault();
    const choice = this.#choice();
    if (!choice || !this.form) return;
    const errors = new Map<string, string>();
    const idProblem = accountIdProblem(this.accountId.trim(), choice.accountIds);
    if (idProblem) errors.set('@accountId', idProblem);
    const values = new Map<string, unknown>();
    const needed = new Set(this.#credentials().needed);
    for (const f of this.#formFields()) {
      const input = this.inputs.get(f.path) ?? '';
      if (needed.has(f) && input === '') {
        errors.set(f.path, 'Required: the account cannot connect without it.');
        continue;
      }
      // Only what was filled in is written; the rest keeps its default.
      if (input === this.#initial.get(f.path)) continue;
      const parsed = parseInput(f, input);
      if (!parsed.ok) errors.set(f.path, parsed.error);
      else if (parsed.value !== undefined) values.set(f.path, parsed.value);
    }
    this.localErrors = errors;
    this.issues = undefined;
    if (errors.size > 0) {
      await this.updateComplete;
      this.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const channels = isPlainObject(this.#config.channels) ? this.#config.channels : {};
    const accountId = this.accountId.trim();
    const { patch, path } = newAccountPatch(choice.id, accountId, values, channels[choice.id]);
    this.saving = true;
    try {
      const r = await this.session.client.request('config.patch', {
        raw: JSON.stringify(patch),
        baseHash: this.#hash,
      });
      this.added = {
        channel: choice.id,
        label: choice.label,
        accountId,
        restartRequired: r.restartRequired.filter(
          (p) => p === 'channels' || p.startsWith(`channels.${choice.id}`),
        ),
        linksByQr: choice.linksByQr,
      };
      this.error = undefined;
      this.#startWatching();
      await this.#load();
    } catch (error) {
      if (error instanceof GatewayRequestError && error.detailCode === 'CONFIG_INVALID') {
        // The gateway names full paths; the form's fields are relative to the account.
        this.issues = readIssues({ message: error.message, details: error.details }).map((i) => ({
          ...i,
          path: i.path.startsWith(`${path}.`) ? i.path.slice(path.length + 1) : i.path,
        }));
        await this.updateComplete;
        this.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      } else if (error instanceof GatewayRequestError && error.detailCode === 'CONFIG_CONFLICT') {
        this.error = 'The config changed on the gateway meanwhile; it has been read again. Save once more.';
        await this.#load();
      } else {
        this.error = errorText(error);
      }
    } finally {
      this.saving = false;
    }
  }

  #startWatching(): void {
    clearInterval(this.#poll);
    const read = async () => {
      const a = this.added;
      if (!a || this.session.state.kind !== 'ready') return;
      try {
        const s = await this.session.client.request('channels.status', { channel: a.channel });
        this.account = (s.channelAccounts[a.channel] ?? []).find((x) => x.accountId === a.accountId);
      } catch {
        // The gateway may be restarting to pick the account up; the next read tells.
      }
    };
    void read();
    this.#poll = setInterval(() => void read(), STATUS_POLL_MS);
  }

  async #restartAccount(): Promise<void> {
    const a = this.added;
    if (!a) return;
    try {
      await this.session.client.request(
        'channels.start',
        { channel: a.channel, accountId: a.accountId },
        { timeoutMs: 45_000 },
      );
    } catch (error) {
      this.error = errorText(error);
    }
  }

  protected override render(): TemplateResult {
    const choice = this.#choice();
    return html`
      <header class="page-head">
        <div>
          <p class="crumb"><a href="#/channels">${icon('back')} Channels</a></p>
          <h1 tabindex="-1">${choice ? `Add ${article(choice.label)} ${choice.label} account` : 'Add a channel'}</h1>
          <p class="sub">${
            choice
              ? choice.linksByQr
                ? 'Save the account, then link it by scanning a QR code with the phone.'
                : 'What the account needs comes first; everything else has a working default.'
              : 'Pick the platform the agent should be reachable on.'
          }</p>
        </div>
      </header>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      ${
        !this.choices
          ? html`<p class="muted">Loading…</p>`
          : this.added
            ? this.#status(this.added)
            : choice
              ? this.#form(choice)
              : this.provider
                ? html`<p class="banner bad">This gateway has no channel “${this.provider}”. <a href="#/channels/add">Pick one</a>.</p>`
                : this.#picker()
      }
    `;
  }

  #picker(): TemplateResult {
    return html`<ul class="provider-grid" data-testid="provider-picker">
      ${(this.choices ?? []).map((c) => {
        const needs = this.#needs(c);
        return html`<li>
          <a class="provider" href="#/channels/add/${c.id}" data-provider=${c.id}>
            <span class="provider-mark" aria-hidden="true">${c.label.slice(0, 2)}</span>
            <span class="grow"><span class="title">${c.label}</span>
              <span class="detail">${c.linksByQr ? 'Links as a device by QR code' : needs ? `Needs ${needs}` : 'Ready to configure'}</span></span>
            ${
              c.accountIds.length
                ? html`<span class="badge ok">${c.accountIds.length} ${c.accountIds.length === 1 ? 'account' : 'accounts'}</span>`
                : nothing
            }
          </a>
        </li>`;
      })}
    </ul>`;
  }

  /** What a provider asks for, from its schema's credential marks: "botToken and appToken". */
  #needs(c: ProviderChoice): string {
    const form = accountForm(this.#schema, c.id, this.#hints);
    // What a new account needs with every switch left at its default.
    const creds = credentialsFor(form, {}).needed.map((f) => f.key);
    return creds.length <= 1 ? (creds[0] ?? '') : `${creds.slice(0, -1).join(', ')} and ${creds.at(-1)}`;
  }

  #issuesFor(path: string): ConfigIssue[] {
    return (this.issues ?? []).filter((i) => i.path === path || i.path.startsWith(`${path}.`));
  }

  #field(f: ConfigField, required = false): TemplateResult {
    return renderField(
      f,
      {
        value: this.inputs.get(f.path) ?? '',
        changed: false,
        secretSet: false,
        secretMode: 'replace',
        local: this.localErrors.get(f.path),
        issues: this.#issuesFor(f.path),
      },
      this.#on,
      { required, showPath: false, fresh: true },
    );
  }

  #section(s: ConfigSection): TemplateResult {
    return html`<fieldset data-path=${s.path}>
      <legend>${s.key}</legend>
      ${s.description ? html`<p class="muted small">${s.description}</p>` : nothing}
      ${s.items.map((i) => ('field' in i ? this.#field(i.field) : this.#section(i.section)))}
    </fieldset>`;
  }

  #form(choice: ProviderChoice): TemplateResult {
    const form = this.form;
    if (!form) return html``;
    const idError = this.localErrors.get('@accountId');
    const creds = this.#credentials();
    const known = new Set(this.#formFields().map((f) => f.path));
    const stray = (this.issues ?? []).filter(
      (i) => ![...known].some((p) => i.path === p || i.path.startsWith(`${p}.`)),
    );
    return html`<form class="card add-form" novalidate @submit=${(e: Event) => void this.#submit(e)}
        data-provider=${choice.id} aria-labelledby="add-form-title">
      <h2 id="add-form-title" class="visually-hidden">${choice.label} account</h2>
      ${
        stray.length
          ? html`<div class="banner bad" role="alert">${stray.map((i) => issueView(i))}</div>`
          : nothing
      }
      <div class="field">
        <label for="add-account-id">Account id</label>
        <input id="add-account-id" type="text" autocomplete="off" spellcheck="false" .value=${this.accountId}
          placeholder=${choice.accountIds.length ? 'e.g. support' : 'default'}
          aria-invalid=${idError ? 'true' : 'false'} aria-describedby="add-account-id-hint add-account-id-error"
          @input=${(e: Event) => {
            this.accountId = (e.target as HTMLInputElement).value;
          }} />
        <span id="add-account-id-hint" class="hint">${
          choice.accountIds.length
            ? html`Already configured: ${choice.accountIds.map((a) => html`<code>${a}</code> `)}. The new account keeps
                the keys shared by the channel unless you set them here.`
            : html`<code>default</code> is the usual choice for a first account; it names the account in status and commands.`
        }</span>
        <p id="add-account-id-error" class="field-error">${idError ?? ''}</p>
      </div>
      ${form.switches.map((f) => this.#field(f))}
      ${creds.needed.map((f) => this.#field(f, true))}
      ${creds.optional.map((f) => this.#field(f))}
      ${form.common.map((f) => this.#field(f))}
      <details class="more">
        <summary>More options (${allFields(form.more).length})</summary>
        ${form.more.items.map((i) => ('field' in i ? this.#field(i.field) : this.#section(i.section)))}
      </details>
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Add account'}</button>
        <a href="#/channels/add">Pick another platform</a>
      </div>
    </form>`;
  }

  #status(a: Added): TemplateResult {
    const acct = this.account;
    const state = acct?.healthState ?? (acct ? (acct.running ? 'running' : 'stopped') : undefined);
    const tone = accountTone(state);
    const waitingForRestart = !acct && a.restartRequired.length > 0;
    const needsQr = a.linksByQr && acct !== undefined && state !== 'running';
    return html`<section class="card new-account" aria-labelledby="new-account-title" data-testid="new-account-status"
        data-state=${state ?? 'absent'}>
      <header>
        <span class="dot ${tone}" aria-hidden="true"></span>
        <h2 id="new-account-title">${a.label} · ${copyable(a.accountId, 'account id')}</h2>
        <span class="badge ${tone}" data-testid="new-account-state">${state ?? 'not started'}</span>
      </header>
      <p role="status" class="state-line">${
        state === 'running'
          ? html`<strong>Connected${acct?.self ? html` as ${acct.self.username ? `@${acct.self.username}` : (acct.self.name ?? acct.self.id)}` : nothing}.</strong>
              Messages to it now reach the agent${acct?.dmPolicy === 'pairing' ? '; unknown senders get a pairing code to approve first' : ''}.`
          : waitingForRestart
            ? 'Saved. The gateway picks the account up when it restarts.'
            : stateSentence(state)
      }</p>
      ${
        waitingForRestart
          ? html`<div class="callout warn" data-testid="restart-needed">
              <p>This gateway starts new channel accounts at start-up. Restart it the way it runs:</p>
              <p>as the installed service: ${copyable('systemctl --user restart openclaw-gateway.service', 'restart command')}</p>
              <p>or stop it and run it again: ${copyable('openclaw gateway stop', 'stop command')} then ${copyable('openclaw gateway run', 'run command')}</p>
              <p class="muted small">This page keeps watching and turns green once the account is connected.</p>
            </div>`
          : nothing
      }
      ${acct?.lastError && state !== 'running' ? html`<p class="error" data-testid="new-account-error">${acct.lastError}</p>` : nothing}
      ${acct?.action ? html`<p class="error">To do: ${withCommands(acct.action)}</p>` : nothing}
      ${
        acct?.lastInboundAt
          ? html`<p class="muted small">Last message in ${ago(acct.lastInboundAt)}.</p>`
          : nothing
      }
      ${needsQr ? html`<oc-whatsapp-link .session=${this.session} .accountId=${a.accountId}></oc-whatsapp-link>` : nothing}
      <div class="actions">
        ${
          state === 'needs-action' || state === 'failed' || state === 'backoff'
            ? html`<button type="button" @click=${() => void this.#restartAccount()}>Try again</button>
                <a href="#/config/${encodeURIComponent(`channels.${a.channel}`)}">Fix it in Config</a>`
            : nothing
        }
        <a class="button-link ${state === 'running' ? 'primary' : ''}" href="#/channels">${state === 'running' ? 'Done' : 'Back to channels'}</a>
      </div>
    </section>`;
  }
}

customElements.define('oc-add-channel', AddChannel);
