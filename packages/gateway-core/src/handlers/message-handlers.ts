import {
  gatewayError,
  type MessageActionResult,
  type messageMethods,
  type SendParams,
} from '@openclaw/protocol';
import type { ChatActions, ChatTarget } from '../channels/chat-actions.ts';
import type { Channels } from '../channels/create-channels.ts';
import type { FamilyHandlers } from '../router/router.ts';

export interface MessageDeps {
  channels: Pick<Channels, 'sender'>;
  chatActions: ChatActions;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function missing(path: string, message: string) {
  return gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', message, {
    details: { path, reason: 'missing' },
  });
}

/** The chat a reference client means: `target`, else `to` without its `<channel>:` prefix. */
function targetOf(channel: string, p: Record<string, unknown>): string {
  const target = str(p.target) ?? str(p.to) ?? str(p.chatId);
  if (!target) throw missing('/params/target', 'message.action needs params.target (or params.to)');
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

/** The platform message an action is about: params.messageId (or message_id / id). */
function messageIdOf(p: Record<string, unknown>): string {
  const id = str(p.messageId) ?? str(p.message_id) ?? str(p.id);
  if (!id) throw missing('/params/messageId', 'this action needs params.messageId');
  return id;
}

/** The send params a reference client's message.action send carries, in this gateway's `send` names. */
function sendOf(
  channel: string,
  accountId: string,
  p: Record<string, unknown>,
  extra: { sessionKey?: string | undefined; idempotencyKey: string },
): SendParams {
  const send: SendParams = {
    to: targetOf(channel, p),
    channel,
    accountId,
    idempotencyKey: extra.idempotencyKey,
  };
  const message = str(p.message) ?? str(p.text) ?? str(p.caption);
  if (message) send.message = message;
  const media = str(p.media) ?? str(p.mediaUrl) ?? str(p.path) ?? str(p.filePath);
  if (media) send.mediaUrl = media;
  if (Array.isArray(p.mediaUrls)) {
    const urls = p.mediaUrls.map(str).filter((u): u is string => u !== undefined);
    if (urls.length) send.mediaUrls = urls;
  }
  const buffer = str(p.buffer);
  if (buffer) send.buffer = buffer;
  const filename = str(p.filename) ?? str(p.fileName);
  if (filename) send.filename = filename;
  const contentType = str(p.contentType) ?? str(p.mimeType);
  if (contentType) send.contentType = contentType;
  if (p.asVoice === true) send.asVoice = true;
  if (p.forceDocument === true || p.asDocument === true) send.forceDocument = true;
  const replyTo = str(p.replyTo) ?? str(p.replyToId);
  if (replyTo) send.replyToId = replyTo;
  const threadId = str(p.threadId);
  if (threadId) send.threadId = threadId;
  if (p.silent === true) send.silent = true;
  if (extra.sessionKey) send.sessionKey = extra.sessionKey;
  return send;
}

/**
 * message.action: send goes through the outbox like `send` (text and media); react (or unreact
 * with params.remove), edit and delete of the gateway's own messages go to the account's adapter
 * through the chat actions, refused with a typed ACTION_UNSUPPORTED where the platform has none.
 */
export function createMessageHandlers({
  channels,
  chatActions: actions,
}: MessageDeps): FamilyHandlers<typeof messageMethods> {
  return {
    'message.action': async (
      { channel, action, params: p, accountId: acct, sessionKey, idempotencyKey },
      ctx,
    ) => {
      const accountId = str(acct) ?? str(p.accountId) ?? 'default';
      if (action === 'send') {
        const r = await channels.sender.send(
          sendOf(channel, accountId, p, { sessionKey, idempotencyKey }),
          ctx.caller.id,
        );
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
      if (action !== 'react' && action !== 'unreact' && action !== 'edit' && action !== 'delete')
        throw unsupported(action, channel, 'this gateway supports send, react, unreact, edit and delete');
      const target: ChatTarget = { channel, accountId, chatId: targetOf(channel, p) };
      const threadId = str(p.threadId);
      if (threadId) target.threadId = threadId;
      const messageId = messageIdOf(p);
      // Refusals (unsupported here, not running, the platform's no) are the chat actions' typed errors.
      switch (action) {
        case 'react':
        case 'unreact': {
          const emoji = str(p.emoji) ?? str(p.reaction);
          const remove = action === 'unreact' || p.remove === true;
          if (!emoji && !remove) throw missing('/params/emoji', 'react needs params.emoji');
          await actions.react(target, messageId, emoji ?? '', remove);
          break;
        }
        case 'edit': {
          const text = str(p.message) ?? str(p.text);
          if (!text) throw missing('/params/message', 'edit needs params.message (the new text)');
          await actions.edit(target, messageId, text);
          break;
        }
        case 'delete':
          await actions.delete(target, messageId);
          break;
      }
      return { ok: true as const, action, channel, accountId, to: target.chatId, messageId };
    },
  };
}
