import { describe, expect, it } from 'vitest';
import { served } from '../../test/gateway-schema.ts';
import {
  accountForm,
  accountIdProblem,
  accountTone,
  configuredAccounts,
  credentialsFor,
  newAccountPatch,
  providerChoices,
} from './add-channel.ts';
import { REDACTED } from './config-form.ts';

describe('add a channel', () => {
  it("lists every provider of the gateway's schema with its name and what is configured", () => {
    const config = {
      channels: { telegram: { botToken: REDACTED }, whatsapp: { accounts: { a: {}, b: {} } } },
    };
    expect(providerChoices(served.schema, config)).toEqual([
      { id: 'telegram', label: 'Telegram', accountIds: ['default'], linksByQr: false },
      { id: 'slack', label: 'Slack', accountIds: [], linksByQr: false },
      { id: 'whatsapp', label: 'WhatsApp', accountIds: ['a', 'b'], linksByQr: true },
    ]);
    expect(configuredAccounts(undefined)).toEqual([]);
    expect(configuredAccounts({})).toEqual([]);
  });

  it("builds the form from the provider's account schema: its credentials first and required", () => {
    const slack = accountForm(served.schema, 'slack', served.uiHints);
    expect(slack.credentials.map((f) => f.key)).toEqual(['botToken', 'appToken', 'signingSecret']);
    expect(slack.credentials.every((f) => f.sensitive)).toBe(true);
    expect(slack.switches.map((f) => f.key)).toEqual(['mode']);
    expect(slack.common.map((f) => f.key)).toEqual(['name', 'dmPolicy', 'allowFrom']);
    const more = slack.more.fields.map((f) => f.key);
    expect(more).not.toContain('mode');
    expect(more).not.toContain('botToken');
    expect(more).not.toContain('enabled');
    expect(more).not.toContain('accounts');
    expect(slack.more.sections.map((s) => s.key)).toContain('pacing');
    // WhatsApp links by QR: nothing to type before it can start.
    expect(accountForm(served.schema, 'whatsapp', served.uiHints).credentials).toEqual([]);
  });

  it("requires only the credentials the account's mode needs, those first (Slack socket vs events-http)", () => {
    const slack = accountForm(served.schema, 'slack', served.uiHints);
    const keys = (inputs: Record<string, unknown>) => {
      const c = credentialsFor(slack, inputs);
      return { needed: c.needed.map((f) => f.key), optional: c.optional.map((f) => f.key) };
    };
    // Mode not chosen: the schema's annotation says that means socket.
    expect(keys({})).toEqual({ needed: ['botToken', 'appToken'], optional: ['signingSecret'] });
    expect(keys({ mode: '' })).toEqual({ needed: ['botToken', 'appToken'], optional: ['signingSecret'] });
    expect(keys({ mode: 'socket' })).toEqual({
      needed: ['botToken', 'appToken'],
      optional: ['signingSecret'],
    });
    expect(keys({ mode: 'events-http' })).toEqual({
      needed: ['botToken', 'signingSecret'],
      optional: ['appToken'],
    });
    // Telegram's token has no condition: always needed.
    const telegram = accountForm(served.schema, 'telegram', served.uiHints);
    expect(telegram.switches).toEqual([]);
    expect(credentialsFor(telegram, {}).needed.map((f) => f.key)).toEqual(['botToken']);
  });

  it('checks the account id', () => {
    expect(accountIdProblem('', [])).toMatch(/id/);
    expect(accountIdProblem('support', ['default'])).toBeUndefined();
    expect(accountIdProblem('default', ['default'])).toMatch(/already/);
    expect(accountIdProblem('../x', [])).toMatch(/letters/);
    expect(accountIdProblem('a.b', [])).toMatch(/letters/);
  });

  it('writes a first account as the channel itself, later ones under accounts', () => {
    const values = new Map<string, unknown>([
      ['botToken', '123:abc'],
      ['pacing.perChatMs', 0],
      ['name', undefined],
    ]);
    expect(newAccountPatch('telegram', 'default', values, undefined)).toEqual({
      patch: { channels: { telegram: { botToken: '123:abc', pacing: { perChatMs: 0 } } } },
      path: 'channels.telegram',
    });
    expect(newAccountPatch('telegram', 'support', values, undefined).path).toBe(
      'channels.telegram.accounts.support',
    );
    // A channel configured as one account keeps it, as `default` inheriting the shared keys.
    expect(newAccountPatch('telegram', 'support', values, { botToken: REDACTED }).patch).toEqual({
      channels: {
        telegram: { accounts: { default: {}, support: { botToken: '123:abc', pacing: { perChatMs: 0 } } } },
      },
    });
    // With accounts already, only the new one is added.
    expect(newAccountPatch('telegram', 'support', values, { accounts: { main: {} } }).patch).toEqual({
      channels: { telegram: { accounts: { support: { botToken: '123:abc', pacing: { perChatMs: 0 } } } } },
    });
  });

  it('reads green only when running', () => {
    expect(accountTone('running')).toBe('ok');
    expect(accountTone('awaiting-login')).toBe('pending');
    expect(accountTone('degraded')).toBe('warn');
    expect(accountTone('needs-action')).toBe('bad');
    expect(accountTone('stopped')).toBe('idle');
    expect(accountTone(undefined)).toBe('idle');
  });
});
