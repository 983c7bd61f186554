import { gatewayError } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { ChatActionError } from '../channels/chat-actions.ts';
import { OutboxError } from '../channels/outbox.ts';
import { CronError } from '../cron/cron-service.ts';
import { MediaError, MediaTooLargeError } from '../media/media-errors.ts';
import { StoreFailingError, StoreUnavailableError } from '../store/store-failure.ts';
import { toGatewayError } from './to-gateway-error.ts';

describe('toGatewayError', () => {
  it('answers each internal reason with its catalogue entry', () => {
    expect(
      toGatewayError(new CronError('CRON_JOB_UNKNOWN', 'cron job not found: j1'), 'cron.get').toShape(),
    ).toEqual({
      code: 'INVALID_REQUEST',
      message: 'cron job not found: j1',
      details: { code: 'CRON_JOB_UNKNOWN' },
    });
    expect(toGatewayError(new CronError('CRON_SCHEDULE_INVALID', 'bad'), 'cron.add').toShape()).toEqual({
      code: 'INVALID_REQUEST',
      message: 'bad',
      details: { code: 'CRON_SCHEDULE_INVALID' },
    });
    expect(toGatewayError(new OutboxError('SEND_EMPTY', 'nothing to send'), 'send').toShape()).toEqual({
      code: 'INVALID_REQUEST',
      message: 'nothing to send',
      details: { code: 'SEND_EMPTY' },
    });
  });

  it('answers media and chat action refusals: mistakes as INVALID_REQUEST, passing states as retryable', () => {
    const big = toGatewayError(new MediaTooLargeError(1024, 2048), 'send').toShape();
    expect(big).toMatchObject({ code: 'INVALID_REQUEST', details: { code: 'MEDIA_TOO_LARGE' } });
    expect(big.retryable).toBeUndefined();
    expect(toGatewayError(new MediaError('MEDIA_STORE_FULL', 'full'), 'send').toShape()).toEqual({
      code: 'UNAVAILABLE',
      message: 'full',
      details: { code: 'MEDIA_STORE_FULL' },
      retryable: true,
    });
    const details = { action: 'edit', channel: 'telegram' };
    expect(
      toGatewayError(new ChatActionError('ACTION_REJECTED', 'no', { details }), 'message.action').toShape(),
    ).toEqual({ code: 'INVALID_REQUEST', message: 'no', details: { ...details, code: 'ACTION_REJECTED' } });
    const off = new ChatActionError('CHANNEL_NOT_RUNNING', 'off', {
      details: { channel: 'telegram', accountId: 'default' },
    });
    expect(toGatewayError(off, 'message.action').toShape()).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      details: { code: 'CHANNEL_NOT_RUNNING', channel: 'telegram', accountId: 'default' },
    });
  });

  it('answers a failing or unreachable store as retryable UNAVAILABLE naming the method', () => {
    const failing = toGatewayError(new StoreFailingError({ kind: 'io', reason: 'disk I/O error' }), 'send');
    expect(failing.toShape()).toEqual({
      code: 'UNAVAILABLE',
      message:
        "send: the gateway's database cannot take writes now (disk I/O error); nothing was stored, retry later",
      details: { code: 'STORE_FAILING', kind: 'io', reason: 'disk I/O error' },
      retryable: true,
      retryAfterMs: 5000,
    });
    const down = toGatewayError(new StoreUnavailableError('redis is unreachable'), 'chat.send');
    expect(down.toShape()).toEqual({
      code: 'UNAVAILABLE',
      message: 'chat.send needs the shared store, which is unreachable; retry shortly',
      details: { code: 'CLUSTER_UNAVAILABLE' },
      retryable: true,
      retryAfterMs: 1000,
    });
  });

  it('passes GatewayErrors through and makes anything else INTERNAL without its text', () => {
    const typed = gatewayError('FORBIDDEN', 'MISSING_SCOPE', 'missing scope: operator.admin');
    expect(toGatewayError(typed, 'config.set')).toBe(typed);
    const bug = toGatewayError(new TypeError("Cannot read properties of undefined (reading 'x')"), 'status');
    expect(bug.toShape()).toEqual({ code: 'INTERNAL', message: 'status failed unexpectedly' });
  });
});
