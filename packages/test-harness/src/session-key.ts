import type { GatewayClient } from '@openclaw/protocol';

/** The key of the first session `sessions.list` shows for `channel` (a chat's session), if any. */
export async function channelSessionKey(op: GatewayClient, channel: string): Promise<string | undefined> {
  return (await op.request('sessions.list', {})).sessions.find((s) => s.channel === channel)?.key;
}
