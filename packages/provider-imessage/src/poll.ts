import type { Receiver } from '@openclaw/channel-rest';
import { pause } from '@openclaw/gateway-core/channel';
import type { BlueBubblesApi } from './bluebubbles-api.ts';
import type { BbMessage } from './normalize.ts';

const PAGE = 100;
/** Chats and attachments: what normalisation needs (the handle comes with every message). */
export const QUERY_WITH = ['chat', 'attachment'];

/**
 * Where polling starts: the newest message's date (the server's clock, so a skewed gateway clock
 * neither replays history nor skips messages), or now on an empty database. Also proves the
 * query route works before the account reports connected.
 */
export async function initialCursor(api: BlueBubblesApi, signal: AbortSignal): Promise<number> {
  const [newest] = await api.queryMessages({ limit: 1, sort: 'DESC', with: [] }, signal);
  return typeof newest?.dateCreated === 'number' ? newest.dateCreated : Date.now();
}

/**
 * POST /api/v1/message/query in a loop, oldest first. `after` is inclusive on the server, so the
 * messages at the cursor come back once more; the caller's guid cache drops them. A full page is
 * followed by the next one at once. close() expects `signal` to be aborted first.
 */
export function startPolling(
  api: BlueBubblesApi,
  cursor: number,
  intervalMs: number,
  signal: AbortSignal,
  h: { onMessage(m: BbMessage): Promise<void>; onFail(error: unknown): void },
): Receiver {
  const loop = (async () => {
    let after = cursor;
    for (;;) {
      await pause(intervalMs, signal);
      if (signal.aborted) return;
      let newest = after;
      for (let offset = 0; ; offset += PAGE) {
        const batch = await api.queryMessages(
          { after, sort: 'ASC', limit: PAGE, offset, with: QUERY_WITH },
          signal,
        );
        for (const m of batch) {
          if (signal.aborted) return;
          await h.onMessage(m);
          if (typeof m.dateCreated === 'number' && m.dateCreated > newest) newest = m.dateCreated;
        }
        if (batch.length < PAGE) break;
      }
      after = newest;
    }
  })().catch((error: unknown) => {
    if (!signal.aborted) h.onFail(error);
  });
  return { close: () => loop };
}
