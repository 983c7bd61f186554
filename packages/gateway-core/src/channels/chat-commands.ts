import {
  type CompactFigures,
  commandsText,
  compactText,
  helpText,
  STOP_ANSWER,
  whoamiText,
} from './chat-command-answers.ts';
import type { InboundEnvelope } from './sdk/types.ts';
import type { SessionLevels } from './session-levels.ts';
import { isStopTrigger } from './stop-triggers.ts';

/** A session as the chat commands see and change it (wired from the session methods' parts). */
export interface SessionCommands {
  /** Reset the session as sessions.reset does (runs stopped, transcript and agent state gone, watchers told). */
  reset(sessionKey: string): Promise<void>;
  /** The model the session answers with, whether it is its own choice, and the configured models. */
  models(sessionKey: string): Promise<{ current: string; own: boolean; choices: string[] }>;
  /** Set (null: clear) the session's own model, as sessions.patch `{model}` does. */
  setModel(sessionKey: string, ref: string | null): Promise<void>;
  /** What /status reports beside the model and levels. */
  status(sessionKey: string): Promise<{
    messageCount: number;
    totalTokens?: number | undefined;
    contextTokens?: number | undefined;
    running: boolean;
  }>;
  /** Abort the session's running and queued turns, as chat.abort does; the runs aborted. */
  stop(sessionKey: string): string[];
  /** Compact the session now, as sessions.compact does (its older messages summarised, then gone). */
  compact(sessionKey: string, instructions?: string): Promise<CompactFigures>;
}

/** A chat command at the start of a message: its name and what follows it. */
export interface ChatCommand {
  name: 'new' | 'reset' | 'model' | 'status' | 'stop' | 'compact' | 'help' | 'commands' | 'whoami';
  arg: string;
}

/** Commands that are one only when nothing follows them (as the reference matches them). */
export const BARE_COMMANDS: ReadonlySet<ChatCommand['name']> = new Set([
  'stop',
  'help',
  'commands',
  'whoami',
]);

const ALIASES: Record<string, ChatCommand['name']> = { models: 'model', id: 'whoami' };

/**
 * The command a message starts with (`/new`, `/reset`, `/model`, `/models`, `/status`, `/stop`,
 * `/compact`, `/help`, `/commands`, `/whoami`, `/id`; any case, a Telegram `@bot` suffix and a
 * colon before the argument allowed), or undefined. A message that is only a stop word (`stop`,
 * `abort`, `esc`, … see isStopTrigger) is `/stop`, as in the reference.
 */
export function parseChatCommand(text: string): ChatCommand | undefined {
  if (isStopTrigger(text)) return { name: 'stop', arg: '' };
  const m =
    /^\s*\/(new|reset|models?|status|stop|compact|help|commands|whoami|id)(?:@\w+)?(?=$|\s|:)\s*:?\s*([\s\S]*)$/i.exec(
      text,
    );
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  return { name: ALIASES[name] ?? (name as ChatCommand['name']), arg: m[2]!.trim() };
}

/** What a command came to: an answer, and for `/new <text>` the text that starts the fresh session's turn. */
export type CommandResult =
  | { answer: string; followUp?: undefined }
  | { answer?: undefined; followUp: string };

/**
 * Run a command for an authorised sender. `replay`: the platform redelivered a message already
 * handled, so a reset is not repeated (it would wipe what the first delivery's turn wrote).
 */
export async function runChatCommand(
  cmd: ChatCommand,
  sessionKey: string,
  s: SessionCommands,
  levels: SessionLevels,
  o: { replay: boolean; media: boolean; env: InboundEnvelope },
): Promise<CommandResult> {
  switch (cmd.name) {
    case 'new':
    case 'reset': {
      if (/^soft\b/i.test(cmd.arg))
        return { answer: 'A soft reset is not supported here; send /reset alone to start over.' };
      // `/new <model>`: a fresh session on that model, when the word names a configured one.
      const pick =
        cmd.name === 'new' && cmd.arg ? pickModel(cmd.arg, (await s.models(sessionKey)).choices) : undefined;
      if (!o.replay) {
        await s.reset(sessionKey);
        if (pick) await s.setModel(sessionKey, pick);
      }
      if (pick) return { answer: `Started a new session on ${pick}.` };
      if (cmd.arg || o.media) return { followUp: cmd.arg };
      return { answer: 'Started a new session: the earlier conversation is cleared.' };
    }
    case 'model':
      return { answer: await modelCommand(cmd.arg, sessionKey, s) };
    case 'status':
      return { answer: await statusText(sessionKey, s, levels) };
    case 'stop':
      // A redelivered /stop stops nothing: the turn running now may be a later message's.
      if (!o.replay) s.stop(sessionKey);
      return { answer: STOP_ANSWER };
    case 'compact':
      return { answer: await compactCommand(cmd.arg, sessionKey, s, o.replay) };
    case 'help':
      return { answer: helpText() };
    case 'commands':
      return { answer: commandsText() };
    case 'whoami':
      return { answer: whoamiText(o.env) };
  }
}

async function compactCommand(
  instructions: string,
  sessionKey: string,
  s: SessionCommands,
  replay: boolean,
): Promise<string> {
  if (replay) return '⚙️ Compaction skipped: this message was handled before.';
  try {
    return compactText(await s.compact(sessionKey, instructions || undefined));
  } catch (error) {
    // The summary call failed: nothing was removed, and the chat is told why.
    return `⚙️ Compaction failed: ${(error as Error).message}`;
  }
}

async function modelCommand(arg: string, sessionKey: string, s: SessionCommands): Promise<string> {
  const { current, own, choices } = await s.models(sessionKey);
  const list = `Configured models: ${choices.join(', ')}.`;
  const word = arg.split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!word || word === 'list' || word === 'status')
    return `Model: ${current}${own ? ' (chosen for this session)' : ' (the default)'}.\n${list}\nUse /model <provider/model> to switch, /model default to go back.`;
  if (word === 'default') {
    await s.setModel(sessionKey, null);
    return `Model back to the default (${choices[0] ?? current}).`;
  }
  const pick = pickModel(arg.split(/\s+/)[0]!, choices);
  if (!pick) return `No configured model "${arg.split(/\s+/)[0]}". ${list}`;
  await s.setModel(sessionKey, pick);
  return `Model set to ${pick} for this session.`;
}

/** A configured model by its full name, or by its model part when only one has it (any case). */
function pickModel(word: string, choices: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const exact = choices.find((c) => c.toLowerCase() === w);
  if (exact) return exact;
  const byId = choices.filter((c) => c.slice(c.indexOf('/') + 1).toLowerCase() === w);
  return byId.length === 1 ? byId[0] : undefined;
}

async function statusText(sessionKey: string, s: SessionCommands, levels: SessionLevels): Promise<string> {
  const [{ current, own }, st, row] = await Promise.all([
    s.models(sessionKey),
    s.status(sessionKey),
    levels.rows([sessionKey]).then((m) => m.get(sessionKey)),
  ]);
  const lines = [
    `Session: ${sessionKey}`,
    `Model: ${current}${own ? ' (chosen for this session)' : ''}`,
    `Thinking: ${row?.thinkingLevel ?? row?.thinkingDefault ?? 'off'} · Reasoning: ${row?.reasoningLevel ?? row?.reasoningDefault ?? 'off'}`,
    `Messages: ${st.messageCount}${st.totalTokens !== undefined ? ` · Last turn tokens: ${st.totalTokens}` : ''}${st.contextTokens ? ` (window ${st.contextTokens})` : ''}`,
    st.running ? 'A turn is running now.' : 'Idle.',
  ];
  return lines.join('\n');
}
