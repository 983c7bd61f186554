import type { AgentEvent, ChatEvent, ChatMedia, ChatMessage } from '@openclaw/protocol';

/** A tool the agent is calling in a run still streaming, from the run's `agent` tool events. */
export interface ToolStep {
  toolCallId: string;
  name: string;
  /** The call as one line: `name {args}`, shortened. */
  call: string;
  state: 'running' | 'done' | 'error';
  /** The latest progress the tool reported (`update` events), shortened. */
  progress?: string;
}

/** One line of the WebChat transcript as the page shows it. */
export interface TranscriptEntry {
  /** Stable render key: the stored message id, `send:<idempotencyKey>` or `run:<runId>`. */
  key: string;
  role: ChatMessage['role'];
  text: string;
  ts: number;
  runId?: string;
  /**
   * stored: in the gateway's history; sending/failed: a message of ours not yet acknowledged (or
   * given up on); streaming: a reply arriving; complete/aborted/error: how a reply ended.
   */
  state: 'stored' | 'sending' | 'failed' | 'streaming' | 'complete' | 'aborted' | 'error';
  /** For replies: how many streamed deltas built it (0 when it came from history). */
  deltas: number;
  error?: string;
  /** For our own messages: the idempotency key a retry must reuse. */
  idempotencyKey?: string;
  /** Photos, voice notes, files. */
  media?: ChatMedia[];
  edited?: boolean;
  deleted?: boolean;
  reactions?: string[];
  /** An agent step that called tools: one line per call. */
  toolCalls?: string[];
  /**
   * What the model reasoned before this step: its stored `thinking` parts, or for a reply still
   * streaming what its `thinking` agent events carried so far.
   */
  thinking?: string;
  /** A tool result: the tool's name. */
  tool?: string;
  /** For a reply still streaming: the tools it called so far, live. */
  steps?: ToolStep[];
}

interface Outgoing {
  idempotencyKey: string;
  text: string;
  ts: number;
  messageId?: string;
  failed?: string;
}

interface Stream {
  runId: string;
  text: string;
  ts: number;
  lastSeq: number;
  deltas: number;
  state: 'streaming' | 'aborted' | 'error';
  error?: string;
  steps: ToolStep[];
  /** The reasoning streamed so far (`thinking` agent events). */
  thinking: string;
}

type Item =
  | { kind: 'stored'; message: ChatMessage; deltas: number }
  | { kind: 'outgoing'; outgoing: Outgoing }
  | { kind: 'stream'; stream: Stream };

/** What applying an event means for the caller. */
export type ApplyOutcome = 'applied' | 'ignored' | 'refetch';

/**
 * One session's transcript: the stored history (the gateway's truth) merged with what is in
 * flight — our unacknowledged sends and replies still streaming — in the order things happened.
 * Every piece is keyed (message id, idempotency key, run id), so a history re-read after a
 * reconnect or a seq gap replaces what it covers: nothing shows twice, nothing goes missing.
 */
export class Transcript {
  readonly sessionKey: string;
  #items: Item[] = [];

  constructor(sessionKey: string) {
    this.sessionKey = sessionKey;
  }

