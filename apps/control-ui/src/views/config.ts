import { GatewayRequestError } from '@openclaw/protocol';
import { html, nothing, type TemplateResult } from 'lit';
import { errorText } from '../format.ts';
import {
  buildPatch,
  type ConfigField,
  type ConfigIssue,
  type ConfigSection,
  describeConfig,
  type FieldInput,
  formatValue,
  type JsonSchema,
  type PlacedIssues,
  parseInput,
  placeIssues,
  secretIsSet,
  valueAt,
} from '../state/config-form.ts';
import { Page } from './page.ts';

const fieldId = (path: string) => `cfg-${path.replace(/[^\w-]/g, '_')}`;

/**
 * The gateway config as a form built from config.schema: edit, save as a merge patch of what
 * changed (config.patch with the revision it was read at), and see each validation error next to
 * the field the gateway's error path names.
 */
export class ConfigPage extends Page {
  static override properties = {
    ...Page.properties,
    layout: { state: true },
    inputs: { state: true },
    localErrors: { state: true },
    issues: { state: true },
    error: { state: true },
    notice: { state: true },
    saving: { state: true },
  };

  declare layout: ConfigSection | undefined;
  declare inputs: Map<string, FieldInput>;
  declare localErrors: Map<string, string>;
  declare issues: PlacedIssues | undefined;
  declare error: string | undefined;
  declare notice: string | undefined;
  declare saving: boolean;
  #config: Record<string, unknown> = {};
  #hash = '';
  #path = '';
  #touched = new Set<string>();

  constructor() {
    super();
    this.inputs = new Map();
    this.localErrors = new Map();
    this.saving = false;
  }

  protected override async reload(): Promise<void> {
    // A reconnect must not wipe edits in progress.
    if (this.#touched.size > 0 && this.layout) return;
    await this.#load();
  }

  async #load(): Promise<void> {
    try {
      const c = this.session.client;
      const [schema, current] = await Promise.all([c.request('config.schema'), c.request('config.get')]);
      const layout = describeConfig(schema.schema as JsonSchema, schema.uiHints);
      this.#config = current.config;
      this.#hash = current.hash;
      this.#path = current.path;
      const inputs = new Map<string, FieldInput>();
      const fill = (s: ConfigSection) => {
        for (const f of s.fields) inputs.set(f.path, formatValue(f, valueAt(current.config, f.path)));
        for (const c2 of s.sections) fill(c2);
      };
      fill(layout);
      this.#touched.clear();
      this.inputs = inputs;
      this.layout = layout;
      this.localErrors = new Map();
      this.issues = undefined;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  #edit(field: ConfigField, value: FieldInput): void {
    this.#touched.add(field.path);
    this.inputs = new Map(this.inputs).set(field.path, value);
    if (this.localErrors.has(field.path)) {
      const next = new Map(this.localErrors);
      next.delete(field.path);
      this.localErrors = next;
    }
  }

  #fields(): ConfigField[] {
    const out: ConfigField[] = [];
    const walk = (s: ConfigSection) => {
      out.push(...s.fields);
      s.sections.forEach(walk);
    };
    if (this.layout) walk(this.layout);
    return out;
  }

