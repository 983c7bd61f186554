import { html, nothing, type TemplateResult } from 'lit';
import type { ConfigField, ConfigIssue, FieldInput } from '../state/config-form.ts';

/** What happens to a secret on save: kept as stored, replaced by what is typed, or removed. */
export type SecretMode = 'keep' | 'replace' | 'remove';

export interface FieldState {
  value: FieldInput;
  /** Edited since the config was read (or, for a secret, marked to replace or remove). */
  changed: boolean;
  /** For secrets: whether the gateway holds a value now. */
  secretSet: boolean;
  secretMode: SecretMode;
  /** A problem with what was typed, found before sending. */
  local: string | undefined;
  /** What the gateway said about this field (or a key under it). */
  issues: readonly ConfigIssue[];
}

export interface FieldHandlers {
  input(field: ConfigField, value: FieldInput): void;
  secret(field: ConfigField, mode: SecretMode): void;
  /** Go to another field (a "did you mean" suggestion). */
  jump?(path: string): void;
  /** Put the loaded value back. */
  undo?(field: ConfigField): void;
}

export const fieldId = (path: string) => `cfg-${path.replace(/[^\w-]/g, '_')}`;

/** The allowed values and the suggestion of a gateway issue, after its message. */
export function issueView(i: ConfigIssue, jump?: (path: string) => void): TemplateResult {
  return html`<p class="issue" data-issue-path=${i.path}>
    ${i.path ? html`<code class="issue-path">${i.path}</code> ` : nothing}${i.message}${
      i.line !== undefined
        ? html` <span class="muted">(line ${i.line}${i.column ? `, column ${i.column}` : ''})</span>`
        : nothing
    }
    ${
      i.allowed?.length
        ? html`<span class="allowed" data-testid="allowed">Allowed: ${i.allowed.map((a) => html`<code>${a}</code> `)}</span>`
        : nothing
    }
    ${
      i.suggestion
        ? html`<span class="suggestion" data-testid="suggestion">${
            // The gateway's message usually asks already; then only the way there is added.
            /did you mean/i.test(i.message) ? nothing : html`Did you mean <code>${i.suggestion}</code>? `
          }${jump ? html`<button type="button" class="link" @click=${() => jump(i.suggestion!)}>Go to ${i.suggestion}</button>` : nothing}</span>`
        : nothing
    }
  </p>`;
}

/** Schema descriptions mark keys and values with backticks: show those as code. */
export function richText(text: string | undefined): (TemplateResult | string)[] {
  return (text ?? '').split('`').map((part, i) => (i % 2 ? html`<code>${part}</code>` : part));
}

function hints(f: ConfigField): TemplateResult {
  const range =
    f.minimum !== undefined && f.maximum !== undefined
      ? `From ${f.minimum} to ${f.maximum}.`
      : f.minimum !== undefined
        ? `At least ${f.minimum}.`
        : f.maximum !== undefined
          ? `At most ${f.maximum}.`
          : '';
  const def =
    f.default === undefined || f.sensitive || (typeof f.default === 'object' && f.default !== null)
      ? ''
      : `Default: ${typeof f.default === 'string' ? f.default : JSON.stringify(f.default)}.`;
  return html`${richText(f.description)}
    ${f.options && f.kind === 'enum' ? html`<span class="allowed">One of ${f.options.map((o) => html`<code>${o}</code> `)}</span>` : nothing}
    ${range} ${def}
    ${f.kind === 'list' ? 'One per line.' : ''}`;
}

/**
 * One config field: label, control, what the schema says about it (description, allowed
 * values, range, default), and its problems. A secret is never shown: only whether it is set,
 * with buttons to replace or remove it.
 */
