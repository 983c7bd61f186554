import { configIssues } from '@openclaw/protocol';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../channels/account-schema.ts';
import { heartbeatVisibility } from './heartbeat-visibility.ts';

describe('heartbeatVisibility', () => {
  it('each key from the account, else the channel, else channels.defaults, else the built-in defaults', () => {
    const channels = {
      defaults: { heartbeatVisibility: { showOk: true, useIndicator: false } },
      telegram: {
        heartbeatVisibility: { showAlerts: false },
        accounts: { ops: { heartbeatVisibility: { showOk: false } }, home: {} },
      },
    };
    expect(heartbeatVisibility({ channels: {} })).toEqual({
      showOk: false,
      showAlerts: true,
      useIndicator: true,
    });
    expect(heartbeatVisibility({ channels })).toEqual({
      showOk: true,
      showAlerts: true,
      useIndicator: false,
    });
    expect(heartbeatVisibility({ channels }, 'telegram', 'home')).toEqual({
      showOk: true,
      showAlerts: false,
      useIndicator: false,
    });
    expect(heartbeatVisibility({ channels }, 'telegram', 'ops')).toEqual({
      showOk: false,
      showAlerts: false,
      useIndicator: false,
    });
  });

  it('channels.defaults and each channel and account take heartbeatVisibility; bad values are refused with their paths', () => {
    const schema = gatewayConfigSchema([{ id: 'telegram', configSchema: Type.Object({}) }]);
    const paths = (channels: unknown) =>
      configIssues(schema, { channels })
        .map((i) => i.path)
        .filter((p) => p.startsWith('channels'));
    expect(
      paths({
        defaults: { heartbeatVisibility: { showOk: true, showAlerts: true, useIndicator: false } },
        telegram: { heartbeatVisibility: { showOk: true }, accounts: { a: { heartbeatVisibility: {} } } },
      }),
    ).toEqual([]);
    expect(paths({ defaults: { heartbeatVisibility: { showOk: 'yes' } } })).toEqual([
      'channels.defaults.heartbeatVisibility.showOk',
    ]);
    expect(paths({ telegram: { accounts: { a: { heartbeatVisibility: { showAlert: false } } } } })).toEqual([
      'channels.telegram.accounts.a.heartbeatVisibility.showAlert',
    ]);
    expect(paths({ defaults: { groupPolicy: 'open' } })).toEqual(['channels.defaults.groupPolicy']);
  });
});
