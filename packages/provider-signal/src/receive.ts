import type { Receiver } from '@openclaw/channel-rest';
import { pause, settleWithin } from '@openclaw/gateway-core/channel';
import { WebSocket } from 'ws';
import type { SignalReceiveItem } from './normalize.ts';
import { type SignalApi, SignalHttpError } from './signal-api.ts';

export interface ReceiveHandlers {
  /** One item, in arrival order; must not throw. */
  onItem(item: SignalReceiveItem): Promise<void>;
  /** The loop died after it started (never called once close() began). */
  onFail(error: unknown): void;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
const CLOSE_WAIT_MS = 1000;

/** A frame is `{envelope, account}`; a raw signal-cli JSON-RPC notification wraps it in `params`. */
function itemOf(frame: unknown): SignalReceiveItem | undefined {
  if (typeof frame !== 'object' || frame === null) return undefined;
  const f = frame as { envelope?: unknown; params?: { envelope?: unknown } };
  if (f.envelope) return f as SignalReceiveItem;
  if (f.params?.envelope) return f.params as SignalReceiveItem;
  return undefined;
}

/**
 * json-rpc mode: `/v1/receive/{number}` upgraded to a WebSocket. Resolves once open; an HTTP answer
 * instead of the upgrade rejects with SignalHttpError so the caller can tell "wrong mode" or
 * "unknown number" from a network failure. Reconnecting is the supervisor's job, so a drop is only
 * reported.
 */
export async function openReceiveSocket(
  url: string,
  signal: AbortSignal,
  h: ReceiveHandlers & { onBadFrame(error: unknown): void },
): Promise<Receiver> {
  const ws = new WebSocket(url, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
  let opened = false;
  let closing = false;
  let lastError: unknown;
  // Frames are handled one after another so the core sees messages in order.
  let chain = Promise.resolve();
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      ws.terminate();
      reject(new Error('stopped while connecting'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    ws.once('open', () => {
      signal.removeEventListener('abort', onAbort);
      opened = true;
      resolve();
    });
    ws.once('unexpected-response', (_req, res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.once('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        signal.removeEventListener('abort', onAbort);
        reject(new SignalHttpError(res.statusCode ?? 0, body, 'GET /v1/receive (websocket)'));
        ws.terminate();
      });
    });
    ws.on('error', (error) => {
      lastError = error;
      if (!opened) {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      }
    });
  });

  ws.on('message', (data, isBinary) => {
    let item: SignalReceiveItem | undefined;
    try {
      item = isBinary ? undefined : itemOf(JSON.parse(String(data)));
    } catch (error) {
      h.onBadFrame(error);
      return;
    }
    if (item) {
      const it = item;
      chain = chain.then(() => h.onItem(it));
    }
  });
  ws.once('close', (code, reason) => {
    if (closing) return;
    const why = lastError instanceof Error ? `: ${lastError.message}` : reason.length ? `: ${reason}` : '';
    h.onFail(new Error(`signal receive socket closed (${code})${why}`));
  });

  return {
    close: async () => {
      closing = true;
      // A function, so TypeScript does not narrow readyState across close().
      const open = () => ws.readyState !== WebSocket.CLOSED;
      if (open()) {
        ws.close(1000);
        // A server that never answers the close frame gets the socket cut.
        await settleWithin(closed, CLOSE_WAIT_MS);
        if (open()) {
          ws.terminate();
          await closed;
        }
      }
      await chain;
    },
  };
}

/**
 * normal/native mode: GET /v1/receive in a loop. `first` is the batch start() already fetched (it
 * proved the number is known). After a batch we poll again at once, since more may be waiting; after
 * an empty one we pause, because in normal mode every receive launches a signal-cli process.
 * close() expects `signal` to be aborted first; it then waits for the loop to notice.
 */
export function startPolling(
  api: SignalApi,
  first: SignalReceiveItem[],
  intervalMs: number,
  signal: AbortSignal,
  h: ReceiveHandlers,
): Receiver {
  const loop = (async () => {
    let items = first;
    for (;;) {
      for (const item of items) await h.onItem(item);
      if (signal.aborted) return;
      if (items.length === 0) await pause(intervalMs, signal);
      if (signal.aborted) return;
      items = await api.receive(signal);
    }
  })().catch((error: unknown) => {
    if (!signal.aborted) h.onFail(error);
  });
  return { close: () => loop };
}
