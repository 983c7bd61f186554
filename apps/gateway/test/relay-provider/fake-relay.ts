// A small fake of the made-up Relay platform, for the throwaway provider's contract run: the
// three routes the adapter calls, with a control API like the real fakes in packages/test-fakes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  ActivityMeter,
  type ClientActivity,
  closeServer,
  FailureQueue,
  listen,
  listenAgain,
  readBody,
  sendJson,
  stopListening,
} from '@openclaw/test-fakes';
import type { RelayUpdate } from './relay-adapter.ts';

/** Relay refuses a text longer than this many code points (400). */
export const RELAY_TEXT_MAX = 500;

export class FakeRelay {
  readonly token = 'relay-token-0123456789';
  readonly sent: { chatId: string; text: string }[] = [];
  /** Every POST /send, answered or refused. */
  sendCalls = 0;
  readonly #server: Server;
  readonly #activity = new ActivityMeter();
  readonly #failures = new FailureQueue();
  readonly #updates: RelayUpdate[] = [];
  readonly #waiters = new Set<() => void>();
  #port = 0;

  private constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#activity.watch(this.#server);
  }

  static async start(): Promise<FakeRelay> {
    const fake = new FakeRelay();
    fake.#port = await listen(fake.#server);
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  pushDirect(from: { id: string; name: string }, text: string): void {
    this.#push({ id: from.id, kind: 'direct' }, from, text, false);
  }

  pushGroup(groupId: string, from: { id: string; name: string }, text: string, mentionsBot: boolean): void {
    this.#push({ id: groupId, kind: 'group', title: 'The group' }, from, text, mentionsBot);
  }

  failNextSend(status: number, retryAfter?: number): void {
    this.#failures.push({ method: 'send', status, ...(retryAfter === undefined ? {} : { retryAfter }) });
  }

  activity(): ClientActivity {
    return this.#activity.snapshot();
  }

  async goOffline(): Promise<void> {
    this.#port = await stopListening(this.#server);
  }

  async goOnline(): Promise<void> {
    await listenAgain(this.#server, this.#port);
  }

  async close(): Promise<void> {
    for (const wake of this.#waiters) wake();
    await closeServer(this.#server);
  }

  #push(chat: RelayUpdate['chat'], from: RelayUpdate['from'], text: string, mentionsBot: boolean): void {
    const seq = this.#updates.length;
    this.#updates.push({ seq, id: `m${seq}`, at: Date.now(), chat, from, text, mentionsBot });
    for (const wake of [...this.#waiters]) wake();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay');
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return sendJson(res, 401, { error: 'unauthorized' });
    if (req.method === 'GET' && url.pathname === '/me')
      return sendJson(res, 200, { id: 'bot-1', name: 'Relay Bot' });
    if (req.method === 'GET' && url.pathname === '/updates') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const holdMs = Math.min(Number(url.searchParams.get('holdMs') ?? 0), 25_000);
      if (this.#updates.length <= offset && holdMs > 0) await this.#hold(res, holdMs);
      if (res.destroyed) return;
      return sendJson(res, 200, this.#updates.slice(offset));
    }
    if (req.method === 'POST' && url.pathname === '/send') {
      this.sendCalls++;
      const body = JSON.parse((await readBody(req)).toString('utf8')) as { chatId: string; text: string };
      const failure = this.#failures.take('send');
      if (failure) {
        const headers: Record<string, string> =
          failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
        return sendJson(res, failure.status, { error: 'refused' }, headers);
      }
      if ([...body.text].length > RELAY_TEXT_MAX) return sendJson(res, 400, { error: 'text too long' });
      this.sent.push({ chatId: body.chatId, text: body.text });
      return sendJson(res, 200, { id: `s${this.sent.length}` });
    }
    sendJson(res, 404, { error: 'no such route' });
  }

  /** Until a new update, the hold runs out, or the client goes away; leaves no timer behind. */
  #hold(res: ServerResponse, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        res.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
      // Before the answer is written, a response closes only when the client goes away.
      res.once('close', done);
    });
  }
}