  async #save(e: Event): Promise<void> {
    e.preventDefault();
    const layout = this.layout;
    if (!layout) return;
    const edits = new Map<string, unknown>();
    const localErrors = new Map<string, string>();
    for (const f of this.#fields()) {
      if (!this.#touched.has(f.path)) continue;
      const input = this.inputs.get(f.path) ?? '';
      // An untouched-looking secret (left empty) keeps its value.
      if (f.sensitive && input === '') continue;
      const parsed = parseInput(f, input);
      if (parsed.ok) edits.set(f.path, parsed.value);
      else localErrors.set(f.path, parsed.error);
    }
    this.localErrors = localErrors;
    this.issues = undefined;
    this.notice = undefined;
    if (localErrors.size > 0) {
      this.error = 'Fix the highlighted fields first.';
      await this.#focusFirstError();
      return;
    }
    const patch = buildPatch(this.#config, edits);
    if (!patch) {
      this.error = undefined;
      this.notice = 'Nothing changed.';
      return;
    }
    this.saving = true;
    try {
      const r = await this.session.client.request('config.patch', {
        raw: JSON.stringify(patch),
        baseHash: this.#hash,
      });
      await this.#load();
      this.notice = [
        'Saved.',
        r.applied.length ? `Applied now: ${r.applied.join(', ')}.` : '',
        r.restartRequired.length ? `Takes effect after a restart: ${r.restartRequired.join(', ')}.` : '',
      ]
        .filter(Boolean)
        .join(' ');
    } catch (error) {
      if (error instanceof GatewayRequestError && error.detailCode === 'CONFIG_INVALID') {
        this.issues = placeIssues(layout, { message: error.message, details: error.details });
        this.error = 'The gateway did not accept this config; see the messages next to the fields.';
        await this.#focusFirstError();
      } else if (error instanceof GatewayRequestError && error.detailCode === 'CONFIG_CONFLICT') {
        this.error =
          'The config changed on the gateway since this page loaded it. Reload to see the new version (your edits will be lost).';
      } else {
        this.error = errorText(error);
      }
    } finally {
      this.saving = false;
    }
  }

  async #focusFirstError(): Promise<void> {
    await this.updateComplete;
    this.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  protected override render(): TemplateResult {
    const layout = this.layout;
    return html`
      <h1 tabindex="-1">Config</h1>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      ${
        this.issues?.general.length
          ? html`<ul class="banner bad" role="alert">${this.issues.general.map((i) => html`<li>${this.#issueText(i)}</li>`)}</ul>`
          : nothing
      }
      <p role="status" class="muted">${this.notice ?? ''}</p>
      ${
        !layout
          ? html`<p class="muted">Loading…</p>`
          : html`<form @submit=${(e: Event) => this.#save(e)} novalidate>
            <div class="toolbar">
              <span class="grow muted">File <code>${this.#path}</code> · revision <code>${this.#hash}</code></span>
              <button type="button" @click=${() => this.#load()} ?disabled=${this.saving}>Reload</button>
              <button type="submit" class="primary" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save'}</button>
            </div>
            <p class="muted">Only the fields you change are written (a merge patch); empty fields go back to their defaults. Secrets are never shown, only whether they are set; leave one empty to keep it.</p>
            ${layout.items.map((i) => ('field' in i ? this.#field(i.field) : this.#section(i.section)))}
            <div class="actions">
              <button type="submit" class="primary" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save'}</button>
            </div>
          </form>`
      }
    `;
  }

  #issueText(i: ConfigIssue): TemplateResult {
    return html`${i.path ? html`<code class="issue-path">${i.path}</code> ` : nothing}${i.message}`;
  }

  #section(s: ConfigSection): TemplateResult {
    const issues = this.issues?.byPath.get(s.path);
    return html`<fieldset data-path=${s.path}>
      <legend>${s.key}</legend>
      ${s.description ? html`<p class="muted">${s.description}</p>` : nothing}
      ${issues ? html`<div class="field-error" role="alert">${issues.map((i) => html`<p>${this.#issueText(i)}</p>`)}</div>` : nothing}
      ${s.items.map((i) => ('field' in i ? this.#field(i.field) : this.#section(i.section)))}
    </fieldset>`;
  }

  #field(f: ConfigField): TemplateResult {
    const id = fieldId(f.path);
    const value = this.inputs.get(f.path) ?? '';
    const local = this.localErrors.get(f.path);
    const server = this.issues?.byPath.get(f.path);
    const invalid = local !== undefined || server !== undefined;
    const describedBy = `${id}-hint ${id}-error`;
    const hint = html`<span id="${id}-hint" class="hint">
      ${f.description ?? ''}${f.minimum !== undefined ? ` Minimum ${f.minimum}.` : ''}${f.maximum !== undefined ? ` Maximum ${f.maximum}.` : ''}
      <code>${f.path}</code>
    </span>`;
    const error = html`<div id="${id}-error" class="field-error" data-testid="field-error">
      ${local ? html`<p>${local}</p>` : nothing}
      ${server?.map((i) => html`<p>${this.#issueText(i)}</p>`) ?? nothing}
    </div>`;
    const onText = (e: Event) => this.#edit(f, (e.target as HTMLInputElement | HTMLTextAreaElement).value);
    let control: TemplateResult;
    switch (f.kind) {
      case 'boolean':
        return html`<div class="field checkbox" data-path=${f.path}>
          <input id=${id} type="checkbox" .checked=${value === true} aria-invalid=${invalid ? 'true' : 'false'}
            aria-describedby=${describedBy} @change=${(e: Event) => this.#edit(f, (e.target as HTMLInputElement).checked)} />
          <label for=${id}>${f.key}</label>
          ${hint} ${error}
        </div>`;
      case 'enum':
        control = html`<select id=${id} aria-invalid=${invalid ? 'true' : 'false'} aria-describedby=${describedBy}
          @change=${(e: Event) => this.#edit(f, (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${value === ''}>(default)</option>
          ${(f.options ?? []).map((o) => html`<option value=${o} ?selected=${o === value}>${o}</option>`)}
        </select>`;
        break;
      case 'list':
      case 'json':
        control = html`<textarea id=${id} class="mono" spellcheck="false" .value=${String(value)}
          aria-invalid=${invalid ? 'true' : 'false'} aria-describedby=${describedBy} @input=${onText}></textarea>`;
        break;
      default: {
        const set = f.sensitive && secretIsSet(valueAt(this.#config, f.path));
        const placeholder = !f.sensitive ? '' : set ? '(set — type to replace)' : '(not set)';
        control = html`<input id=${id} type=${f.sensitive ? 'password' : 'text'} inputmode=${f.kind === 'integer' || f.kind === 'number' ? 'numeric' : 'text'}
          autocomplete=${f.sensitive ? 'new-password' : 'off'} .value=${String(value)} placeholder=${placeholder}
          aria-invalid=${invalid ? 'true' : 'false'} aria-describedby=${describedBy} @input=${onText} />
          ${f.sensitive ? html`<span class="secret-state" data-testid="secret-state" data-set=${set ? 'true' : 'false'}>${set ? 'set' : 'not set'}</span>` : nothing}`;
      }
    }
    return html`<div class="field" data-path=${f.path}>
      <label for=${id}>${f.key}${f.kind === 'list' ? html` <span class="muted">(one per line)</span>` : nothing}</label>
      ${control} ${hint} ${error}
    </div>`;
  }
}

customElements.define('oc-config', ConfigPage);
