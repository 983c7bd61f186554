import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../http-util.ts';

/** One POST as the receiver saw it, with the status it answered. */
export interface WebhookHit {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
}

/**
 * A plain HTTP server on loopback that records every request a webhook sender makes and answers
 * each with the next scripted status (200 once the script is used up), for testing outbound
 * webhooks over a real socket.
 */
export class WebhookReceiver {
  readonly hits: WebhookHit[] = [];
  readonly #server: Server;
  #script: number[] = [];
  #fallback = 200;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<WebhookReceiver> {
    let self: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const status = self!.#script.shift() ?? self!.#fallback;
        self!.hits.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: body.toString('utf8'),
          status,
        });
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    self = new WebhookReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The URL of a path on this receiver. */
  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answer the next requests with these statuses, in order. */
  answer(...statuses: number[]): void {
    this.#script.push(...statuses);
  }

  /** Answer every request after the script with this status (200 unless changed). */
  answerAlways(status: number): void {
    this.#fallback = status;
  }

  /** The requests answered with a 2xx. */
  accepted(): WebhookHit[] {
    return this.hits.filter((h) => h.status >= 200 && h.status < 300);
  }

  /** The parsed JSON bodies of the requests answered with a 2xx. */
  acceptedBodies(): Record<string, unknown>[] {
    return this.accepted().map((h) => JSON.parse(h.body) as Record<string, unknown>);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