  /** Replace the stored part with a fresh history page (chat.history, oldest first). */
  setHistory(messages: readonly ChatMessage[]): void {
    const seen = new Set<string>();
    const stored = messages.filter((m) => !seen.has(m.id) && seen.add(m.id));
    const runsDone = new Set(stored.filter(isRunAnswer).map((m) => m.runId));
    const deltas = new Map<string, number>();
    for (const it of this.#items) if (it.kind === 'stored' && it.deltas) deltas.set(it.message.id, it.deltas);
    const live = this.#items.filter(
      (it) =>
        (it.kind === 'outgoing' && !(it.outgoing.messageId && seen.has(it.outgoing.messageId))) ||
        (it.kind === 'stream' && !runsDone.has(it.stream.runId)),
    );
    this.#items = [
      ...stored.map((message): Item => ({ kind: 'stored', message, deltas: deltas.get(message.id) ?? 0 })),
      ...live,
    ];
  }

  /** A message we are about to send (shown at once, marked as sending until acknowledged). */
  addOutgoing(idempotencyKey: string, text: string, ts: number): void {
    const existing = this.#outgoingItem(idempotencyKey);
    if (existing) {
      delete existing.outgoing.failed;
      return;
    }
    this.#items.push({ kind: 'outgoing', outgoing: { idempotencyKey, text, ts } });
  }

  /** chat.send answered: the message is stored under `messageId`. */
  acknowledge(idempotencyKey: string, messageId: string): void {
    const item = this.#outgoingItem(idempotencyKey);
    if (!item) return;
    if (this.#storedIndex((m) => m.id === messageId) >= 0) this.#items.splice(this.#items.indexOf(item), 1);
    else item.outgoing.messageId = messageId;
  }

  /** chat.send failed for good (a retry reuses the same idempotency key). */
  fail(idempotencyKey: string, error: string): void {
    const item = this.#outgoingItem(idempotencyKey);
    if (item) item.outgoing.failed = error;
  }

  /** Apply a `chat` event. `refetch` means the run skipped a seq (something was missed): reload history. */
  apply(event: ChatEvent): ApplyOutcome {
    if (event.sessionKey !== this.sessionKey) return 'ignored';
    if (this.#storedIndex((m) => isRunAnswer(m) && m.runId === event.runId) >= 0) return 'ignored';
    const index = this.#streamIndex(event.runId);
    const s = (this.#items[index] as Extract<Item, { kind: 'stream' }>).stream;
    if (event.seq <= s.lastSeq) return 'ignored';
    const skipped = event.seq > s.lastSeq + 1;
    s.lastSeq = event.seq;
    switch (event.state) {
      case 'delta':
        s.text += event.deltaText;
        s.deltas++;
        return skipped ? 'refetch' : 'applied';
      case 'final': {
        const message = asChatMessage(event.message);
        if (!message) {
          // A final without its message: the stored one comes with the next history read.
          return 'refetch';
        }
        // The reply takes the place its stream had, right after the message it answers. The tool
        // steps it took are stored messages of their own: read them back.
        this.#items[index] = { kind: 'stored', message, deltas: s.deltas };
        return s.steps.length ? 'refetch' : 'applied';
      }
      case 'aborted':
      case 'error':
        s.state = event.state;
        if (event.errorMessage) s.error = event.errorMessage;
        // What was streamed is stored with the run's status; read it back.
        return 'refetch';
    }
  }

  /**
   * Apply an `agent` event: a run of this session starting (its lifecycle start names the
   * session; tool events name only the run), the tools it calls and what it reasons (`thinking`
   * events: the text so far), live until the answer is in.
   */
  applyAgent(event: AgentEvent): ApplyOutcome {
    const d = event.data;
    if (this.#storedIndex((m) => isRunAnswer(m) && m.runId === event.runId) >= 0) return 'ignored';
    const known = this.#items.some((it) => it.kind === 'stream' && it.stream.runId === event.runId);
    if (event.stream === 'lifecycle' && d.phase === 'start') {
      if (d.sessionKey !== this.sessionKey || known) return 'ignored';
      this.#streamIndex(event.runId);
      return 'applied';
    }
    if (event.stream === 'thinking' && known) {
      const s = (this.#items[this.#streamIndex(event.runId)] as Extract<Item, { kind: 'stream' }>).stream;
      // The text so far when the event has it; a delta alone is appended.
      if (typeof d.text === 'string') s.thinking = d.text;
      else if (typeof d.delta === 'string') s.thinking += d.delta;
      else return 'ignored';
      return 'applied';
    }
    if (event.stream !== 'tool' || !known || typeof d.toolCallId !== 'string') return 'ignored';
    const s = (this.#items[this.#streamIndex(event.runId)] as Extract<Item, { kind: 'stream' }>).stream;
    let step = s.steps.find((x) => x.toolCallId === d.toolCallId);
    if (!step) {
      const name = typeof d.name === 'string' ? d.name : 'tool';
      step = {
        toolCallId: d.toolCallId,
        name,
        call: callLine({ name, arguments: d.args }),
        state: 'running',
      };
      s.steps.push(step);
    }
    if (d.phase === 'update') step.progress = shorten(progressLine(d.partialResult));
    else if (d.phase === 'result') {
      step.state = d.isError === true ? 'error' : 'done';
      delete step.progress;
    }
    return 'applied';
  }

  /** The run still streaming, if any (the abort button is live). */
  get activeRunId(): string | undefined {
    for (const it of this.#items)
      if (it.kind === 'stream' && it.stream.state === 'streaming') return it.stream.runId;
    return undefined;
  }

  /** The merged transcript, oldest first. */
  entries(): TranscriptEntry[] {
    return this.#items.map(toEntry);
  }

  #outgoingItem(key: string): Extract<Item, { kind: 'outgoing' }> | undefined {
    return this.#items.find(
      (it): it is Extract<Item, { kind: 'outgoing' }> =>
        it.kind === 'outgoing' && it.outgoing.idempotencyKey === key,
    );
  }

  /** The stream item of a run, made when it is first heard of. */
  #streamIndex(runId: string): number {
    const index = this.#items.findIndex((it) => it.kind === 'stream' && it.stream.runId === runId);
    if (index >= 0) return index;
    this.#items.push({
      kind: 'stream',
      stream: {
        runId,
        text: '',
        ts: Date.now(),
        lastSeq: -1,
        deltas: 0,
        state: 'streaming',
        steps: [],
        thinking: '',
      },
    });
    return this.#items.length - 1;
  }

  #storedIndex(match: (m: ChatMessage) => boolean): number {
    return this.#items.findIndex((it) => it.kind === 'stored' && match(it.message));
  }
}

