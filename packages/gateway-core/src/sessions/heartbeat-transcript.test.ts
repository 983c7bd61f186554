import { describe, expect, it } from 'vitest';
import type { SessionMessageRecord } from '../store/types.ts';
import { heartbeatMarkOf, shownInChat, withoutQuietHeartbeats } from './heartbeat-transcript.ts';

let seq = 0;
const msg = (
  role: SessionMessageRecord['role'],
  text: string,
  extra: Partial<SessionMessageRecord> = {},
): SessionMessageRecord => ({
  sessionKey: 'agent:main:main',
  seq: ++seq,
  id: `m${seq}`,
  role,
  text,
  ts: seq,
  ...extra,
});

describe('heartbeat turns in a transcript', () => {
  it('marks a heartbeat run’s steps and its answer as ack or alert; other runs are not marked', () => {
    expect(heartbeatMarkOf({ source: 'chat' }, 'NO_REPLY')).toEqual({});
    expect(heartbeatMarkOf({ source: 'heartbeat' })).toEqual({ heartbeat: 'step' });
    expect(heartbeatMarkOf({ source: 'heartbeat' }, 'HEARTBEAT_OK')).toEqual({ heartbeat: 'ack' });
    expect(heartbeatMarkOf({ source: 'heartbeat' }, '')).toEqual({ heartbeat: 'ack' });
    expect(heartbeatMarkOf({ source: 'heartbeat' }, 'Backup failed.')).toEqual({ heartbeat: 'alert' });
  });

  it('the model reads an alerted turn whole, and nothing of acknowledged or failed ones', () => {
    const hi = msg('user', 'hi');
    const event = msg('system', 'Deploy finished.');
    const okPoll = msg('user', 'poll', { heartbeat: 'prompt' });
    const okStep = msg('assistant', '', {
      runId: 'r1',
      heartbeat: 'step',
      toolCalls: [{ id: 'c', name: 't', args: {} }],
    });
    const ok = msg('assistant', 'NO_REPLY', { runId: 'r1', heartbeat: 'ack' });
    const alertPoll = msg('user', 'poll', { heartbeat: 'prompt' });
    // A system event stored while the turn runs does not part the poll from its run.
    const late = msg('system', 'Cron: invoice.');
    const alertStep = msg('toolResult', 'disk 99%', { runId: 'r2', heartbeat: 'step' });
    const alert = msg('assistant', 'The disk is almost full.', { runId: 'r2', heartbeat: 'alert' });
    const failedPoll = msg('user', 'poll', { heartbeat: 'prompt' });
    const failed = msg('assistant', 'partial', { runId: 'r3', heartbeat: 'step', status: 'error' });
    const next = msg('user', 'what now?');
    const all = [hi, event, okPoll, okStep, ok, alertPoll, late, alertStep, alert, failedPoll, failed, next];
    expect(withoutQuietHeartbeats(all)).toEqual([hi, event, alertPoll, late, alertStep, alert, next]);
    // Chat views show the alert alone.
    expect(all.filter(shownInChat)).toEqual([hi, event, late, alert, next]);
  });
});
