import type { RunRecord, StoredMedia } from '../store/types.ts';
import type { ReplyTarget } from './reply-sink.ts';

/** What starting a run takes: the message, where it came from and where its answer goes. */
export interface StartRunInput {
  sessionKey: string;
  message: string;
  source: RunRecord['source'];
  deliverTo?: ReplyTarget | undefined;
  dedupeKey?: string | undefined;
  timeoutMs?: number | undefined;
  /** A redelivered message: never merged into a queued run (it may already be in it). */
  replay?: boolean | undefined;
  /** Start the run while its record is still reaching the disk; answer once it is there. */
  startBeforeSync?: boolean | undefined;
  /** Attachments of the message. */
  media?: StoredMedia[] | undefined;
  /** Use this run id (chosen by the caller and known to be unused). */
  runId?: string | undefined;
  /** Where the message it answers was stored in the session. */
  promptSeq?: number | undefined;
  /** The scopes of the operator who started it (its tool calls are held to them). */
  scopes?: readonly string[] | undefined;
  turn?: RunRecord['turn'];
}
