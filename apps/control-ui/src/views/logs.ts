import { html, nothing, type TemplateResult } from 'lit';
import { errorText } from '../format.ts';
import { type LogLine, parseLogLine } from '../state/log-line.ts';
import { Page } from './page.ts';

const POLL_MS = 1000;
const KEEP = 2000;
/** The gateway log ring, followed live (logs.tail with a cursor), with pause and a filter. */
export class LogsPage extends Page {
  static override properties = {
    ...Page.properties,
    lines: { state: true },
    paused: { state: true },
    filter: { state: true },
    error: { state: true },
    file: { state: true },
  };

  declare lines: LogLine[];
  declare paused: boolean;
  declare filter: string;
  declare error: string | undefined;
  declare file: string;
  #cursor: number | undefined;
  #nextId = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #polling = false;
  #stick = true;

  constructor() {
    super();
    this.lines = [];
    this.paused = false;
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
        this.#cursor === undefined ? { limit: 300 } : { cursor: this.#cursor, limit: 1000 },
      );
      this.file = r.file;
      const fresh = r.lines.map((l) => parseLogLine(this.#nextId++, l));
      if (r.reset && this.#cursor !== undefined) {
        fresh.unshift({
          id: this.#nextId++,
          time: '',
          level: '',
          msg: '… lines skipped (the ring moved on) …',
          rest: '',
        });
      }
      this.#cursor = r.cursor;
      if (fresh.length) this.lines = [...this.lines, ...fresh].slice(-KEEP);
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

  protected override updated(): void {
    const list = this.querySelector('.log');
    if (list && this.#stick && !this.paused) list.scrollTop = list.scrollHeight;
  }

  protected override render(): TemplateResult {
    const f = this.filter.toLowerCase();
    const shown = f
      ? this.lines.filter((l) => `${l.level} ${l.msg} ${l.rest}`.toLowerCase().includes(f))
      : this.lines;
    return html`
      <h1 tabindex="-1">Logs</h1>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      <div class="toolbar">
        <button type="button" aria-pressed=${this.paused ? 'true' : 'false'} @click=${() => this.#togglePause()}>
          ${this.paused ? 'Resume' : 'Pause'}
        </button>
        <label for="log-filter">Filter</label>
        <input id="log-filter" type="text" class="grow" .value=${this.filter} placeholder="text, level or field"
          @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} />
        <span class="muted" role="status">${this.paused ? 'Paused' : 'Live'} · ${shown.length} lines${this.file ? ` · ${this.file}` : ''}</span>
      </div>
      <ol class="log" aria-label="Log lines" data-testid="log"
        @scroll=${(e: Event) => {
          const el = e.target as HTMLElement;
          this.#stick = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}>
        ${shown.map(
          (l) => html`<li>
            <span class="muted">${l.time}</span>
            <span class="lvl lvl-${l.level}">${l.level}</span>
            ${l.msg} ${l.rest ? html`<span class="muted">${l.rest}</span>` : nothing}
          </li>`,
        )}
      </ol>
    `;
  }
}

customElements.define('oc-logs', LogsPage);
