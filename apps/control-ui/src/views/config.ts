import { GatewayRequestError } from '@openclaw/protocol';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { errorText } from '../format.ts';
import {
  allFields,
  buildPatch,
  type ConfigChange,
  type ConfigField,
  type ConfigIssue,
  type ConfigSection,
  describeChanges,
  describeConfig,
  type FieldInput,
  formatValue,
  type JsonSchema,
  ownerOf,
  type PlacedIssues,
  parseInput,
  placeIssues,
  searchFields,
  secretIsSet,
  valueAt,
} from '../state/config-form.ts';
import { type FieldHandlers, fieldId, issueView, renderField, type SecretMode } from './config-field.ts';
import { copyable } from './copy-button.ts';
import { icon } from './icons.ts';
import { Page } from './page.ts';

const PATCH_ENTRY = '@patch';
const SEARCH_LIMIT = 60;

/** A config section in the page's navigation: a top-level key, or one channel. */
interface NavEntry {
  path: string;
  label: string;
  group: 'Gateway' | 'Channels' | 'Advanced';
  section: ConfigSection | undefined;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The navigation entry a config path is shown under: `channels.telegram.…` → `channels.telegram`. */
function entryOf(path: string): string {
  const [first = '', second] = path.split('.');
  return first === 'channels' && second ? `channels.${second}` : first;
}

/**
 * The gateway config as a form built from config.schema: one section at a time with
 * navigation and a search across every field; each field with its description, allowed values,
 * range and default; secrets as set/unset with replace and remove (never their value); a review
 * of every change before it is saved (config.patch with the revision it was read at); and the
 * gateway's errors next to their fields with the allowed values and the key probably meant.
 */
export class ConfigPage extends Page {
  static override properties = {
    ...Page.properties,
    layout: { state: true },
    inputs: { state: true },
    secretModes: { state: true },
    localErrors: { state: true },
    issues: { state: true },
    error: { state: true },
    notice: { state: true },
    saving: { state: true },
    query: { state: true },
    review: { state: true },
    patchText: { state: true },
  };

  declare layout: ConfigSection | undefined;
  declare inputs: Map<string, FieldInput>;
  declare secretModes: Map<string, SecretMode>;
  declare localErrors: Map<string, string>;
  declare issues: PlacedIssues | undefined;
  declare error: string | undefined;
  declare notice: TemplateResult | string | undefined;
  declare saving: boolean;
  declare query: string;
  declare review: ConfigChange[] | undefined;
  declare patchText: string;
  #config: Record<string, unknown> = {};
  #schema: JsonSchema = {};
  #hints: Record<string, unknown> = {};
  #initial = new Map<string, FieldInput>();
  #hash = '';
  #path = '';
  #pendingPatch: Record<string, unknown> | undefined;
  #focusAfterRender: string | undefined;

  constructor() {
    super();
    this.inputs = new Map();
    this.secretModes = new Map();
    this.localErrors = new Map();
    this.saving = false;
    this.query = '';
    this.patchText = '';
  }

  /** The selected navigation entry, from the route (`#/config/limits`). */
  get current(): string {
    return this.route ? decodeURIComponent(this.route) : 'gateway';
  }

  get dirty(): boolean {
    return this.#editedPaths().length > 0;
  }

  protected override async reload(): Promise<void> {
    // A reconnect must not wipe edits in progress.
    if (this.dirty && this.layout) return;
    await this.#load();
  }

