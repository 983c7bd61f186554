import {
  gatewayError,
  type MessageActionResult,
  type messageMethods,
  type SendParams,
} from '@openclaw/protocol';
import type { ChannelManager } from '../channels/channel-manager.ts';
import type { FamilyHandlers } from '../router/router.ts';

export interface MessageDeps {
  channels: ChannelManager;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** The chat a reference client means: `target`, else `to` without its `<channel>:` prefix. */
function targetOf(channel: string, p: Record<string, unknown>): string {
  const target = str(p.target) ?? str(p.to) ?? str(p.chatId);
  if (!target) {
    throw gatewayError(
      'INVALID_REQUEST',
      'PARAMS_INVALID',
      'message.action needs params.target (or params.to)',
      {
        details: { path: '/params/target', reason: 'missing' },
      },
    );
  }
  return target.startsWith(`${channel}:`) ? target.slice(channel.length + 1) : target;
}

function unsupported(action: string, channel: string, why: string) {
  return gatewayError(
    'INVALID_REQUEST',
    'ACTION_UNSUPPORTED',
    `${action} is not supported by ${channel}: ${why}`,
    {
      details: { action, channel },
    },
  );
}

/** message.action: send goes through the outbox like `send`; react uses the adapter where it can. */
export function createMessageHandlers({ channels }: MessageDeps): FamilyHandlers<typeof messageMethods> {
  return {
    'message.action': async (
      { channel, action, params: p, accountId: acct, sessionKey, idempotencyKey },
      ctx,
    ) => {
      const accountId = str(acct) ?? str(p.accountId) ?? 'default';
      switch (action) {
        case 'send': {
          const send: SendParams = { to: targetOf(channel, p), channel, accountId, idempotencyKey };
          const message = str(p.message) ?? str(p.text);
          if (message) send.message = message;
          const media = str(p.media) ?? str(p.mediaUrl);
          if (media) send.mediaUrl = media;
          const replyTo = str(p.replyTo) ?? str(p.replyToId);
          if (replyTo) send.replyToId = replyTo;
          const threadId = str(p.threadId);
          if (threadId) send.threadId = threadId;
          if (p.silent === true) send.silent = true;
          if (sessionKey) send.sessionKey = sessionKey;
          const r = await channels.send(send, ctx.caller.id);
          const out: MessageActionResult = {
            ok: true,
            action,
            channel: r.channel,
            accountId: r.accountId,
            to: r.to,
            messageId: r.messageId,
            status: r.status,
          };
          if (r.platformMessageIds) out.platformMessageIds = r.platformMessageIds;
          if (r.chunks !== undefined) out.chunks = r.chunks;
          return out;
        }
        case 'react': {
          const chatId = targetOf(channel, p);
          const messageId = str(p.messageId);
          const emoji = str(p.emoji) ?? str(p.reaction);
          if (!messageId || !emoji) {
            throw gatewayError(
              'INVALID_REQUEST',
              'PARAMS_INVALID',
              'react needs params.messageId and params.emoji',
              {
                details: { path: messageId ? '/params/emoji' : '/params/messageId', reason: 'missing' },
              },
            );
          }
          const adapter = channels.liveAdapter(channel, accountId);
          if (!adapter) {
            throw gatewayError(
              'UNAVAILABLE',
              'CHANNEL_NOT_RUNNING',
              `${channel}/${accountId} is not running here`,
              {
                retryable: true,
                details: { channel, accountId },
              },
            );
          }
          if (!adapter.capabilities.reactions || !adapter.react)
            throw unsupported(action, channel, 'it has no reactions');
          await adapter.react(chatId, messageId, emoji);
          return { ok: true as const, action, channel, accountId, to: chatId, messageId };
        }
        case 'edit':
        case 'delete':
          throw unsupported(action, channel, `its adapter cannot ${action} sent messages`);
        default:
          throw unsupported(action, channel, 'this gateway supports send and react');
      }
    },
  };
}
