import type { GatewayClient } from '@openclaw/protocol';

/** The key of the first session `sessions.list` shows for `channel` (a chat's session), if any. */
export async function channelSessionKey(op: GatewayClient, channel: string): Promise<string | undefined> {
  return (await op.request('sessions.list', {})).sessions.find((s) => s.channel === channel)?.key;
}

/** What a cluster test reads of an account's status: connected here, or held by another gateway. */
export interface AccountHold {
  connected?: boolean;
  healthState?: string;
}

/** The first account of `channel` in `channels.status` (its default account), if any. */
export async function channelAccount(op: GatewayClient, channel: string): Promise<AccountHold | undefined> {
  return (await op.request('channels.status', {})).channelAccounts[channel]?.[0] as AccountHold | undefined;
}