  async #load(): Promise<void> {
    try {
      const c = this.session.client;
      const [schema, current] = await Promise.all([c.request('config.schema'), c.request('config.get')]);
      this.#schema = schema.schema as JsonSchema;
      this.#hints = schema.uiHints;
      this.#config = current.config;
      this.#hash = current.hash;
      this.#path = current.path;
      const layout = describeConfig(this.#schema, this.#hints, current.config);
      const inputs = new Map<string, FieldInput>();
      for (const f of allFields(layout)) inputs.set(f.path, formatValue(f, valueAt(current.config, f.path)));
      this.#initial = new Map(inputs);
      this.inputs = inputs;
      this.secretModes = new Map();
      this.layout = layout;
      this.localErrors = new Map();
      this.issues = undefined;
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  #fields(): ConfigField[] {
    return this.layout ? allFields(this.layout) : [];
  }

  /** Paths edited since loading: typed text that differs, or a secret marked to replace or remove. */
  #editedPaths(): string[] {
    const out: string[] = [];
    for (const f of this.#fields()) {
      if (f.sensitive) {
        const mode = this.secretModes.get(f.path);
        if (mode === 'remove' || (mode === 'replace' && this.inputs.get(f.path))) out.push(f.path);
      } else if (this.inputs.get(f.path) !== this.#initial.get(f.path)) {
        out.push(f.path);
      }
    }
    return out;
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
    secret: (field, mode) => {
      const modes = new Map(this.secretModes);
      if (mode === 'keep') modes.delete(field.path);
      else modes.set(field.path, mode);
      this.secretModes = modes;
      this.inputs = new Map(this.inputs).set(field.path, '');
      this.#focusAfterRender = field.path;
    },
    jump: (path) => this.#jump(path),
    undo: (field) => {
      this.inputs = new Map(this.inputs).set(field.path, this.#initial.get(field.path) ?? '');
      const modes = new Map(this.secretModes);
      modes.delete(field.path);
      this.secretModes = modes;
    },
  };

  /** Show the section holding `path` (or the nearest field above it) and put focus on it. */
  #jump(path: string): void {
    const layout = this.layout;
    if (!layout) return;
    const owner = ownerOf(layout, path) || path;
    this.query = '';
    this.#focusAfterRender = owner;
    const entry = entryOf(owner);
    if (entry !== this.current) location.hash = `#/config/${encodeURIComponent(entry)}`;
    else this.requestUpdate();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const path = this.#focusAfterRender;
    if (!path) return;
    const el = this.querySelector<HTMLElement>(`#${fieldId(path)}`);
    if (!el) return;
    this.#focusAfterRender = undefined;
    el.scrollIntoView({ block: 'center' });
    el.focus();
  }

  /** Read what was typed into the values to save; problems the input cannot hold stay on the page. */
  #edits(): { edits: Map<string, unknown>; errors: Map<string, string> } {
    const edits = new Map<string, unknown>();
    const errors = new Map<string, string>();
    const edited = new Set(this.#editedPaths());
    for (const f of this.#fields()) {
      if (!edited.has(f.path)) continue;
      if (f.sensitive) {
        edits.set(f.path, this.secretModes.get(f.path) === 'remove' ? undefined : this.inputs.get(f.path));
        continue;
      }
      const parsed = parseInput(f, this.inputs.get(f.path) ?? '');
      if (parsed.ok) edits.set(f.path, parsed.value);
      else errors.set(f.path, parsed.error);
    }
    return { edits, errors };
  }

  /** Save, step one: check what was typed and show what would change. */
  async #reviewChanges(): Promise<void> {
    const { edits, errors } = this.#edits();
    this.localErrors = errors;
    this.issues = undefined;
    this.notice = undefined;
    if (errors.size > 0) {
      this.error = 'Fix the highlighted fields first.';
      const first = [...errors.keys()][0];
      if (first) this.#jump(first);
      return;
    }
    this.error = undefined;
    const patch = buildPatch(this.#config, edits);
    const changes = describeChanges(this.#fields(), this.#config, edits);
    if (!patch || changes.length === 0) {
      this.notice = 'Nothing to save: the values are what the gateway has.';
      return;
    }
    this.#pendingPatch = patch;
    this.review = changes;
    await this.updateComplete;
    this.querySelector<HTMLDialogElement>('#config-review')?.showModal();
  }

  /** Save, step two: the reviewed patch, against the revision the page read. */
  async #save(): Promise<void> {
    const patch = this.#pendingPatch;
    if (!patch) return;
    this.querySelector<HTMLDialogElement>('#config-review')?.close();
    await this.#write(JSON.stringify(patch));
  }

  async #applyPatchText(e: Event): Promise<void> {
    e.preventDefault();
    if (!this.patchText.trim()) return;
    await this.#write(this.patchText, true);
  }

