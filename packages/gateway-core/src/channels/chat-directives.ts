import type { ReasoningLevel } from '@openclaw/protocol';
import type { RunTurnOptions } from '../store/types.ts';
import type { AccessControl } from './access-control.ts';
import type { CoreAccountConfig } from './account-config.ts';
import { BARE_COMMANDS, parseChatCommand, runChatCommand, type SessionCommands } from './chat-commands.ts';
import { directivesOnly, type ParsedDirectives, parseDirectives } from './chat-directive-parse.ts';
import { senderAuthority } from './command-authority.ts';
import type { InboundEnvelope } from './sdk/types.ts';
import type { SessionLevels } from './session-levels.ts';

export interface ChatDirectivesDeps {
  access: Pick<AccessControl, 'isAllowed'>;
  levels: SessionLevels;
  /** The owners `commands.ownerAllowFrom` names on a channel (see ownersOn), read per message. */
  owners: (channel: string) => readonly string[];
  /** The session a channel message goes to. */
  sessionKeyOf: (env: InboundEnvelope) => string;
  /** The session exists (as a message would have made it) before its settings change. */
  ensureSession?: ((sessionKey: string, env: InboundEnvelope) => Promise<void>) | undefined;
  /** A directive changed a session's settings (told like a sessions.patch). */
  onPatched?: ((sessionKey: string) => void) | undefined;
  /** The session commands (`/new`, `/reset`, `/model`, `/status`); absent: they are plain text. */
  commands?: SessionCommands | undefined;
}

/**
 * What becomes of an accepted channel message: `answer` — it was only directives, answered
 * without a model turn; otherwise the message (without its directives) and what its own turn asks.
 */
export type DirectiveOutcome =
  | { answer: string; sessionKey: string }
  | { answer?: undefined; env: InboundEnvelope; turn?: RunTurnOptions | undefined };

const REASONING_ACK: Record<ReasoningLevel, string> = {
  off: 'Reasoning visibility disabled.',
  on: 'Reasoning visibility enabled.',
  stream: 'Reasoning stream enabled.',
};
/** Settings replies carry the gear mark, as the reference's do. */
const gear = (text: string) => `⚙️ ${text}`;

/**
 * Chat directives on channels, as the reference reads them: `/think <level>` (`/thinking`, `/t`,
 * `/think:<level>`, `default` to clear) and `/reasoning on|off|stream` (`/reason`). A message that
 * is only directives sets the session's own level (as sessions.patch does) and is answered at
 * once, or with none given reports the current one; in a message with other text they apply to
 * that message's turn only and are taken out of it. Only authorised senders (see senderAuthority)
 * use them; anyone else's are plain text, and their turns never show reasoning. The same senders
 * use the session commands a message may start with (see runChatCommand).
 */
export function chatDirectives(d: ChatDirectivesDeps) {
  return async (
    env: InboundEnvelope,
    cfg: CoreAccountConfig,
    replay = false,
    allowed?: boolean,
  ): Promise<DirectiveOutcome> => {
    const who = await senderAuthority(d.access, env, cfg, d.owners(env.channel), allowed);
    // The reference shows reasoning (the session's own level or a configured default) only to
    // authorised senders and owners.
    const hidden: RunTurnOptions | undefined = who.authorised || who.owner ? undefined : { reasoning: 'off' };
    if (!who.authorised) return { env, turn: hidden };
    const command = d.commands && parseChatCommand(env.text);
    // In a group, the mentions that addressed the bot are no text of their own (as for directives).
    if (command && env.chat.kind !== 'direct' && /^(?:@\S+\s*)+$/.test(command.arg)) command.arg = '';
    // `/stop now`, `/help me`: not the command (the reference matches these whole), so text.
    if (command && d.commands && !(BARE_COMMANDS.has(command.name) && command.arg)) {
      const sessionKey = d.sessionKeyOf(env);
      await d.ensureSession?.(sessionKey, env);
      const media = env.media.length > 0;
      const done = await runChatCommand(command, sessionKey, d.commands, d.levels, { replay, media, env });
      // Its model changed (`/model x`, `/new x`): watchers see it as a patch; a reset told them itself.
      if (command.name === 'model' || command.name === 'new') d.onPatched?.(sessionKey);
      // `/new <text>`: the text (and any media) is the fresh session's first turn.
      return done.answer === undefined
        ? { env: { ...env, text: done.followUp } }
        : { answer: done.answer, sessionKey };
    }
    const parsed = parseDirectives(env.text);
    if (!parsed.think && !parsed.reasoning) return { env };
    // A message with media is never only directives: the media still needs its turn.
    if (env.media.length || !directivesOnly(parsed, env.chat.kind !== 'direct')) {
      const turn: RunTurnOptions = {};
      if (parsed.think?.level && !parsed.think.clear) turn.thinking = parsed.think.level;
      if (parsed.reasoning?.level) turn.reasoning = parsed.reasoning.level;
      return { env: { ...env, text: parsed.text }, ...(Object.keys(turn).length ? { turn } : {}) };
    }
    const sessionKey = d.sessionKeyOf(env);
    await d.ensureSession?.(sessionKey, env);
    return { answer: await settle(d, sessionKey, parsed), sessionKey };
  };
}

/** Check every directive of a directives-only message, then apply them all (or none) and say so. */
async function settle(d: ChatDirectivesDeps, sessionKey: string, parsed: ParsedDirectives): Promise<string> {
  const row = (await d.levels.rows([sessionKey])).get(sessionKey);
  const options = row?.thinkingOptions ?? ['off'];
  const { think, reasoning } = parsed;
  if (think && !think.clear) {
    if (think.raw === undefined)
      return `Current thinking level: ${row?.thinkingLevel ?? row?.thinkingDefault ?? 'off'}.\nOptions: default, ${options.join(', ')}.`;
    if (!think.level || !options.includes(think.level))
      return `Unrecognized thinking level "${think.raw}". Valid levels: default, ${options.join(', ')}.`;
  }
  if (reasoning && !reasoning.level)
    return reasoning.raw === undefined
      ? `Current reasoning level: ${row?.reasoningLevel ?? row?.reasoningDefault ?? 'off'}.\nOptions: on, off, stream.`
      : `Unrecognized reasoning level "${reasoning.raw}". Valid levels: on, off, stream.`;
  const said: string[] = [];
  if (think?.clear) {
    await d.levels.set(sessionKey, null);
    said.push('Thinking level reset to default.');
  } else if (think?.level) {
    await d.levels.set(sessionKey, think.level);
    said.push(think.level === 'off' ? 'Thinking disabled.' : `Thinking level set to ${think.level}.`);
  }
  if (reasoning?.level) {
    await d.levels.setReasoning(sessionKey, reasoning.level);
    said.push(gear(REASONING_ACK[reasoning.level]));
  }
  d.onPatched?.(sessionKey);
  return said.join(' ');
}
