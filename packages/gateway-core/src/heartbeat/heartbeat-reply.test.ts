import { describe, expect, it } from 'vitest';
import { classifyHeartbeatReply } from './heartbeat-reply.ts';

describe('classifyHeartbeatReply', () => {
  it('NO_REPLY, or HEARTBEAT_OK at the start or end with at most 300 characters left, is an acknowledgement', () => {
    expect(classifyHeartbeatReply('NO_REPLY')).toEqual({ status: 'ok-token' });
    expect(classifyHeartbeatReply('  **NO_REPLY**  ')).toEqual({ status: 'ok-token' });
    expect(classifyHeartbeatReply('HEARTBEAT_OK')).toEqual({ status: 'ok-token' });
    expect(classifyHeartbeatReply('HEARTBEAT_OK all quiet here.')).toEqual({ status: 'ok-token' });
    expect(classifyHeartbeatReply(`Checked everything. ${'x'.repeat(280)} HEARTBEAT_OK`)).toEqual({
      status: 'ok-token',
    });
    expect(classifyHeartbeatReply(`HEARTBEAT_OK ${'y'.repeat(300)}`)).toEqual({ status: 'ok-token' });
  });

  it('nothing at all is ok-empty', () => {
    expect(classifyHeartbeatReply(undefined)).toEqual({ status: 'ok-empty' });
    expect(classifyHeartbeatReply('  \n ')).toEqual({ status: 'ok-empty' });
  });

  it('more than 300 characters beside HEARTBEAT_OK, a token in the middle, or any other text is an alert', () => {
    const long = 'z'.repeat(301);
    expect(classifyHeartbeatReply(`HEARTBEAT_OK ${long}`)).toEqual({ status: 'sent', text: long });
    expect(classifyHeartbeatReply('Disk is full. HEARTBEAT_OK? No: act now.')).toEqual({
      status: 'sent',
      text: 'Disk is full. HEARTBEAT_OK? No: act now.',
    });
    expect(classifyHeartbeatReply('NO_REPLY needed? The backup failed.')).toEqual({
      status: 'sent',
      text: 'NO_REPLY needed? The backup failed.',
    });
  });
});
