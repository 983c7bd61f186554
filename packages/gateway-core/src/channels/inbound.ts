import type { RoutedChat } from '../agents/agent-routing.ts';
import type { DiagnosticRecorder } from '../health/diagnostic-recorder.ts';
import type { Logger } from '../logging/logger.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import type { SessionMessageRecord, Store, StoredMedia } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { type AccessControl, pairingChallengeText } from './access-control.ts';
import type { CoreAccountConfig } from './account-config.ts';
import type { AccountTable } from './account-table.ts';
import type { DirectiveOutcome } from './chat-directives.ts';
import { createInboundUpdates } from './inbound-updates.ts';
import type { Outbox } from './outbox.ts';
import type { InboundEnvelope, InboundUpdate } from './sdk/types.ts';

export interface ChannelInboundOptions {
  table: AccountTable;
  store: Store;
  clock: Clock;
  log: Logger;
  access: AccessControl;
  /** Where an accepted message goes: its conversation, which runs and replies. */
  conversations: Pick<SessionRouter, 'inbound'>;
  /** Where the core's own answers go (a pairing code): the outbox. */
  replies: Pick<Outbox, 'enqueue'>;
  /** Inbound media into the store (and transcripts) before the message reaches its conversation. */
  media?: ((env: InboundEnvelope) => Promise<StoredMedia[]>) | undefined;
  /** A stored message changed (an edit, a delete or a reaction on the platform). */
  onMessageUpdated?: ((message: SessionMessageRecord) => void) | undefined;
  /** The sessions an edit or reaction in a chat may belong to (routed to agents), likeliest first. */
  updateSessionKeys?: ((chat: RoutedChat) => string[]) | undefined;
  /** Where received, dispatched and processed messages are counted (`diagnostics.stability`). */
  diagnostics?: Pick<DiagnosticRecorder, 'record'> | undefined;
  /** Chat directives (`/think`, `/reasoning`) and commands (`/new`, `/model`…): answered here, or taken out of the message for its turn. */
  directives?:
    | ((
        env: InboundEnvelope,
        cfg: CoreAccountConfig,
        replay: boolean,
        /** Access control's finding (AccessDecision's `allowed`), so the sender's approvals are read once. */
        allowed?: boolean,
      ) => Promise<DirectiveOutcome>)
    | undefined;
}

/**
 * The way in: every message an adapter emits goes through dedupe, access control (DM pairing,
 * allowlists) and mention gating, then its media into the store, before it reaches its
 * conversation. Edits, deletes and reactions on the platform update the stored history.
 */
export class ChannelInbound {
  readonly #o: ChannelInboundOptions;
  /** An edit, delete or reaction into the history of the chat's conversation. */
  readonly update: (event: InboundUpdate) => Promise<void>;

  constructor(options: ChannelInboundOptions) {
    this.#o = options;
    this.update = createInboundUpdates({
      store: options.store,
      clock: options.clock,
      log: options.log,
      onUpdated: (m) => options.onMessageUpdated?.(m),
      chatSessionKeys: options.updateSessionKeys,
    });
  }

  /** dedupe → access control / pairing → mention gate → conversation. */
  async handle(env: InboundEnvelope): Promise<void> {
    const sup = this.#o.table.get(env.channel, env.accountId);
    if (!sup) return;
    const diag = this.#o.diagnostics;
    const channel = env.channel;
    const t0 = performance.now();
    diag?.record({ type: 'message.received', channel });
    let outcome: { outcome: string; reason?: string } = { outcome: 'error' };
    try {
      outcome = await this.#handle(env, sup);
    } finally {
      const durationMs = Math.round(performance.now() - t0);
      diag?.record({ type: 'message.processed', channel, durationMs, ...outcome });
    }
  }

  async #handle(
    env: InboundEnvelope,
    sup: NonNullable<ReturnType<AccountTable['get']>>,
  ): Promise<{ outcome: string; reason?: string }> {
    const { table, store, log } = this.#o;
    const now = this.#o.clock.now();
    sup.noteInbound(now);
    // Not waited onto disk: the message's own durable write follows when it is accepted, and a
    // mark lost with a message dropped only means the platform's retry is dropped again.
    const fresh = await (store.deferred ?? store).channelAccess.markInboundSeen(
      `${env.channel}|${env.accountId}|${env.chat.id}|${env.id}`,
      now,
    );
    // Platforms retry (and redeliver what a crashed gateway had not confirmed): a message seen
    // before goes through the same idempotent steps, which finish it if it was cut short and
    // change nothing if it was not.
    if (!fresh)
      log.debug({ channel: env.channel, id: env.id }, 'inbound seen before; replaying idempotently');
    const decision = await this.#o.access.decide(env, sup.account.core);
    switch (decision.action) {
      case 'drop':
        log.debug({ channel: env.channel, chat: env.chat.id, reason: decision.reason }, 'inbound dropped');
        return { outcome: 'skipped', reason: decision.reason.replace(/\W+/g, '_') };
      case 'challenge': {
        log.info(
          {
            channel: env.channel,
            accountId: env.accountId,
            sender: env.sender.id,
            code: decision.request.code,
          },
          'unknown DM sender: pairing code issued',
        );
        if (decision.reply) {
          await this.#o.replies.enqueue({
            channel: env.channel,
            accountId: env.accountId,
            chatId: env.chat.id,
            text: pairingChallengeText(decision.request.code, env.channel, table.label(env.channel)),
            dedupeKey: `pairing|${env.channel}|${env.accountId}|${decision.request.code}`,
          });
        }
        return { outcome: 'skipped', reason: 'pairing_required' };
      }
      case 'accept': {
        const chat = await this.#o.directives?.(env, sup.account.core, !fresh, decision.allowed);
        if (chat?.answer !== undefined) {
          // Only directives or a command: the session changed (or was read); no model turn.
          await this.#o.replies.enqueue({
            channel: env.channel,
            accountId: env.accountId,
            chatId: env.chat.id,
            threadId: env.chat.threadId,
            ...(env.chat.kind === 'direct' ? {} : { replyToId: env.id }),
            text: chat.answer,
            sessionKey: chat.sessionKey,
            dedupeKey: `directive|${env.channel}|${env.accountId}|${env.chat.id}|${env.id}`,
          });
          return { outcome: 'completed', reason: 'directive' };
        }
        const media = env.media.length ? await this.#o.media?.(env) : undefined;
        const diag = this.#o.diagnostics;
        const t0 = performance.now();
        diag?.record({ type: 'message.dispatch.started', channel: env.channel });
        let done = 'error';
        try {
          await this.#o.conversations.inbound(chat?.env ?? env, {
            replay: !fresh,
            ...(media ? { media } : {}),
            ...(chat?.turn ? { turn: chat.turn } : {}),
          });
          done = 'completed';
        } finally {
          const durationMs = Math.round(performance.now() - t0);
          diag?.record({
            type: 'message.dispatch.completed',
            channel: env.channel,
            durationMs,
            outcome: done,
          });
        }
        return { outcome: 'completed' };
      }
    }
  }
}
