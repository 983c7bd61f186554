import type { GatewayConfig, HeartbeatVisibility } from '@openclaw/protocol';

export type Visibility = Required<HeartbeatVisibility>;

/** The reference's built-in defaults: acknowledgements stay quiet, alerts go out. */
const BUILT_IN: Visibility = { showOk: false, showAlerts: true, useIndicator: true };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const visibilityOf = (v: unknown): HeartbeatVisibility =>
  isObj(v) && isObj(v.heartbeatVisibility) ? (v.heartbeatVisibility as HeartbeatVisibility) : {};

/**
 * What of a heartbeat turn reaches a chat on this channel account: each key from the account,
 * else the channel, else `channels.defaults`, else the built-in default (the reference's order).
 * Without a chat (`none`, no route) only the defaults apply.
 */
export function heartbeatVisibility(
  config: Pick<GatewayConfig, 'channels'>,
  channel?: string | undefined,
  accountId?: string | undefined,
): Visibility {
  const channels = config.channels as Record<string, unknown>;
  const ch = channel ? channels[channel] : undefined;
  const accounts = isObj(ch) && isObj(ch.accounts) ? ch.accounts : {};
  const layers = [
    visibilityOf(channels.defaults),
    visibilityOf(ch),
    visibilityOf(accounts[accountId ?? 'default']),
  ];
  const out = { ...BUILT_IN };
  for (const layer of layers)
    for (const k of Object.keys(BUILT_IN) as (keyof Visibility)[])
      if (typeof layer[k] === 'boolean') out[k] = layer[k];
  return out;
}
