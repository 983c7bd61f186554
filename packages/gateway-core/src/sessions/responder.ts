import type { RunDelivery, RunTurnOptions, StoredMedia, StoredToolCall } from '../store/types.ts';

/** One earlier message of the session, for backends that use context. */
export interface HistoryTurn {
  role: 'user' | 'assistant' | 'system' | 'toolResult';
  text: string;
  /** Its position in the session (stored messages). */
  seq?: number | undefined;
  /** An assistant step's tool calls. */
  toolCalls?: StoredToolCall[] | undefined;
  /** assistant: what the model reasoned before it (kept for the history; not sent to the model again). */
  reasoning?: string | undefined;
  /** toolResult: the call it answers. */
  toolCallId?: string | undefined;
  toolName?: string | undefined;
  isError?: boolean | undefined;
  /** toolResult: the pictures the call showed the model (in the media store). */
  images?: StoredMedia[] | undefined;
  /** toolResult: media the call attached to the turn's reply. */
  attachments?: StoredMedia[] | undefined;
}

/** A message of the turn itself, stored in the session as it happens (a tool step, a tool result). */
export type TurnMessage = Omit<HistoryTurn, 'role'> & { role: 'assistant' | 'toolResult' };

export interface ResponderInput {
  sessionKey: string;
  runId: string;
  /** The message, with a text description of any attachments (transcripts included). */
  text: string;
  signal: AbortSignal;
  history: HistoryTurn[];
  /** This message's attachments (stored ones have a ref). */
  media?: readonly StoredMedia[] | undefined;
  /** The bytes of a stored attachment (images for a model that accepts them). */
  readMedia?: ((ref: string) => Promise<Uint8Array>) | undefined;
  /** A run resumed after a crash: the tool steps it had stored (calls, and the results it got). */
  steps?: HistoryTurn[] | undefined;
  /** Who started the run: the scopes its tool calls are checked against. */
  scopes?: readonly string[] | undefined;
  /** What the run asks of its turn over the agent's settings: model, fallbacks, tools, context. */
  turn?: RunTurnOptions | undefined;
  /** The chat the run answers, when it came from a channel. */
  deliverTo?: RunDelivery | undefined;
  /** An agent event of the run (`tool` start/update/result, `lifecycle` notes, `thinking` text). */
  emit?: ((stream: 'tool' | 'lifecycle' | 'thinking', data: Record<string, unknown>) => void) | undefined;
  /** Store a message of this turn in the session history (tool steps and their results). */
  record?: ((message: TurnMessage) => Promise<void>) | undefined;
}

/** A reply with attachments (stored media the reply carries out, e.g. to a channel). */
export interface ResponderReply {
  text: string;
  media?: StoredMedia[] | undefined;
  /** What the model reasoned before the answer: stored with it, never sent with it to a chat. */
  reasoning?: string | undefined;
}

/** What turns a message into a reply: the echo backend, the model runtime, … */
export interface Responder {
  readonly name: string;
  /**
   * A run of this session is about to start: begin what its turn will read (files, through the
   * thread pool) now, so it is ready when the turn asks (the run's record is written meanwhile).
   */
  prepare?(sessionKey: string): void;
  respond(input: ResponderInput, onDelta: (text: string) => void): Promise<string | ResponderReply>;
}

/**
 * Deterministic: replies `echo: <text>`, streamed word by word, and sends back the photos it was
 * sent (so a photo in comes back out as the same bytes on any channel).
 */
export const echoResponder: Responder = {
  name: 'echo',
  async respond({ text, signal, media }, onDelta) {
    const reply = `echo: ${text}`;
    const words = reply.split(/(?<= )/);
    let out = '';
    for (const w of words) {
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      // Yield between deltas so aborts and other sessions get a turn, as a real stream would.
      await new Promise((r) => setImmediate(r));
      out += w;
      onDelta(w);
    }
    const images = (media ?? []).filter((m) => m.kind === 'image' && m.ref);
    return images.length ? { text: out, media: images.map(({ caption: _c, note: _n, ...m }) => m) } : out;
  },
};
