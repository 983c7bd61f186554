import { CoreError } from '../errors/core-error.ts';
import type { Logger } from '../logging/logger.ts';
import { PermanentSendError } from './sdk/errors.ts';
import type { ChannelAdapter } from './sdk/types.ts';

/** A chat on a channel account. */
export interface ChatTarget {
  channel: string;
  accountId: string;
  chatId: string;
  threadId?: string | undefined;
}

export type ChatActionErrorCode = 'ACTION_UNSUPPORTED' | 'ACTION_REJECTED' | 'CHANNEL_NOT_RUNNING';

/** A chat action refused here or by the platform; a request is answered by its code (errors/to-gateway-error.ts). */
export class ChatActionError extends CoreError<ChatActionErrorCode> {
  override name = 'ChatActionError';
}

type Action = 'react' | 'unreact' | 'edit' | 'delete';

function unsupported(action: Action, t: ChatTarget, why: string): ChatActionError {
  return new ChatActionError('ACTION_UNSUPPORTED', `${action} is not supported by ${t.channel}: ${why}`, {
    details: { action, channel: t.channel },
  });
}

/** The platform said no (a message too old to edit, not ours…): ACTION_REJECTED; anything else as it is. */
async function onPlatform(action: Action, t: ChatTarget, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof PermanentSendError)) throw error;
    throw new ChatActionError('ACTION_REJECTED', `${t.channel} refused the ${action}: ${error.message}`, {
      details: { action, channel: t.channel },
      cause: error,
    });
  }
}

/** Platforms drop a typing indicator after about 5 s (Telegram) to 10 s (Discord): renew it before. */
export const TYPING_RENEW_MS = 4000;

/**
 * The chat actions beside sending: typing while a turn runs, reactions, edits and deletes of the
 * gateway's own messages. Each goes to the adapter serving the account on this gateway; a
 * platform without the action answers with a typed ACTION_UNSUPPORTED.
 */
export class ChatActions {
  readonly #adapter: (channel: string, accountId: string) => ChannelAdapter | undefined;
  readonly #log: Logger;
  readonly #typing = new Map<string, { timer: ReturnType<typeof setInterval>; count: number }>();
  readonly #renewMs: number;

  constructor(o: {
    adapter: (channel: string, accountId: string) => ChannelAdapter | undefined;
    log: Logger;
    typingRenewMs?: number | undefined;
  }) {
    this.#adapter = o.adapter;
    this.#log = o.log;
    this.#renewMs = o.typingRenewMs ?? TYPING_RENEW_MS;
  }

  /**
   * Typing on (renewed until turned off) or off. Best effort: an indicator is never worth failing
   * a turn over. Nested turns in one chat keep it on until the last ends.
   */
  typing(t: ChatTarget, on: boolean): void {
    const key = `${t.channel}\u0000${t.accountId}\u0000${t.chatId}`;
    const current = this.#typing.get(key);
    if (on) {
      if (current) {
        current.count++;
        return;
      }
      const send = (value: boolean) => {
        const a = this.#adapter(t.channel, t.accountId);
        if (!a?.setTyping || !a.capabilities.typing) return;
        a.setTyping(t.chatId, value).catch((error: unknown) =>
          this.#log.debug({ channel: t.channel, err: error }, 'typing indicator failed'),
        );
      };
      send(true);
      const timer = setInterval(() => send(true), this.#renewMs);
      timer.unref?.();
      this.#typing.set(key, { timer, count: 1 });
      return;
    }
    if (!current) return;
    if (--current.count > 0) return;
    clearInterval(current.timer);
    this.#typing.delete(key);
    const a = this.#adapter(t.channel, t.accountId);
    if (a?.setTyping && a.capabilities.typing)
      a.setTyping(t.chatId, false).catch((error: unknown) =>
        this.#log.debug({ channel: t.channel, err: error }, 'typing indicator failed'),
      );
  }

  async react(t: ChatTarget, messageId: string, emoji: string, remove = false): Promise<void> {
    const action = remove ? 'unreact' : 'react';
    const a = this.#running(t);
    const { react, unreact } = a;
    if (!react || !a.capabilities.reactions) throw unsupported(action, t, `${t.channel} has no reactions`);
    if (remove) {
      if (!unreact) throw unsupported(action, t, `${t.channel} cannot remove a reaction`);
      await onPlatform(action, t, () => unreact.call(a, t.chatId, messageId, emoji));
      return;
    }
    await onPlatform(action, t, () => react.call(a, t.chatId, messageId, emoji));
  }

  async edit(t: ChatTarget, messageId: string, text: string): Promise<void> {
    const a = this.#running(t);
    const { edit } = a;
    if (!edit) throw unsupported('edit', t, `${t.channel} cannot edit a sent message`);
    await onPlatform('edit', t, () => edit.call(a, t.chatId, messageId, text));
  }

  async delete(t: ChatTarget, messageId: string): Promise<void> {
    const a = this.#running(t);
    const del = a.delete;
    if (!del) throw unsupported('delete', t, `${t.channel} cannot delete a sent message`);
    await onPlatform('delete', t, () => del.call(a, t.chatId, messageId));
  }

  close(): void {
    for (const t of this.#typing.values()) clearInterval(t.timer);
    this.#typing.clear();
  }

  #running(t: ChatTarget): ChannelAdapter {
    const a = this.#adapter(t.channel, t.accountId);
    if (!a)
      throw new ChatActionError(
        'CHANNEL_NOT_RUNNING',
        `${t.channel}/${t.accountId} is not running on this gateway`,
        { details: { channel: t.channel, accountId: t.accountId } },
      );
    return a;
  }
}
