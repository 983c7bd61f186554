import type { messagingMethods } from '@openclaw/protocol';
import type { ChannelManager } from '../channels/channel-manager.ts';
import type { FamilyHandlers } from '../router/router.ts';

export interface MessagingDeps {
  channels: ChannelManager;
}

/** send, channels.*, channels.pairing.* and web.login.*: thin over the channel manager. */
export function createMessagingHandlers({
  channels,
}: MessagingDeps): FamilyHandlers<typeof messagingMethods> {
  return {
    send: (params, ctx) => channels.send(params, ctx.caller.id),
    'channels.status': (params) =>
      channels.status(params.channel, { probe: params.probe, timeoutMs: params.timeoutMs }),
    'channels.start': async ({ channel, accountId, timeoutMs }) => ({
      channel,
      accounts: await channels.startAccounts(channel, accountId, timeoutMs),
    }),
    'channels.stop': async ({ channel, accountId }) => ({
      channel,
      accounts: await channels.stopAccounts(channel, accountId),
    }),
    'channels.logout': async ({ channel, accountId }) => ({
      channel,
      accounts: await channels.logout(channel, accountId),
    }),
    'web.login.start': (p) => channels.webLogin('start', p),
    'web.login.wait': (p) => channels.webLogin('wait', p),
    'channels.pairing.list': (params) => channels.pairingList(params),
    'channels.pairing.approve': (params) => channels.pairingApprove(params),
    'channels.pairing.dismiss': (params) => channels.pairingDismiss(params),
  };
}
