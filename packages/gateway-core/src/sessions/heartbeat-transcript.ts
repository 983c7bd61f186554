import type { ChatMessage } from '@openclaw/protocol';
import { classifyHeartbeatReply } from '../heartbeat/heartbeat-reply.ts';
import type { RunRecord, SessionMessageRecord } from '../store/types.ts';
import { chatMessageOf } from './session-rows.ts';

/**
 * Heartbeat turns in a transcript. Every message of a heartbeat run is stored with what part of
 * the turn it is; the record stays whole (runs, usage, last-heartbeat read it), but what people
 * see leaves out the poll and an answer that only acknowledges, and the model is not fed
 * acknowledged turns again: a main session polled every half hour would otherwise fill its
 * history window with `NO_REPLY` pairs.
 */
export type HeartbeatPart = NonNullable<SessionMessageRecord['heartbeat']>;

/** The mark of a run's message: its steps and partial text, or its answer as ack or alert. */
export function heartbeatMarkOf(
  run: Pick<RunRecord, 'source'>,
  answer?: string,
): Pick<SessionMessageRecord, 'heartbeat'> {
  if (run.source !== 'heartbeat') return {};
  if (answer === undefined) return { heartbeat: 'step' };
  return { heartbeat: classifyHeartbeatReply(answer).status === 'sent' ? 'alert' : 'ack' };
}

/**
 * Whether a run's text streams to the session's chat watchers as it comes: not a heartbeat
 * turn's, since whether it only acknowledges is known at its end (its final carries an alert).
 */
export const streamsToChat = (run: Pick<RunRecord, 'source'>): boolean => run.source !== 'heartbeat';

/** Shown in chat views: anything but a heartbeat poll, its steps and an acknowledgement. */
export const shownInChat = (m: SessionMessageRecord): boolean =>
  m.heartbeat === undefined || m.heartbeat === 'alert';

/** The chat message of a stored one, or undefined when chat views leave it out. */
export const chatMessageShown = (m: SessionMessageRecord): ChatMessage | undefined =>
  shownInChat(m) ? chatMessageOf(m) : undefined;

/**
 * What the model may read again (oldest first): a heartbeat run's poll and steps are kept only
 * when the run ended in an alert (the alert reads as an answer to its poll); acknowledged, failed
 * or unfinished heartbeat turns are left out whole, and so are system events an isolated
 * heartbeat turn has read.
 */
export function withoutQuietHeartbeats(messages: readonly SessionMessageRecord[]): SessionMessageRecord[] {
  const alerts = new Set(messages.filter((m) => m.heartbeat === 'alert').map((m) => m.runId));
  // A poll is followed by its run's messages (a system event or a user message between does
  // not decide it): the poll goes with them.
  const polls = new Set<SessionMessageRecord>();
  let poll: SessionMessageRecord | undefined;
  for (const m of messages) {
    if (m.heartbeat === 'prompt') poll = m;
    else if (m.heartbeat !== undefined) {
      if (poll && alerts.has(m.runId)) polls.add(poll);
      poll = undefined;
    }
  }
  return messages.filter((m) =>
    m.heartbeat === undefined
      ? m.readBy === undefined
      : m.heartbeat === 'prompt'
        ? polls.has(m)
        : alerts.has(m.runId),
  );
}
