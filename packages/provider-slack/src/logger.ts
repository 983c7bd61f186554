import type { ChannelLogger } from '@openclaw/gateway-core/channel';
import { type Logger, LogLevel } from '@slack/web-api';

const text = (parts: unknown[]) =>
  parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : String(p))).join(' ');

/**
 * The Slack libraries' logger interface over the gateway's. Without it they print to the console.
 * Their `error` lines (a dropped socket they are about to reconnect) become warnings: the adapter
 * reports real failures itself, through ctx.fail and typed errors.
 */
export function slackLogger(log: ChannelLogger, name: string): Logger {
  const lib = { lib: name };
  return {
    debug: (...m: unknown[]) => log.debug(lib, text(m)),
    info: (...m: unknown[]) => log.debug(lib, text(m)),
    warn: (...m: unknown[]) => log.warn(lib, text(m)),
    error: (...m: unknown[]) => log.warn(lib, text(m)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
