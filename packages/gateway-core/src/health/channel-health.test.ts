import { describe, expect, it } from 'vitest';
import type { AccountRuntimeStatus } from '../channels/account-status.ts';
import { summarizeChannels } from './channel-health.ts';

const account = (over: Partial<AccountRuntimeStatus>): AccountRuntimeStatus => ({
  channel: 'telegram',
  accountId: 'default',
  enabled: true,
  configured: true,
  running: true,
  connected: true,
  healthState: 'running',
  reconnectAttempts: 0,
  lastStartAt: 1,
  lastStopAt: null,
  lastConnectedAt: 1,
  lastInboundAt: null,
  lastOutboundAt: null,
  lastError: null,
  lastErrorAt: null,
  failingSince: null,
  ...over,
});
const providers = () => [{ id: 'telegram', label: 'Telegram' }];

describe('summarizeChannels', () => {
  it('a channel whose accounts all run connected is healthy and configured', () => {
    const s = summarizeChannels([account({}), account({ accountId: 'b' })], providers);
    expect(s.channels.telegram).toMatchObject({
      state: 'running',
      accounts: 2,
      connected: 2,
      configured: true,
      healthState: 'healthy',
    });
    expect(s.channelLabels).toEqual({ telegram: 'Telegram' });
  });

  it('one running account without its connection makes the channel disconnected', () => {
    const s = summarizeChannels([account({}), account({ accountId: 'b', connected: false })], providers);
    expect(s.channels.telegram).toMatchObject({ state: 'running', healthState: 'disconnected' });
  });

  it('a failing account names the channel state, with its error', () => {
    const s = summarizeChannels(
      [account({}), account({ accountId: 'b', connected: false, healthState: 'backoff', lastError: 'boom' })],
      providers,
    );
    expect(s.channels.telegram).toMatchObject({
      state: 'backoff',
      healthState: 'backoff',
      lastError: 'boom',
    });
  });

  it('a channel with no configured account says so', () => {
    const s = summarizeChannels(
      [account({ configured: false, running: false, connected: false, healthState: 'not-configured' })],
      providers,
    );
    expect(s.channels.telegram).toMatchObject({ configured: false, healthState: 'not-configured' });
  });
});
