import type { SessionSummary } from '@openclaw/protocol';
import type { PropertyValues } from 'lit';
import { html, nothing, type TemplateResult } from 'lit';
import { ago, errorText, randomId, when } from '../format.ts';
import { type ToolStep, Transcript, type TranscriptEntry } from '../state/transcript.ts';
import './chat-media.ts';
import { copyable } from './copy-button.ts';
import { debounce, Page } from './page.ts';

const HISTORY_LIMIT = 200;
/** A tool result longer than this is folded: its start as the summary, all of it on demand. */
const LONG_RESULT = 240;
const SUMMARY = 120;
/** The reasoning visibilities a session can be set to (sessions.patch reasoningLevel). */
const REASONING = ['off', 'on', 'stream'] as const;
const STEP_STATE: Record<ToolStep['state'], string> = { running: 'running…', done: 'done', error: 'failed' };

/**
 * WebChat: pick or start a session, send (chat.send with an idempotency key, so a resend after a
 * reconnect is answered once), watch the reply stream in, abort it, and find the history again
 * after a reload. After a reconnect or a seq gap the history is re-read and merged by id.
 */
export class ChatPage extends Page {
  static override properties = {
    ...Page.properties,
    sessions: { state: true },
    entries: { state: true },
    error: { state: true },
    draft: { state: true },
    activeRunId: { state: true },
    thinkingBusy: { state: true },
  };

  declare sessions: SessionSummary[];
  declare entries: TranscriptEntry[];
  declare error: string | undefined;
  declare draft: string;
  declare activeRunId: string | undefined;
  /** A thinking-level change is on its way (the selector waits for it). */
  declare thinkingBusy: boolean;
  #transcript: Transcript | undefined;
  #stickToBottom = true;
  readonly #refreshSessions = debounce(() => void this.#loadSessions(), 300);

  constructor() {
    super();
    this.sessions = [];
    this.entries = [];
    this.draft = '';
    this.thinkingBusy = false;
  }

  /** The selected session key (from the route: #/chat/<key>). */
  get sessionKey(): string {
    return this.route ? decodeURIComponent(this.route) : '';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#refreshSessions.cancel();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('route') && this.#transcript?.sessionKey !== this.sessionKey) {
      this.#transcript = this.sessionKey ? new Transcript(this.sessionKey) : undefined;
      this.#sync();
      if (this.#transcript && this.session.state.kind === 'ready') void this.#loadHistory();
    }
  }

  protected override updated(): void {
    const list = this.querySelector('.transcript');
    if (list && this.#stickToBottom) list.scrollTop = list.scrollHeight;
  }

  protected override subscribe(): (() => void)[] {
    return [
      this.session.on('chat', (event) => {
        const t = this.#transcript;
        if (event.state !== 'delta') this.#refreshSessions();
        if (!t) return;
        const outcome = t.apply(event);
        if (outcome === 'refetch') void this.#loadHistory();
        if (outcome !== 'ignored') this.#sync();
      }),
      // The tools a reply calls, live (start, progress, result) until its answer is stored.
      this.session.on('agent', (event) => {
        if (this.#transcript?.applyAgent(event) === 'applied') this.#sync();
      }),
    ];
  }

  protected override async reload(): Promise<void> {
    await Promise.all([this.#loadSessions(), this.#loadHistory()]);
  }

  async #loadSessions(): Promise<void> {
    try {
      const r = await this.session.client.request('sessions.list', { limit: 100 });
      this.sessions = r.sessions;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  async #loadHistory(): Promise<void> {
    const t = this.#transcript;
    if (!t) return;
    try {
      const r = await this.session.client.request('chat.history', {
        sessionKey: t.sessionKey,
        limit: HISTORY_LIMIT,
      });
      if (t !== this.#transcript) return;
      t.setHistory(r.messages);
      this.error = undefined;
      this.#sync();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  #sync(): void {
    this.entries = this.#transcript?.entries() ?? [];
    this.activeRunId = this.#transcript?.activeRunId;
  }

  #select(key: string): void {
    location.hash = `#/chat/${encodeURIComponent(key)}`;
  }

  #newSession(): void {
    this.#select(`webchat-${randomId().slice(0, 8)}`);
    queueMicrotask(() => this.querySelector<HTMLTextAreaElement>('#chat-message')?.focus());
  }

  async #send(text: string, idempotencyKey = randomId()): Promise<void> {
    const t = this.#transcript;
    if (!t || !text.trim()) return;
    t.addOutgoing(idempotencyKey, text, Date.now());
    this.#stickToBottom = true;
    this.#sync();
    try {
      const r = await this.session.client.request('chat.send', {
        sessionKey: t.sessionKey,
        message: text,
        idempotencyKey,
      });
      t.acknowledge(idempotencyKey, r.messageId);
      this.#refreshSessions();
    } catch (error) {
      t.fail(idempotencyKey, errorText(error));
    }
    this.#sync();
  }

  async #abort(): Promise<void> {
    const t = this.#transcript;
    if (!t) return;
    try {
      const runId = t.activeRunId;
      await this.session.client.request(
        'chat.abort',
        runId ? { sessionKey: t.sessionKey, runId } : { sessionKey: t.sessionKey },
      );
    } catch (error) {
      this.error = errorText(error);
    }
  }

  /**
   * A session setting (its thinking level, its reasoning visibility) set at once with
   * sessions.patch (null: back to the default); the row it answers replaces the listed one, so
   * the selectors show what is stored.
   */
  async #patchSession(fields: {
    thinkingLevel?: string | null;
    reasoningLevel?: string | null;
  }): Promise<void> {
    const key = this.sessionKey;
    this.thinkingBusy = true;
    try {
      const r = await this.session.client.request('sessions.patch', { key, ...fields });
      this.sessions = this.sessions.map((s) => (s.key === key ? r.session : s));
      this.error = undefined;
    } catch (error) {
      this.error = errorText(error);
      // The selectors go back to the stored levels.
      this.sessions = [...this.sessions];
    } finally {
      this.thinkingBusy = false;
    }
  }

