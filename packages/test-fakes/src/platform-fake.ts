import type { Server } from 'node:http';
import { ActivityMeter, type ClientActivity, listenAgain, stopListening, waitFor } from './http-util.ts';

/**
 * What every platform fake does the same way: record what the bot sent, wait for it, go off the
 * network and come back on the same ports, and say what its clients hold open.
 */
export abstract class PlatformFake<TSent> {
  /** Messages the bot sent, in order. */
  readonly sent: TSent[] = [];
  /** Counts the fake's connections and calls; subclasses watch their servers and sockets with it. */
  protected readonly meter = new ActivityMeter();
  readonly #offlinePorts = new Map<Server, number>();

  /** Every server the fake listens on. */
  protected abstract servers(): Server[];

  /** Cut what closing a server leaves open (upgraded WebSockets). Nothing, unless a fake has some. */
  protected dropConnections(): void {}

  waitForSent(count: number, timeoutMs = 5000): Promise<TSent[]> {
    return waitFor(
      () => (this.sent.length >= count ? this.sent : undefined),
      timeoutMs,
      `${count} sent messages`,
    );
  }

  /**
   * The platform becomes unreachable: open connections are cut and new ones refused
   * (ECONNREFUSED) until goOnline(). Everything the fake knows is kept.
   */
  async goOffline(): Promise<void> {
    this.dropConnections();
    for (const server of this.servers()) {
      if (!this.#offlinePorts.has(server)) this.#offlinePorts.set(server, await stopListening(server));
    }
  }

  /** Reachable again, on the same port(s). */
  async goOnline(): Promise<void> {
    for (const [server, port] of this.#offlinePorts) await listenAgain(server, port);
    this.#offlinePorts.clear();
  }

  /** What the fake sees of its clients now: open connections, pending requests, WebSockets, calls. */
  activity(): ClientActivity {
    return this.meter.snapshot();
  }
}
