import type { ChannelManager } from '../channels/channel-manager.ts';
import type { HandlerTable } from '../router/router.ts';

/** send, channels.* and channels.pairing.*: thin over the channel manager. */
export function createChannelHandlers(channels: ChannelManager): HandlerTable {
  return {
    send: (params, ctx) => channels.send(params, ctx.session.deviceId ?? 'shared-secret'),
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
