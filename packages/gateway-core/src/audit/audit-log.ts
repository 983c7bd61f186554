import type { Logger } from '../logging/logger.ts';
import type { AuditEntryInput, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';

export type AuditInput = Omit<AuditEntryInput, 'ts'>;

/**
 * The append-only security record: auth failures, pairing decisions, token changes, config
 * changes. Written to the store (readable by security.audit.list) and mirrored to the log.
 */
export class AuditLog {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger;

  constructor(store: Store, clock: Clock, log: Logger) {
    this.#store = store;
    this.#clock = clock;
    this.#log = log;
  }

  async record(entry: AuditInput): Promise<number> {
    const full: AuditEntryInput = { ts: this.#clock.now(), ...entry };
    this.#log.info(
      { audit: full.action, actor: full.actor, target: full.target, peer: full.remoteIp },
      'audit',
    );
    return this.#store.audit.append(full);
  }
}