  async #write(raw: string, fromEditor = false): Promise<void> {
    this.saving = true;
    this.issues = undefined;
    this.notice = undefined;
    try {
      const r = await this.session.client.request('config.patch', { raw, baseHash: this.#hash });
      this.review = undefined;
      this.#pendingPatch = undefined;
      if (fromEditor) this.patchText = '';
      await this.#load();
      this.notice = html`<strong>Saved.</strong>
        ${r.applied.length ? html` Applied now: ${r.applied.map((p) => html`<code>${p}</code> `)}.` : nothing}
        ${
          r.restartRequired.length
            ? html` Takes effect after a restart of the gateway: ${r.restartRequired.map((p) => html`<code>${p}</code> `)}.`
            : nothing
        }`;
    } catch (error) {
      if (error instanceof GatewayRequestError && error.detailCode === 'CONFIG_INVALID' && this.layout) {
        this.issues = placeIssues(this.layout, { message: error.message, details: error.details });
        this.error = undefined;
        await this.updateComplete;
        if (!fromEditor) {
          const first = this.issues.all[0];
          if (first) this.#jump(first.path);
        } else {
          this.querySelector<HTMLElement>('#config-issues')?.focus();
        }
      } else if (error instanceof GatewayRequestError && error.detailCode === 'CONFIG_CONFLICT') {
        this.error =
          'The config changed on the gateway since this page read it. Reload to see the new version (your edits here will be lost).';
      } else {
        this.error = errorText(error);
      }
    } finally {
      this.saving = false;
    }
  }

  #discard(): void {
    this.inputs = new Map(this.#initial);
    this.secretModes = new Map();
    this.localErrors = new Map();
    this.issues = undefined;
    this.notice = 'Changes discarded.';
  }

  #nav(): NavEntry[] {
    const layout = this.layout;
    if (!layout) return [];
    const out: NavEntry[] = [];
    for (const s of layout.sections) {
      if (s.key === 'channels') {
        for (const c of s.sections) {
          out.push({ path: c.path, label: c.title ?? capitalise(c.key), group: 'Channels', section: c });
        }
      } else {
        out.push({ path: s.path, label: capitalise(s.key), group: 'Gateway', section: s });
      }
    }
    out.push({ path: PATCH_ENTRY, label: 'JSON5 patch', group: 'Advanced', section: undefined });
    return out;
  }

