import type { LogLevelName } from '@openclaw/protocol';
import { html, nothing, type TemplateResult } from 'lit';
import { errorText } from '../format.ts';
import {
  exportJsonLines,
  exportName,
  exportText,
  fieldText,
  filterRows,
  LEVELS,
  type LogRow,
  levelCounts,
  rowTime,
  toLogRow,
} from '../state/log-view.ts';
import { icon } from './icons.ts';
import { Page } from './page.ts';

const POLL_MS = 1000;
const KEEP = 5000;

/** Save text as a file through a blob: link (no server round trip; CSP allows blob: downloads). */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The gateway log ring, read live (logs.tail with a cursor): times in this browser's time zone,
 * a level filter and a search, follow (stay at the newest line) and pause (stop reading), and
 * export of what is shown, as text or as the gateway's JSON lines.
 */
export class LogsPage extends Page {
  static override properties = {
    ...Page.properties,
    rows: { state: true },
    paused: { state: true },
    follow: { state: true },
    levels: { state: true },
    filter: { state: true },
    error: { state: true },
    file: { state: true },
  };

  declare rows: LogRow[];
  declare paused: boolean;
  declare follow: boolean;
  declare levels: Set<LogLevelName>;
  declare filter: string;
  declare error: string | undefined;
  declare file: string;
  #cursor: number | undefined;
  /** The first answer has come: until then "0 lines" would be a guess, not a fact. */
  #loaded = false;
  #nextId = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;
  /** Set while the page itself scrolls the list, so that scroll does not turn follow off. */
  #autoScrolling = false;

  constructor() {
    super();
    this.rows = [];
    this.paused = false;
    this.follow = true;
    this.levels = new Set(LEVELS);
    this.filter = '';
    this.file = '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  protected override async reload(): Promise<void> {
    await this.#poll();
  }