/** The message a run ended with: an assistant message of the run that is not one of its tool steps. */
function isRunAnswer(m: ChatMessage): boolean {
  return m.role === 'assistant' && m.runId !== undefined && toolCallsOf(m).length === 0;
}

function toolCallsOf(m: ChatMessage): { name: string; arguments: unknown }[] {
  return Array.isArray(m.content)
    ? m.content.flatMap((p) => (p.type === 'toolCall' ? [{ name: p.name, arguments: p.arguments }] : []))
    : [];
}

/** The reasoning a stored assistant message keeps as `{type: 'thinking'}` parts, joined. */
function thinkingOf(m: ChatMessage): string {
  if (m.role !== 'assistant' || !Array.isArray(m.content)) return '';
  return m.content
    .flatMap((p) => (p.type === 'thinking' && p.thinking.trim() ? [p.thinking.trim()] : []))
    .join('\n\n');
}

const shorten = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A tool call as one line: `name {args}`, shortened. */
function callLine(c: { name: string; arguments: unknown }): string {
  return `${c.name} ${shorten(JSON.stringify(c.arguments ?? {}))}`;
}

/** A tool's partial result as text (its own text when it is one). */
/** A tool update's line: the text of the reference's `{content: [{type: 'text', text}], details}`, else the value. */
function progressLine(v: unknown): string {
  const content = (v as { content?: unknown } | null)?.content;
  if (Array.isArray(content)) {
    const text = content
      .flatMap((p: { type?: unknown; text?: unknown }) =>
        p?.type === 'text' && typeof p.text === 'string' ? [p.text] : [],
      )
      .join(' ');
    if (text) return text;
  }
  return resultLine(v);
}

function resultLine(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v ?? null) ?? '');
}

function toEntry(it: Item): TranscriptEntry {
  switch (it.kind) {
    case 'stored': {
      const m = it.message;
      const e: TranscriptEntry = {
        key: m.id,
        role: m.role,
        text: m.text,
        ts: m.ts,
        state:
          m.status === 'aborted'
            ? 'aborted'
            : m.status === 'error'
              ? 'error'
              : it.deltas
                ? 'complete'
                : 'stored',
        deltas: it.deltas,
      };
      if (m.runId) e.runId = m.runId;
      if (m.media?.length) e.media = m.media;
      if (m.editedAtMs !== undefined) e.edited = true;
      if (m.deletedAtMs !== undefined) e.deleted = true;
      if (m.reactions?.length) e.reactions = m.reactions.map((r) => r.emoji);
      const calls = toolCallsOf(m);
      if (calls.length) e.toolCalls = calls.map(callLine);
      const thinking = thinkingOf(m);
      if (thinking) e.thinking = thinking;
      if (m.role === 'toolResult') {
        e.tool = m.toolName ?? 'tool';
        if (m.isError) e.state = 'error';
      }
      return e;
    }
    case 'outgoing': {
      const o = it.outgoing;
      const e: TranscriptEntry = {
        key: `send:${o.idempotencyKey}`,
        role: 'user',
        text: o.text,
        ts: o.ts,
        state: o.failed ? 'failed' : o.messageId ? 'stored' : 'sending',
        deltas: 0,
        idempotencyKey: o.idempotencyKey,
      };
      if (o.failed) e.error = o.failed;
      return e;
    }
    case 'stream': {
      const s = it.stream;
      const e: TranscriptEntry = {
        key: `run:${s.runId}`,
        role: 'assistant',
        text: s.text,
        ts: s.ts,
        runId: s.runId,
        state: s.state,
        deltas: s.deltas,
      };
      if (s.error) e.error = s.error;
      if (s.steps.length) e.steps = s.steps.map((x) => ({ ...x }));
      if (s.thinking.trim()) e.thinking = s.thinking.trim();
      return e;
    }
  }
}

function asChatMessage(value: unknown): ChatMessage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const m = value as Partial<ChatMessage>;
  if (typeof m.id !== 'string' || typeof m.text !== 'string' || typeof m.role !== 'string') return undefined;
  return { ...m, ts: typeof m.ts === 'number' ? m.ts : Date.now() } as ChatMessage;
}
