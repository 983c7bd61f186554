import type { ChannelLogger } from '@openclaw/gateway-core/channel';
import type { SocketConfig } from '@whiskeysockets/baileys';

export type BaileysLogger = SocketConfig['logger'];

/**
 * Baileys' logger, bridged to the account's log at warn. Below warn it is chatty (every node at
 * trace), and its "errors" include normal events such as the 515 restart after pairing, so both
 * warn and error land as warnings; the adapter reports real failures itself.
 */
export function baileysLogger(log: ChannelLogger, bindings: Record<string, unknown> = {}): BaileysLogger {
  const out =
    (level: 'warn') =>
    (obj: unknown, msg?: string): void => {
      // `lib`, not `component`: the account's logger already binds `component`, and pino would
      // write the key twice.
      if (typeof obj === 'string') log[level]({ lib: 'baileys', ...bindings }, obj);
      else log[level]({ lib: 'baileys', ...bindings, detail: obj }, msg ?? 'baileys');
    };
  const noop = (): void => {};
  return {
    level: 'warn',
    child: (more) => baileysLogger(log, { ...bindings, ...more }),
    trace: noop,
    debug: noop,
    info: noop,
    warn: out('warn'),
    error: out('warn'),
  };
}
