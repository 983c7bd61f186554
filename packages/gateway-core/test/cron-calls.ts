// An operator's cron calls, as the cron tests make them: requests checked against the reference's
// published schema before they are sent, a run forced and waited for, a session's history read.
import type { GatewayClient } from '@openclaw/protocol';
import { expect } from 'vitest';
import { eventually } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

/** The fields of a `cron.runs` row these tests read. */
export interface CronRunRow {
  status: string;
  agentRunId?: string;
  deliveryStatus?: string;
  completionStatus?: string;
  deliveryError?: string;
}

export function cronCalls(c: GatewayClient) {
  const call = <T>(method: string, params: unknown) =>
    (c.call as (m: string, p: unknown) => Promise<unknown>)(method, params) as Promise<T>;
  /** A reference `cron.add`, checked against the reference's own schema first. */
  const add = async (params: Record<string, unknown>) => {
    expect(referenceErrors('CronAddParams', params)).toBe('');
    return call<Record<string, unknown> & { id: string }>('cron.add', params);
  };
  /** Force a run and wait until its row says it is over (by default: succeeded). */
  const runToEnd = async (id: string, over: (run: CronRunRow) => boolean = (r) => r.status === 'ok') => {
    const { runId } = await call<{ runId: string }>('cron.run', { id, mode: 'force' });
    return eventually(async () => {
      const { runs } = await call<{ runs: CronRunRow[] }>('cron.runs', { id, runId });
      return runs[0] && over(runs[0]) ? runs[0] : undefined;
    }, 10_000);
  };
  /** A session's messages as `[role, text]`. */
  const history = async (sessionKey: string) =>
    (await call<{ messages: { role: string; text: string }[] }>('chat.history', { sessionKey })).messages.map(
      (m) => [m.role, m.text],
    );
  return { call, add, runToEnd, history };
}
