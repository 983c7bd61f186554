import type { StoredMedia } from '../store/types.ts';

/** One earlier message of the session, for backends that use context. */
export interface HistoryTurn {
  role: 'user' | 'assistant' | 'system';
  text: string;
}

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
}

/** A reply with attachments (stored media the reply carries out, e.g. to a channel). */
export interface ResponderReply {
  text: string;
  media?: StoredMedia[] | undefined;
}

/** What turns a message into a reply: the echo backend, an OpenAI-compatible server, … */
export interface Responder {
  readonly name: string;
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
