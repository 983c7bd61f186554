import {
  type ChannelsStatusResult,
  type CredentialMark,
  credentialMarks,
  credentialNeeded,
} from '@openclaw/protocol';
import type { Check } from './doctor-check.ts';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A credential key of a channel's accounts and when it is needed. */
export interface CredentialKey {
  key: string;
  mark: CredentialMark;
}

/** The credential keys each channel's schema marks (`x-credential`), from config.schema. */
export function credentialKeys(schema: unknown): Map<string, CredentialKey[]> {
  const out = new Map<string, CredentialKey[]>();
  for (const { path, mark } of credentialMarks(schema)) {
    // channels.<id>.<key>: the account-level keys (the same keys repeat under accounts.*).
    const [root, channel, key, ...rest] = path;
    if (root !== 'channels' || !channel || !key || rest.length > 0) continue;
    out.set(channel, [...(out.get(channel) ?? []), { key, mark }]);
  }
  return out;
}

/** Which credential keys an account lacks, and where in the config they go. */
export interface CredentialGap {
  missing: string[];
  /** `channels.<id>` or `channels.<id>.accounts.<accountId>`. */
  where: string;
}

/**
 * What an account lacks, judged by the keys the providers' own schemas mark as credentials (what
 * `config.schema` serves) against the redacted config (`config.get`), where a set secret is a
 * placeholder and an unset one is absent. Shared keys count for every account. A credential
 * the account's mode does not need (its mark's condition, e.g. Slack's signing secret in socket
 * mode) is not a gap.
 */
export function credentialGaps(
  schema: unknown,
  config: Record<string, unknown>,
): (channel: string, accountId: string) => CredentialGap {
  const keys = credentialKeys(schema);
  const channels = isObj(config.channels) ? config.channels : {};
  return (channel, accountId) => {
    const section = isObj(channels[channel]) ? channels[channel] : {};
    const accounts = isObj(section.accounts) ? section.accounts : undefined;
    const own = accounts && isObj(accounts[accountId]) ? accounts[accountId] : {};
    const merged: Record<string, unknown> = { ...section, ...own };
    return {
      missing: (keys.get(channel) ?? [])
        .filter(
          ({ key, mark }) =>
            credentialNeeded(mark, merged) && (merged[key] === undefined || merged[key] === ''),
        )
        .map(({ key }) => key),
      where: accounts ? `channels.${channel}.accounts.${accountId}` : `channels.${channel}`,
    };
  };
}

/** A channel whose config the gateway refused: its accounts did not start. */
export function channelConfigChecks(r: ChannelsStatusResult): Check[] {
  const checks: Check[] = [];
  for (const channel of r.channelOrder) {
    const summary = r.channels[channel];
    if (!isObj(summary) || typeof summary.configError !== 'string') continue;
    checks.push({
      name: `channel ${channel}`,
      ok: false,
      detail: summary.configError,
      fix: 'correct the key named above (openclaw config set …), then restart the gateway',
    });
  }
  return checks;
}
