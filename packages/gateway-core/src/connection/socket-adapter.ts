import type { ConnectionHandle } from './connection-hub.ts';
import type { PeerInfo, Transport } from './transport.ts';

/**
 * The shape of a `ws` WebSocket that the core uses, declared structurally so the core does not
 * depend on the ws package.
 */
export interface WsSocketLike {
  send(data: string): void;
  readonly bufferedAmount: number;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (code: number, reason: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

function byteLength(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (Array.isArray(data)) return data.reduce((n: number, b: Buffer) => n + b.length, 0);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

function toText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (ArrayBuffer.isView(data))
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  return '';
}

interface RawSocket {
  write(data: Buffer): boolean;
}

/**
 * One text frame as one buffer, written straight to the socket: one write call instead of
 * ws's header + payload pair (cork, two writes, writev). Only while the socket is open and
 * nothing else (a close frame) may be in flight; otherwise through ws.
 */
function sendText(ws: WsSocketLike, frame: string): void {
  const socket = (ws as unknown as { _socket?: RawSocket; readyState: number })._socket;
  if ((ws as unknown as { readyState: number }).readyState !== 1 || !socket) {
    ws.send(frame);
    return;
  }
  const len = Buffer.byteLength(frame);
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const buf = Buffer.allocUnsafe(head + len);
  buf[0] = 0x81; // FIN, text
  if (head === 2) buf[1] = len;
  else if (head === 4) {
    buf[1] = 126;
    buf.writeUInt16BE(len, 2);
  } else {
    buf[1] = 127;
    buf.writeUInt32BE(0, 2);
    buf.writeUInt32BE(len, 6);
  }
  buf.write(frame, head, 'utf8');
  socket.write(buf);
}

/** Wire a ws socket to the core: frames in, frames out, close both ways. */
export function attachSocket(
  core: { accept(transport: Transport, peer: PeerInfo): ConnectionHandle },
  ws: WsSocketLike,
  peer: PeerInfo,
  options: { onReady?: () => void } = {},
): ConnectionHandle {
  const transport: Transport = {
    send: (frame) => sendText(ws, frame),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
  };
  if (options.onReady) {
    // One shot, then forgotten: whatever the callback holds (the upgrade request) can be collected.
    let onReady: (() => void) | undefined = options.onReady;
    transport.ready = () => {
      const f = onReady;
      onReady = undefined;
      delete transport.ready;
      f?.();
    };
  }
  const handle = core.accept(transport, peer);
  ws.on('message', (data, isBinary) => {
    if (isBinary) handle.binary();
    else handle.message(toText(data), byteLength(data));
  });
  ws.on('close', (code, reason) => handle.closed(code, toText(reason)));
  ws.on('error', () => {
    // ws emits close after error; the close handler does the bookkeeping.
  });
  return handle;
}