  protected override render(): TemplateResult {
    const layout = this.layout;
    const edited = this.#editedPaths();
    return html`
      <header class="page-head">
        <div>
          <h1 tabindex="-1">Config</h1>
          <p class="sub">${this.#path ? html`${copyable(this.#path, 'config file path')} · revision <code>${this.#hash.slice(0, 12)}</code>` : 'Reading the config…'}</p>
        </div>
        <div class="actions">
          <div class="search">
            ${icon('search')}
            <label for="config-search" class="visually-hidden">Search settings</label>
            <input id="config-search" type="search" data-search placeholder="Search settings  ( / )" .value=${this.query}
              @input=${(e: Event) => {
                this.query = (e.target as HTMLInputElement).value;
              }} />
          </div>
          <button type="button" @click=${() => void this.#load()} ?disabled=${this.saving || this.dirty}
            title=${this.dirty ? 'Save or discard your changes first' : 'Read the config again'}>${icon('refresh')} Reload</button>
        </div>
      </header>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      ${this.#issueSummary()}
      <p role="status" class=${this.notice ? 'banner ok' : 'visually-hidden'} data-testid="config-notice">${this.notice ?? ''}</p>
      ${
        !layout
          ? html`<p class="muted">Loading…</p>`
          : html`<div class="config-layout">
              ${this.#sectionNav(edited)}
              <div class="config-main">
                ${this.query.trim() ? this.#searchResults() : this.#currentSection()}
              </div>
            </div>
            ${this.#saveBar(edited)}
            ${this.#reviewDialog()}`
      }
    `;
  }

  #issueSummary(): TemplateResult | typeof nothing {
    const all = this.issues?.all;
    if (!all?.length) return nothing;
    return html`<section class="banner bad issues" role="alert" id="config-issues" tabindex="-1" aria-labelledby="config-issues-title">
      <h2 id="config-issues-title">The gateway did not accept this config: ${all.length} ${all.length === 1 ? 'problem' : 'problems'}</h2>
      ${all.map(
        (i) => html`<div class="issue-row">${issueView(i, (p) => this.#jump(p))}
        ${
          i.path && ownerOf(this.layout!, i.path)
            ? html`<button type="button" class="link" @click=${() => this.#jump(i.path)}>Show the field</button>`
            : nothing
        }</div>`,
      )}
    </section>`;
  }

  #sectionNav(edited: string[]): TemplateResult {
    const entries = this.#nav();
    const current = this.query.trim() ? '' : this.current;
    const issuesIn = (path: string) =>
      (this.issues?.all ?? []).filter((i) => entryOf(i.path) === path).length;
    const groups = [...new Set(entries.map((e) => e.group))];
    return html`<nav class="config-nav" aria-label="Config sections">
      ${groups.map(
        (g) => html`<p class="nav-group">${g}</p>
          <ul>
            ${entries
              .filter((e) => e.group === g)
              .map((e) => {
                const changes = edited.filter((p) => entryOf(p) === e.path).length;
                const problems = issuesIn(e.path);
                return html`<li><a href="#/config/${encodeURIComponent(e.path)}" aria-current=${current === e.path ? 'page' : 'false'}
                  @click=${() => {
                    this.query = '';
                  }}>
                  <span>${e.label}</span>
                  ${problems ? html`<span class="badge bad" aria-label="${problems} problems">${problems}</span>` : nothing}
                  ${changes ? html`<span class="badge pending" aria-label="${changes} unsaved">${changes}</span>` : nothing}
                </a></li>`;
              })}
          </ul>`,
      )}
    </nav>`;
  }

  #currentSection(): TemplateResult {
    if (this.current === PATCH_ENTRY) return this.#patchEditor();
    const entry = this.#nav().find((e) => e.path === this.current) ?? this.#nav()[0];
    const s = entry?.section;
    if (!entry || !s) return html`<p class="muted">No such section.</p>`;
    const isChannel = entry.group === 'Channels';
    return html`<section class="card config-section" aria-labelledby="config-section-title" data-section=${s.path}>
      <header><h2 id="config-section-title">${entry.label}${
        entry.label.toLowerCase() === s.path ? nothing : html` <code class="muted small">${s.path}</code>`
      }</h2></header>
      ${s.description ? html`<p class="muted">${s.description}</p>` : nothing}
      ${
        isChannel
          ? html`<p class="callout">New accounts are easiest from <a href="#/channels/add/${s.key}">Channels → Add a channel</a>,
              which asks for what the account needs and shows it connecting.</p>`
          : nothing
      }
      ${this.#sectionIssues(s)}
      ${s.items.map((i) => ('field' in i ? this.#field(i.field) : this.#subsection(i.section)))}
    </section>`;
  }

  #sectionIssues(s: ConfigSection): TemplateResult | typeof nothing {
    const issues = this.issues?.byPath.get(s.path);
    return issues
      ? html`<div class="field-error" role="alert">${issues.map((i) => issueView(i, (p) => this.#jump(p)))}</div>`
      : nothing;
  }

  #subsection(s: ConfigSection): TemplateResult {
    const empty = s.items.length === 0;
    return html`<fieldset data-path=${s.path} class=${s.entry ? 'entry' : ''}>
      <legend>${s.entry ? html`account <code>${s.key}</code>` : s.key}</legend>
      ${s.description && !s.entry ? html`<p class="muted small">${s.description}</p>` : nothing}
      ${this.#sectionIssues(s)}
      ${empty ? html`<p class="muted small">None yet.</p>` : nothing}
      ${s.items.map((i) => ('field' in i ? this.#field(i.field) : this.#subsection(i.section)))}
    </fieldset>`;
  }

  #field(f: ConfigField): TemplateResult {
    const input = this.inputs.get(f.path) ?? '';
    const mode = this.secretModes.get(f.path) ?? 'keep';
    const changed = f.sensitive ? mode !== 'keep' : input !== this.#initial.get(f.path);
    return renderField(
      f,
      {
        value: input,
        changed,
        secretSet: f.sensitive && secretIsSet(valueAt(this.#config, f.path)),
        secretMode: mode,
        local: this.localErrors.get(f.path),
        issues: this.issues?.byPath.get(f.path) ?? [],
      },
      this.#on,
    );
  }

  #searchResults(): TemplateResult {
    const layout = this.layout!;
    const found = searchFields(layout, this.query);
    return html`<section class="card" aria-labelledby="config-results-title" data-testid="config-search-results">
      <header><h2 id="config-results-title">${found.length} ${found.length === 1 ? 'setting matches' : 'settings match'} “${this.query.trim()}”</h2></header>
      ${found.length === 0 ? html`<p class="empty">Nothing matches. Try a key name (port, token), or words from a description.</p>` : nothing}
      ${found.slice(0, SEARCH_LIMIT).map(
        (f) => html`<div class="search-hit">
          <p class="crumb muted small">${entryOf(f.path)
            .split('.')
            .map((p) => capitalise(p))
            .join(' › ')} <a href="#/config/${encodeURIComponent(entryOf(f.path))}" @click=${() => {
            this.query = '';
          }}>open section</a></p>
          ${this.#field(f)}
        </div>`,
      )}
      ${found.length > SEARCH_LIMIT ? html`<p class="muted">…and ${found.length - SEARCH_LIMIT} more; add a word to narrow it.</p>` : nothing}
    </section>`;
  }

  #patchEditor(): TemplateResult {
    return html`<section class="card" aria-labelledby="patch-title">
      <header><h2 id="patch-title">Apply a JSON5 patch</h2></header>
      <p class="muted">For keys the form does not cover, or several at once: a JSON merge patch in JSON5,
        <code>null</code> removes a key. The gateway checks it against the same schema and names every problem.</p>
      <form @submit=${(e: Event) => void this.#applyPatchText(e)}>
        <div class="field">
          <label for="config-patch">Patch</label>
          <textarea id="config-patch" class="mono" rows="10" spellcheck="false" data-testid="patch-editor"
            placeholder=${"{ gateway: { bind: 'lan' }, logging: { level: 'debug' } }"} .value=${this.patchText}
            @input=${(e: Event) => {
              this.patchText = (e.target as HTMLTextAreaElement).value;
            }}></textarea>
        </div>
        <button type="submit" class="primary" ?disabled=${this.saving || !this.patchText.trim()}>Apply patch</button>
      </form>
    </section>`;
  }

  #saveBar(edited: string[]): TemplateResult | typeof nothing {
    if (edited.length === 0) return nothing;
    return html`<div class="save-bar" role="region" aria-label="Unsaved changes">
      <span><strong>${edited.length}</strong> unsaved ${edited.length === 1 ? 'change' : 'changes'}</span>
      <span class="grow"></span>
      <button type="button" @click=${() => this.#discard()} ?disabled=${this.saving}>Discard</button>
      <button type="button" class="primary" @click=${() => void this.#reviewChanges()} ?disabled=${this.saving}>
        ${this.saving ? 'Saving…' : 'Review and save'}
      </button>
    </div>`;
  }

  #reviewDialog(): TemplateResult {
    const changes = this.review ?? [];
    return html`<dialog id="config-review" aria-labelledby="config-review-title" @close=${() => {
      this.review = undefined;
    }}>
      <h2 id="config-review-title" class="dialog-title">Save ${changes.length} ${changes.length === 1 ? 'change' : 'changes'}?</h2>
      <p class="muted small">Only these keys are written to <code>${this.#path}</code>; everything else stays as it is. Secrets are never shown.</p>
      <table class="diff" data-testid="config-diff">
        <thead><tr><th scope="col">Key</th><th scope="col">Now</th><th scope="col">After saving</th></tr></thead>
        <tbody>
          ${changes.map(
            (c) => html`<tr data-path=${c.path} data-kind=${c.kind}>
              <td><code>${c.path}</code></td>
              <td class="before">${c.before}</td>
              <td class="after">${c.after}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <div class="actions end">
        <button type="button" @click=${() => this.querySelector<HTMLDialogElement>('#config-review')?.close()}>Keep editing</button>
        <button type="button" class="primary" @click=${() => void this.#save()}>Save</button>
      </div>
    </dialog>`;
  }
}

customElements.define('oc-config', ConfigPage);

export type { ConfigIssue };
