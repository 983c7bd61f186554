import type { AgentHeartbeatRun } from '@openclaw/protocol';
import type { KvRepo } from '../store/types.ts';

const PREFIX = 'heartbeat.turn.';
const ALERT_PREFIX = 'heartbeat.alert.';
/** The reference's window: the same alert text is not delivered again within a day. */
export const DUPLICATE_WINDOW_MS = 86_400_000;

/** What to do about a skip, by its reason. */
const SKIP_MESSAGES: Record<string, string> = {
  'no-route':
    "No chat to deliver to yet: for the default target owner, set commands.ownerAllowFrom (or a channel allowFrom) to the operator's direct chat; for target last, message the agent on a channel once; or set its heartbeat target and to.",
  'unknown-account':
    "The heartbeat's accountId names no account of that channel: set it to one of the channel's accounts, or remove it.",
  'target-none': 'Heartbeat delivery is off in the config (target: none).',
  'dm-blocked': 'The alert was for a direct chat and the heartbeat directPolicy is block.',
  'alerts-disabled':
    'heartbeatVisibility of the channel (or channels.defaults) keeps heartbeat alerts out of the chat.',
  duplicate: 'The same alert went to this chat less than a day ago.',
};

/**
 * The last heartbeat turn of each agent, one store entry per agent (gateways of a cluster write
 * different agents' at once without undoing each other); kept across restarts.
 */
export class HeartbeatRecords {
  readonly #kv: KvRepo;
  constructor(kv: KvRepo) {
    this.#kv = kv;
  }

  async record(run: AgentHeartbeatRun): Promise<AgentHeartbeatRun> {
    const out: AgentHeartbeatRun = { ...run };
    const hint = out.reason === undefined ? undefined : SKIP_MESSAGES[out.reason];
    if (out.message === undefined && out.status === 'skipped' && hint !== undefined) out.message = hint;
    await this.#kv.set(`${PREFIX}${run.agentId}`, out);
    return out;
  }

  async get(agentId: string): Promise<AgentHeartbeatRun | undefined> {
    return this.#kv.get<AgentHeartbeatRun>(`${PREFIX}${agentId}`);
  }

  /** Every agent's last turn, newest first. */
  async all(): Promise<AgentHeartbeatRun[]> {
    const rows = (await this.#kv.entries<AgentHeartbeatRun>(PREFIX)).map(([, v]) => v);
    return rows.sort((a, b) => b.ts - a.ts);
  }

  /** Whether this alert text went to this chat (`channel:to`) within the window before `now`. */
  async isDuplicate(agentId: string, chat: string, text: string, now: number): Promise<boolean> {
    const last = await this.#kv.get<{ chat: string; text: string; at: number }>(`${ALERT_PREFIX}${agentId}`);
    if (!last || last.chat !== chat || last.text !== text.trim()) return false;
    return last.at <= now && now - last.at < DUPLICATE_WINDOW_MS;
  }

  /** Whether any heartbeat alert of this agent was delivered (kept across restarts). */
  async anyAlertSent(agentId: string): Promise<boolean> {
    return (await this.#kv.get(`${ALERT_PREFIX}${agentId}`)) !== undefined;
  }

  async alertSent(agentId: string, chat: string, text: string, at: number): Promise<void> {
    await this.#kv.set(`${ALERT_PREFIX}${agentId}`, { chat, text: text.trim(), at });
  }
}
