import type { InboundEnvelope } from './sdk/types.ts';

/**
 * The answers of the informational chat commands, in the reference's layout (its headings and
 * `⚙️` status lines) but listing only what this gateway serves.
 */

/** `/stop`: the reference gives the same confirmation whether or not a run was going. */
export const STOP_ANSWER = '⚙️ Agent was aborted.';

/** `/help`: the short summary. */
export function helpText(): string {
  return [
    'ℹ️ Help',
    '',
    'Session',
    '  /new  |  /reset  |  /compact [instructions]  |  /stop',
    '',
    'Options',
    '  /think <level|default>  |  /reasoning on|off|stream  |  /model <id>',
    '',
    'Status',
    '  /status  |  /whoami',
    '',
    'More: /commands for full list',
  ].join('\n');
}

const CATALOG: [category: string, entries: string[]][] = [
  [
    'Session',
    [
      '/new - Start a new session (/new <model> on that model, /new <text> with that message).',
      '/reset - Reset the session.',
      '/compact [instructions] - Compact the session history.',
      '/stop - Stop the current run.',
    ],
  ],
  [
    'Options',
    [
      '/think (/thinking, /t) - Set thinking level (or default).',
      '/reasoning (/reason) - Toggle reasoning output (on|off|stream).',
      '/model (/models) - Show or set the model.',
    ],
  ],
  [
    'Status',
    [
      '/help - Show available commands.',
      '/commands - List all slash commands.',
      '/status - Show current status.',
      '/whoami (/id) - Show your sender id.',
    ],
  ],
];

/** `/commands`: every command served here, by category. */
export function commandsText(): string {
  const lines = ['ℹ️ Slash commands', ''];
  for (const [category, entries] of CATALOG) {
    if (lines.length > 2) lines.push('');
    lines.push(category, ...entries.map((e) => `  ${e}`));
  }
  return lines.join('\n');
}

/** `/whoami` (`/id`): who the gateway takes the sender for, and the id its allowlists match. */
export function whoamiText(env: InboundEnvelope): string {
  const lines = ['🧭 Identity', `Channel: ${env.channel}`, `User id: ${env.sender.id}`];
  const name = env.sender.username;
  if (name) lines.push(`Username: ${name.startsWith('@') ? name : `@${name}`}`);
  if (env.chat.kind !== 'direct') lines.push(`Chat: ${env.channel}:group:${env.chat.id}`);
  if (env.chat.threadId !== undefined) lines.push(`Thread: ${env.chat.threadId}`);
  lines.push(`AllowFrom: ${env.sender.id}`);
  return lines.join('\n');
}

/** A token count as the reference's status lines write it: 950, 1.2k, 34k, 1.5m. */
export function tokenCount(n: number): string {
  const v = Math.max(0, n);
  if (v < 1000) return String(Math.round(v));
  if (v < 1_000_000) {
    const k = (v / 1000).toFixed(v >= 10_000 ? 0 : 1);
    if (Number(k) < 1000) return `${k}k`;
  }
  return `${(v / 1_000_000).toFixed(1)}m`;
}

/** What `/compact` found and did. */
export interface CompactFigures {
  compacted: boolean;
  tokensBefore: number;
  tokensAfter: number;
  contextTokens: number;
}

/** `/compact`'s answer: what it came to, then the context the next turn carries. */
export function compactText(f: CompactFigures): string {
  const pct = f.contextTokens
    ? ` (${Math.min(999, Math.round((f.tokensAfter / f.contextTokens) * 100))}%)`
    : '';
  const context = `Context ${tokenCount(f.tokensAfter)}/${f.contextTokens ? tokenCount(f.contextTokens) : '?'}${pct}`;
  return f.compacted
    ? `⚙️ Compacted (${tokenCount(f.tokensBefore)} → ${tokenCount(f.tokensAfter)}) • ${context}`
    : `⚙️ Compaction skipped: nothing compactable in this session yet • ${context}`;
}