export function renderField(
  f: ConfigField,
  st: FieldState,
  on: FieldHandlers,
  options: { required?: boolean; label?: string; showPath?: boolean; fresh?: boolean } = {},
): TemplateResult {
  const id = fieldId(f.path);
  const invalid = st.local !== undefined || st.issues.length > 0;
  const describedBy = `${id}-hint ${id}-error`;
  const label = options.label ?? f.key;
  const hint = html`<span id="${id}-hint" class="hint">${hints(f)} ${
    options.showPath === false ? nothing : html`<code class="path">${f.path}</code>`
  }</span>`;
  const error = html`<div id="${id}-error" class="field-error" data-testid="field-error">
    ${st.local ? html`<p>${st.local}</p>` : nothing}
    ${st.issues.map((i) => issueView(i, on.jump))}
  </div>`;
  const changed =
    st.changed && on.undo
      ? html`<span class="changed-mark">changed <button type="button" class="link" aria-label=${`Undo the change to ${f.path}`}
          @click=${() => on.undo?.(f)}>undo</button></span>`
      : nothing;
  const onText = (e: Event) => on.input(f, (e.target as HTMLInputElement | HTMLTextAreaElement).value);
  const aria = invalid ? 'true' : 'false';
  const req = options.required ? html` <span class="required" aria-hidden="true">required</span>` : nothing;
  if (f.kind === 'boolean' && !f.triState) {
    return html`<div class="field checkbox" data-path=${f.path} data-changed=${st.changed ? 'true' : 'false'}>
      <input id=${id} type="checkbox" .checked=${st.value === true} aria-invalid=${aria} aria-describedby=${describedBy}
        @change=${(e: Event) => on.input(f, (e.target as HTMLInputElement).checked)} />
      <label for=${id}>${label}</label> ${changed}
      ${hint} ${error}
    </div>`;
  }
  let control: TemplateResult;
  if (f.sensitive) {
    control = secretControl(
      f,
      st,
      on,
      id,
      describedBy,
      aria,
      options.required === true,
      options.fresh === true,
    );
  } else {
    switch (f.kind) {
      case 'boolean':
        control = html`<select id=${id} aria-invalid=${aria} aria-describedby=${describedBy}
          @change=${(e: Event) => on.input(f, (e.target as HTMLSelectElement).value)}>
          ${['', 'true', 'false'].map(
            (o) =>
              html`<option value=${o} ?selected=${o === st.value}>${o === '' ? '(not set)' : o}</option>`,
          )}
        </select>`;
        break;
      case 'enum':
        control = html`<select id=${id} aria-invalid=${aria} aria-describedby=${describedBy}
          @change=${(e: Event) => on.input(f, (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${st.value === ''}>${f.default === undefined ? '(not set)' : `(default: ${String(f.default)})`}</option>
          ${(f.options ?? []).map((o) => html`<option value=${o} ?selected=${o === st.value}>${o}</option>`)}
        </select>`;
        break;
      case 'list':
      case 'json':
        control = html`<textarea id=${id} class="mono" spellcheck="false" .value=${String(st.value)} rows=${f.kind === 'list' ? 3 : 5}
          aria-invalid=${aria} aria-describedby=${describedBy} @input=${onText}></textarea>`;
        break;
      default:
        control = html`<input id=${id} type="text" inputmode=${f.kind === 'integer' || f.kind === 'number' ? 'numeric' : 'text'}
          autocomplete="off" spellcheck="false" .value=${String(st.value)} ?required=${options.required === true}
          placeholder=${f.default === undefined || typeof f.default === 'object' ? '' : String(f.default)}
          aria-invalid=${aria} aria-describedby=${describedBy} @input=${onText} />`;
    }
  }
  return html`<div class="field" data-path=${f.path} data-changed=${st.changed ? 'true' : 'false'}>
    <label for=${id}>${label}${req}</label> ${changed}
    ${control} ${hint} ${error}
  </div>`;
}

function secretControl(
  f: ConfigField,
  st: FieldState,
  on: FieldHandlers,
  id: string,
  describedBy: string,
  aria: string,
  required: boolean,
  /** A new account's form: nothing is stored, so there is nothing to keep instead. */
  fresh: boolean,
): TemplateResult {
  const state = html`<span class="badge ${st.secretSet ? 'ok' : ''}" data-testid="secret-state"
    data-set=${st.secretSet ? 'true' : 'false'}>${st.secretSet ? 'set' : 'not set'}</span>`;
  // A new account's form asks for the secret outright.
  if (required || fresh || st.secretMode === 'replace') {
    return html`<div class="secret">
      <input id=${id} type="password" autocomplete="new-password" spellcheck="false" .value=${String(st.value)}
        placeholder=${st.secretSet ? 'New value (the stored one is kept until you save)' : 'Value'}
        ?required=${required} aria-invalid=${aria} aria-describedby=${describedBy}
        @input=${(e: Event) => on.input(f, (e.target as HTMLInputElement).value)} />
      ${
        required || fresh
          ? nothing
          : html`<button type="button" aria-label=${`Keep the stored value of ${f.path}`} @click=${() => on.secret(f, 'keep')}>Cancel</button>`
      }
    </div>`;
  }
  if (st.secretMode === 'remove') {
    return html`<div class="secret" id=${id} tabindex="-1" aria-describedby=${describedBy}>
      <span class="badge bad" data-testid="secret-state" data-set="removed">removed on save</span>
      <button type="button" aria-label=${`Keep ${f.path}`} @click=${() => on.secret(f, 'keep')}>Keep it</button>
    </div>`;
  }
  return html`<div class="secret" id=${id} tabindex="-1" aria-describedby=${describedBy}>
    ${state}
    <button type="button" aria-label=${`${st.secretSet ? 'Replace' : 'Set'} ${f.path}`} @click=${() => on.secret(f, 'replace')}>
      ${st.secretSet ? 'Replace' : 'Set'}
    </button>
    ${
      st.secretSet
        ? html`<button type="button" class="danger" aria-label=${`Remove ${f.path}`} @click=${() => on.secret(f, 'remove')}>Remove</button>`
        : nothing
    }
  </div>`;
}
