// Issue 22: doctor judges a Slack account by the credential marks in the provider's schema (what
// config.schema serves), the adapter by resolveSlackConfig. For every mix of set credentials and
// mode, both must agree on the mode-bound credentials an account needs, and on whether it has them.
import { credentialMarks, credentialNeeded } from '@openclaw/protocol';
import { isSlackConfigured, slackProvider } from '@openclaw/provider-slack';
import { describe, expect, it } from 'vitest';

const VALUES = { botToken: 'xoxb-1', appToken: 'xapp-1', signingSecret: 'shh' } as const;
type Key = keyof typeof VALUES;

describe('issue 22: the Slack schema marks and the adapter agree on what an account needs', () => {
  const marks = credentialMarks(JSON.parse(JSON.stringify(slackProvider.configSchema)));
  const markOf = (key: Key) => marks.find((m) => m.path.join('.') === key)?.mark;

  it('in every mode, and with the mode unset', () => {
    const keys = Object.keys(VALUES) as Key[];
    let combos = 0;
    for (const mode of [undefined, 'socket', 'events-http'] as const)
      for (let bits = 0; bits < 1 << keys.length; bits++) {
        const account: Record<string, string> = {};
        keys.forEach((k, i) => {
          if (bits & (1 << i)) account[k] = VALUES[k];
        });
        if (mode) account.mode = mode;
        const label = JSON.stringify(account);
        // Not the default account: no SLACK_* environment fallback.
        const resolved = slackProvider.parseAccountConfig(account, 'work');
        const needed = (key: Key) => credentialNeeded(markOf(key)!, account);
        expect(needed('botToken'), label).toBe(true);
        expect(needed('appToken'), label).toBe(resolved.mode === 'socket');
        expect(needed('signingSecret'), label).toBe(resolved.mode === 'events-http');
        const missing = keys.filter((k) => needed(k) && account[k] === undefined);
        expect(missing.length === 0, label).toBe(isSlackConfigured(resolved));
        combos++;
      }
    expect(combos).toBe(24);
  });
});
