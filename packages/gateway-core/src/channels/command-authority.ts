import type { AccessControl } from './access-control.ts';
import type { CoreAccountConfig } from './account-config.ts';
import type { InboundEnvelope } from './sdk/types.ts';

/** What a channel sender may do beyond talking to the agent (the reference's command authorisation). */
export interface SenderAuthority {
  /** May use chat directives (`/think`, `/reasoning`) and have the session's reasoning shown. */
  authorised: boolean;
  /** Named by `commands.ownerAllowFrom` for this channel. */
  owner: boolean;
}

/**
 * Who counts as authorised, as the reference decides it when `commands.allowFrom` is not set: a
 * sender the account's `allowFrom` names (`*`: everyone; an `open` DM policy without a list is
 * taken as `*`, which the reference requires it to carry) or, in a direct chat, one approved by
 * pairing; where the channel has `owners` (see ownersOn), only an owner who is so listed. Anyone
 * else a policy lets through (a group member not listed) may talk to the agent but not change its
 * settings, and does not see its reasoning.
 */
export async function senderAuthority(
  access: Pick<AccessControl, 'isAllowed'>,
  env: InboundEnvelope,
  cfg: CoreAccountConfig,
  owners: readonly string[],
  /** What access control found for this message (AccessDecision's `allowed`): not read again. */
  allowed?: boolean | undefined,
): Promise<SenderAuthority> {
  const owner = owners.includes(env.sender.id);
  const listed =
    cfg.allowFrom.includes('*') ||
    cfg.allowFrom.includes(env.sender.id) ||
    (cfg.dmPolicy === 'open' && cfg.allowFrom.length === 0) ||
    // Pairing approvals widen direct chats only, as in the reference.
    (env.chat.kind === 'direct' && (allowed ?? (await access.isAllowed(env.channel, cfg, env.sender.id))));
  return { authorised: listed && (owners.length === 0 || owner), owner };
}
