import type { AgentHeartbeatRun } from '@openclaw/protocol';
import type { KvRepo } from '../store/types.ts';

const PREFIX = 'heartbeat.turn.';
const ALERT_PREFIX = 'heartbeat.alert.';
/** The reference's window: the same alert text is not delivered again within a day. */
export const DUPLICATE_WINDOW_MS = 86_400_000;

const NO_ROUTE_MESSAGE =
  'No chat to deliver to yet: message the agent on a channel once, or set its heartbeat target and to.';
const TARGET_NONE_MESSAGE = 'Heartbeat delivery is off in the config (target: none).';

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
    if (out.message === undefined && out.reason === 'no-route') out.message = NO_ROUTE_MESSAGE;
    if (out.message === undefined && out.reason === 'target-none') out.message = TARGET_NONE_MESSAGE;
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

  async alertSent(agentId: string, chat: string, text: string, at: number): Promise<void> {
    await this.#kv.set(`${ALERT_PREFIX}${agentId}`, { chat, text: text.trim(), at });
  }
}