  async #poll(): Promise<void> {
    clearTimeout(this.#timer);
    if (this.#polling || this.paused || !this.isConnected) return;
    this.#polling = true;
    try {
      const r = await this.session.client.request(
        'logs.tail',
        this.#cursor === undefined ? { limit: 500 } : { cursor: this.#cursor, limit: 1000 },
      );
      this.file = r.file;
      const fresh = r.lines.map((l) => toLogRow(this.#nextId++, l));
      if (r.reset && this.#cursor !== undefined) {
        fresh.unshift(toLogRow(this.#nextId++, '… lines skipped (the gateway’s log ring moved on) …'));
      }
      this.#cursor = r.cursor;
      if (!this.#loaded) {
        this.#loaded = true;
        this.requestUpdate();
      }
      if (fresh.length) this.rows = [...this.rows, ...fresh].slice(-KEEP);
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.#polling = false;
      if (this.isConnected && !this.paused) this.#timer = setTimeout(() => void this.#poll(), POLL_MS);
    }
  }

  #togglePause(): void {
    this.paused = !this.paused;
    if (!this.paused) void this.#poll();
    else clearTimeout(this.#timer);
  }

  #toggleLevel(level: LogLevelName): void {
    const next = new Set(this.levels);
    if (next.has(level)) next.delete(level);
    else next.add(level);
    this.levels = next;
  }

  #setFollow(on: boolean): void {
    this.follow = on;
    if (on) this.#scrollToEnd();
  }

  #scrollToEnd(): void {
    const list = this.querySelector<HTMLElement>('.log');
    if (!list) return;
    this.#autoScrolling = true;
    list.scrollTop = list.scrollHeight;
    requestAnimationFrame(() => {
      this.#autoScrolling = false;
    });
  }

  protected override updated(): void {
    if (this.follow) this.#scrollToEnd();
  }

  #export(kind: 'log' | 'jsonl'): void {
    const shown = filterRows(this.rows, { levels: this.levels, text: this.filter });
    const now = Date.now();
    if (kind === 'log') download(exportName(now, 'log'), exportText(shown, now), 'text/plain');
    else download(exportName(now, 'jsonl'), exportJsonLines(shown), 'application/x-ndjson');
  }

  protected override render(): TemplateResult {
    const shown = filterRows(this.rows, { levels: this.levels, text: this.filter });
    const counts = levelCounts(this.rows);
    const now = Date.now();
    return html`
      <header class="page-head">
        <div>
          <h1 tabindex="-1">Logs</h1>
          <p class="sub">The gateway's recent log lines, secrets redacted; times in your time zone (${Intl.DateTimeFormat().resolvedOptions().timeZone}).</p>
        </div>
        <div class="actions">
          <button type="button" @click=${() => this.#export('log')} ?disabled=${shown.length === 0}>${icon('download')} Export text</button>
          <button type="button" @click=${() => this.#export('jsonl')} ?disabled=${shown.length === 0}>${icon('download')} Export JSON</button>
        </div>
      </header>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      <div class="toolbar">
        <div class="search">
          ${icon('search')}
          <label for="log-filter" class="visually-hidden">Search the log</label>
          <input id="log-filter" type="search" data-search .value=${this.filter} placeholder="Search: text, component, key=value  ( / )"
            @input=${(e: Event) => {
              this.filter = (e.target as HTMLInputElement).value;
            }} />
        </div>
        <button type="button" aria-pressed=${this.follow ? 'true' : 'false'} @click=${() => this.#setFollow(!this.follow)}
          title="Keep the newest line in view">Follow</button>
        <button type="button" aria-pressed=${this.paused ? 'true' : 'false'} @click=${() => this.#togglePause()}>
          ${this.paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <div class="toolbar chips" role="group" aria-label="Levels shown">
        ${LEVELS.map(
          (
            l,
          ) => html`<button type="button" class="chip lvl-${l}" aria-pressed=${this.levels.has(l) ? 'true' : 'false'}
            @click=${() => this.#toggleLevel(l)}>${l} <span class="count">${counts[l]}</span></button>`,
        )}
        <span class="grow"></span>
        <span class="muted small" role="status" data-testid="log-status">${
          !this.#loaded
            ? 'Reading the log…'
            : html`${this.paused ? 'Paused' : 'Live'} · ${shown.length} of ${this.rows.length} lines${this.file ? ` · ${this.file}` : ''}`
        }</span>
      </div>
      <ol class="log" aria-label="Log lines" data-testid="log" tabindex="0"
        @scroll=${(e: Event) => {
          if (this.#autoScrolling) return;
          const el = e.target as HTMLElement;
          const atEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          // Scrolling up to read stops following; back at the end, it follows again.
          if (atEnd !== this.follow) this.follow = atEnd;
        }}>
        ${shown.map((r) => this.#line(r, now))}
        ${
          shown.length > 0
            ? nothing
            : html`<li class="log-empty muted">${
                !this.#loaded
                  ? 'Reading the gateway’s log…'
                  : this.rows.length === 0
                    ? 'No line yet: new ones show up here as the gateway writes them.'
                    : 'No line matches the search and the levels chosen.'
              }</li>`
        }
      </ol>
      ${
        !this.follow && shown.length
          ? html`<p class="actions end"><button type="button" @click=${() => this.#setFollow(true)}>Jump to the newest line</button></p>`
          : nothing
      }
    `;
  }

  #line(r: LogRow, now: number): TemplateResult {
    const e = r.entry;
    if (!e) return html`<li class="plain" data-level=""><span class="msg">${r.raw}</span></li>`;
    const time = rowTime(r, now);
    const fields = fieldText(e);
    return html`<li data-level=${r.level ?? ''}>
      <time class="time" datetime=${e.time === undefined ? nothing : new Date(e.time).toISOString()}
        title=${e.time === undefined ? '' : new Date(e.time).toString()}>${time}</time>
      <span class="lvl lvl-${r.level}">${r.level}</span>
      <span class="comp" title=${e.component ?? ''}>${e.component ?? ''}</span>
      <span class="msg">${e.msg}${fields ? html` <span class="fields">${fields}</span>` : nothing}</span>
    </li>`;
  }
}

customElements.define('oc-logs', LogsPage);
