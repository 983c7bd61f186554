import type { Channels } from '../channels/create-channels.ts';
import type { HandlerTable } from '../router/router.ts';

/** send, channels.*, web.login.* and channels.pairing.*: thin over the channels wing. */
export function createChannelHandlers(
  channels: Pick<Channels, 'sender' | 'status' | 'accounts' | 'linking' | 'pairing'>,
): HandlerTable {
  const { sender, status, accounts, linking, pairing } = channels;
  return {
    send: (params, ctx) => sender.send(params, ctx.session.deviceId ?? 'shared-secret'),
    'channels.status': (params) =>
      status.report(params.channel, { probe: params.probe, timeoutMs: params.timeoutMs }),
    'channels.start': async ({ channel, accountId, timeoutMs }) => ({
      channel,
      accounts: await accounts.startAccounts(channel, accountId, timeoutMs),
    }),
    'channels.stop': async ({ channel, accountId }) => ({
      channel,
      accounts: await accounts.stopAccounts(channel, accountId),
    }),
    'channels.logout': async ({ channel, accountId }) => ({
      channel,
      accounts: await linking.logout(channel, accountId),
    }),
    'web.login.start': (p) => linking.webLogin('start', p),
    'web.login.wait': (p) => linking.webLogin('wait', p),
    'channels.pairing.list': (params) => pairing.list(params),
    'channels.pairing.approve': (params) => pairing.approve(params),
    'channels.pairing.dismiss': (params) => pairing.dismiss(params),
  };
}
