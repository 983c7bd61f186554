import type { messagingMethods } from '@openclaw/protocol';
import type { Channels } from '../channels/create-channels.ts';
import type { FamilyHandlers } from '../router/router.ts';

export interface MessagingDeps {
  channels: Pick<Channels, 'sender' | 'status' | 'accounts' | 'linking' | 'pairing'>;
}

/** send, channels.*, channels.pairing.* and web.login.*: thin over the channels wing. */
export function createMessagingHandlers({
  channels,
}: MessagingDeps): FamilyHandlers<typeof messagingMethods> {
  return {
    send: (params, ctx) => channels.sender.send(params, ctx.caller.id),
    'channels.status': (params) =>
      channels.status.report(params.channel, { probe: params.probe, timeoutMs: params.timeoutMs }),
    'channels.start': async ({ channel, accountId, timeoutMs }) => ({
      channel,
      accounts: await channels.accounts.startAccounts(channel, accountId, timeoutMs),
    }),
    'channels.stop': async ({ channel, accountId }) => ({
      channel,
      accounts: await channels.accounts.stopAccounts(channel, accountId),
    }),
    'channels.logout': async ({ channel, accountId }) => ({
      channel,
      accounts: await channels.linking.logout(channel, accountId),
    }),
    'web.login.start': (p) => channels.linking.webLogin('start', p),
    'web.login.wait': (p) => channels.linking.webLogin('wait', p),
    'channels.pairing.list': (params) => channels.pairing.list(params),
    'channels.pairing.approve': (params) => channels.pairing.approve(params),
    'channels.pairing.dismiss': (params) => channels.pairing.dismiss(params),
  };
}
