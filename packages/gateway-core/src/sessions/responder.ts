/** One earlier message of the session, for backends that use context. */
export interface HistoryTurn {
  role: 'user' | 'assistant' | 'system';
  text: string;
}

/** What turns a message into a reply: the echo backend, an OpenAI-compatible server, … */
export interface Responder {
  readonly name: string;
  respond(
    input: { sessionKey: string; runId: string; text: string; signal: AbortSignal; history: HistoryTurn[] },
    onDelta: (text: string) => void,
  ): Promise<string>;
}

/** Deterministic: replies `echo: <text>`, streamed word by word. */
export const echoResponder: Responder = {
  name: 'echo',
  async respond({ text, signal }, onDelta) {
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
    return out;
  },
};