  /**
   * Whether the session's reasoning is shown: on or stream (its own level, else the default it
   * inherits) show a reply's reasoning here while it streams; off folds it away once stored.
   */
  #reasoning(row: SessionSummary | undefined): TemplateResult {
    return this.#levelField(row, {
      name: 'reasoning',
      label: 'Reasoning',
      field: 'reasoningLevel',
      current: row?.reasoningLevel ?? '',
      fallback: `Default (${row?.reasoningDefault ?? 'off'})`,
      options: REASONING.map((l) => ({ id: l, label: l })),
      hint: 'on or stream: shown while a reply streams; on also sends it to channel chats.',
    });
  }

  /** The thinking selector: the session's levels, its own level or the default it inherits. */
  #thinking(row: SessionSummary | undefined): TemplateResult {
    return this.#levelField(row, {
      name: 'thinking',
      label: 'Thinking',
      field: 'thinkingLevel',
      current: row?.thinkingLevel ?? '',
      fallback: `Default${row?.thinkingDefault ? ` (${row.thinkingDefault})` : ''}`,
      options: row?.thinkingLevels ?? [],
      hint: row ? 'For the next replies of this session.' : 'Set after the first message.',
    });
  }

  /** A session setting chosen from a list and patched at once; "" (Default) clears it. */
  #levelField(
    row: SessionSummary | undefined,
    f: {
      name: string;
      label: string;
      field: 'thinkingLevel' | 'reasoningLevel';
      current: string;
      fallback: string;
      options: readonly { id: string; label: string }[];
      hint: string;
    },
  ): TemplateResult {
    const id = `chat-${f.name}`;
    return html`<div class="field thinking-level">
      <label for=${id}>${f.label}</label>
      <select
        id=${id}
        data-testid=${`${f.name}-level`}
        ?disabled=${!row || this.thinkingBusy || Boolean(this.activeRunId)}
        aria-describedby=${`${id}-hint`}
        @change=${(e: Event) => {
          const v = (e.target as HTMLSelectElement).value;
          void this.#patchSession({ [f.field]: v === '' ? null : v });
        }}
      >
        <option value="" ?selected=${f.current === ''}>${f.fallback}</option>
        ${f.options.map((l) => html`<option value=${l.id} ?selected=${f.current === l.id}>${l.label}</option>`)}
      </select>
      <span id=${`${id}-hint`} class="hint">${f.hint}</span>
    </div>`;
  }

  #submit(e: Event): void {
    e.preventDefault();
    const text = this.draft;
    if (!text.trim()) return;
    this.draft = '';
    void this.#send(text);
  }

  protected override render(): TemplateResult {
    const key = this.sessionKey;
    const row = this.sessions.find((s) => s.key === key);
    const known = row !== undefined;
    const live = (row?.reasoningLevel ?? row?.reasoningDefault ?? 'off') !== 'off';
    return html`
      <h1 tabindex="-1">WebChat</h1>
      ${this.error ? html`<p class="banner bad" role="alert">${this.error}</p>` : nothing}
      <div class="chat">
        <nav class="sessions" aria-label="Sessions">
          <button type="button" class="primary" @click=${() => this.#newSession()}>New session</button>
          <h2 class="nav-heading">Sessions</h2>
          <ul>
            ${key && !known ? html`<li><button type="button" aria-current="true">${key} <span class="muted">(new)</span></button></li>` : nothing}
            ${this.sessions.map(
              (s) => html`<li>
                <button type="button" aria-current=${s.key === key ? 'true' : 'false'} @click=${() => this.#select(s.key)} title=${when(s.updatedAtMs)}>
                  <span class="session-title">${s.title || s.key}</span>
                  <span class="muted">${s.messageCount} ${s.messageCount === 1 ? 'message' : 'messages'} · ${ago(s.updatedAtMs)}${s.activeRunId ? ' · replying' : ''}</span>
                </button>
              </li>`,
            )}
          </ul>
        </nav>
        <section aria-label="Conversation">
          ${
            key
              ? html`<h2>Session ${copyable(key, 'session key', { testId: 'session-key' })}</h2>
                <ol
                  class="transcript"
                  aria-live="polite"
                  aria-label="Messages"
                  data-testid="transcript"
                  @scroll=${(e: Event) => {
                    const el = e.target as HTMLElement;
                    this.#stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
                  }}
                >
                  ${this.entries.length === 0 ? html`<li class="muted">No messages yet. Say something.</li>` : nothing}
                  ${this.entries.map((m) => this.#message(m, live))}
                </ol>
                <form class="composer" @submit=${(e: Event) => this.#submit(e)}>
                  <div class="field">
                    <label for="chat-message">Message</label>
                    <textarea
                      id="chat-message"
                      rows="3"
                      placeholder="Message the agent"
                      .value=${this.draft}
                      aria-describedby="chat-hint"
                      @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)}
                      @keydown=${(e: KeyboardEvent) => {
                        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.#submit(e);
                      }}
                    ></textarea>
                    <span id="chat-hint" class="hint">Enter sends, Shift+Enter starts a new line.</span>
                  </div>
                  ${this.#thinking(row)}
                  ${this.#reasoning(row)}
                  <div class="actions">
                    <button type="submit" class="primary" ?disabled=${!this.draft.trim()}>Send</button>
                    <button type="button" class="danger" ?disabled=${!this.activeRunId} @click=${() => this.#abort()}>Abort reply</button>
                  </div>
                </form>`
              : html`<p class="panel">Pick a session on the left, or start a new one.</p>`
          }
        </section>
      </div>
    `;
  }

  /** A streaming reply's tool calls: each with where it stands and its latest progress. */
  #steps(steps: readonly ToolStep[]): TemplateResult {
    return html`<ol class="tool-steps" aria-label="Tool steps">
      ${steps.map(
        (st) => html`<li data-testid="tool-step" data-tool=${st.name} data-state=${st.state}>
          <span class="tool-call">→ ${st.call}</span>
          <span class="tool-state ${st.state}">${STEP_STATE[st.state]}</span>
          ${st.progress ? html`<span class="tool-progress" data-testid="tool-progress">${st.progress}</span>` : nothing}
        </li>`,
      )}
    </ol>`;
  }

  /** One line of the transcript; `liveThinking`: a streaming reply shows its reasoning so far. */
  #message(m: TranscriptEntry, liveThinking: boolean): TemplateResult {
    const status =
      m.state === 'sending'
        ? 'sending…'
        : m.state === 'streaming'
          ? 'replying…'
          : m.state === 'aborted'
            ? 'aborted'
            : m.state === 'error' || m.state === 'failed'
              ? `failed${m.error ? `: ${m.error}` : ''}`
              : '';
    return html`<li class=${m.role} data-key=${m.key} data-role=${m.role} data-state=${m.state} data-deltas=${m.deltas}>
      <span class="meta">${m.role === 'user' ? 'You' : m.role === 'assistant' ? 'Agent' : m.role === 'toolResult' ? `Tool ${m.tool ?? ''}` : 'System'} · ${new Date(m.ts).toLocaleTimeString()}${status ? ` · ${status}` : ''}${m.edited ? ' · edited' : ''}${m.deleted ? ' · deleted by the sender' : ''}</span>
      ${m.steps?.length ? this.#steps(m.steps) : nothing}
      ${
        !m.thinking || (m.state === 'streaming' && !liveThinking)
          ? nothing
          : m.state === 'streaming'
            ? html`<details class="thinking live" data-testid="thinking-live" open><summary>Thinking…</summary><span class="thinking-text">${m.thinking}</span></details>`
            : html`<details class="thinking" data-testid="thinking"><summary>Thinking</summary><span class="thinking-text">${m.thinking}</span></details>`
      }
      ${
        m.role === 'toolResult' && m.text.length > LONG_RESULT
          ? html`<details class="tool-result"><summary>${m.text.slice(0, SUMMARY)}…</summary><span class="text">${m.text}</span></details>`
          : m.text
            ? html`<span class="text">${m.text}</span>`
            : nothing
      }
      ${m.toolCalls?.map((c) => html`<span class="tool-call">→ ${c}</span>`) ?? nothing}
      ${m.media?.map((media) => html`<oc-chat-media .media=${media} .session=${this.session}></oc-chat-media>`) ?? nothing}
      ${m.reactions?.length ? html`<span class="reactions" aria-label="Reactions">${m.reactions.join(' ')}</span>` : nothing}
      ${
        m.state === 'failed' && m.idempotencyKey
          ? html`<button type="button" @click=${() => this.#send(m.text, m.idempotencyKey)}>Retry</button>`
          : nothing
      }
    </li>`;
  }
}

customElements.define('oc-chat', ChatPage);
