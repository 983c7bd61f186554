import type { SendParams, SendResult } from '@openclaw/protocol';
import { Type } from '@sinclair/typebox';
import { defineTool } from './agent-tool.ts';

export const MessageToolInput = Type.Object(
  {
    action: Type.Union([Type.Literal('send'), Type.Literal('react')], {
      description: 'send: a message to a chat (in a thread with threadId). react: an emoji on a message.',
    }),
    text: Type.Optional(Type.String({ minLength: 1, description: 'send: the message.' })),
    messageId: Type.Optional(Type.String({ description: 'react: the platform message.' })),
    emoji: Type.Optional(Type.String({ description: 'react: the emoji.' })),
    channel: Type.Optional(
      Type.String({ description: 'telegram, slack, …; default: the chat this turn answers.' }),
    ),
    accountId: Type.Optional(Type.String({ description: 'The channel account (default: default).' })),
    to: Type.Optional(Type.String({ description: 'The chat id; default: the chat this turn answers.' })),
    threadId: Type.Optional(Type.String({ description: 'Reply in this thread.' })),
    replyToId: Type.Optional(Type.String({ description: 'The platform message this one answers.' })),
  },
  { additionalProperties: false },
);

/**
 * `message`: send on any configured channel through the outbox (durable, paced, chunked). The
 * idempotency key is the tool call's, so a call retried after a crash sends nothing twice.
 */
export interface MessageServices {
  send(params: SendParams, caller: string): Promise<SendResult>;
  react(
    target: { channel: string; accountId: string; chatId: string },
    messageId: string,
    emoji: string,
  ): Promise<void>;
}

export function messageTool(services: MessageServices) {
  return defineTool({
    name: 'message',
    description:
      'Send a message on a chat channel (Telegram, Slack, Discord, WhatsApp, Signal, iMessage), or react to one. Without channel and to it goes to the chat this turn answers.',
    schema: MessageToolInput,
    methodFor: (input) => (input.action === 'react' ? 'message.action' : 'send'),
    async run(input, ctx) {
      const here = ctx.deliverTo;
      const channel = input.channel ?? here?.channel;
      const to = input.to ?? (input.channel && input.channel !== here?.channel ? undefined : here?.chatId);
      if (!channel || !to) throw new Error('name channel and to (this turn answers no chat)');
      if (ctx.unattended && (channel !== here?.channel || to !== here.chatId))
        throw new Error('FORBIDDEN: a turn no operator started messages only the chat it answers');
      const accountId = input.accountId ?? (channel === here?.channel ? here.accountId : undefined);
      if (input.action === 'react') {
        if (!input.messageId || !input.emoji) throw new Error('react needs messageId and emoji');
        await services.react(
          { channel, accountId: accountId ?? 'default', chatId: to },
          input.messageId,
          input.emoji,
        );
        return { channel, to, messageId: input.messageId, reacted: input.emoji };
      }
      if (!input.text) throw new Error('send needs text');
      const params: SendParams = {
        to,
        channel,
        message: input.text,
        idempotencyKey: ctx.idempotencyKey,
        sessionKey: ctx.sessionKey,
      };
      if (accountId) params.accountId = accountId;
      if (input.threadId) params.threadId = input.threadId;
      if (input.replyToId) params.replyToId = input.replyToId;
      const r = await services.send(params, `agent:${ctx.runId}`);
      return { channel: r.channel, to: r.to, messageId: r.messageId, status: r.status };
    },
  });
}
