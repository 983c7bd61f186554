// What the kill -9 tests share: gateway processes on one state dir of the test's own (so the next
// one starts on what the killed one left), the kill itself, and the marker that the outbox has
// nothing left to send or confirm.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectOperator, type GatewayProcess, spawnGateway, tempStateDir } from '@openclaw/test-harness';

export type Cleanup = (() => Promise<unknown>)[];

export interface CrashRig {
  stateDir: string;
  /** The gateway token every process of the rig is started with. */
  token: string;
  /** The env every process is started with (the token; a test may add to it before a start). */
  env: Record<string, string>;
  /** A gateway on the state dir, stopped on cleanup. */
  start(): Promise<GatewayProcess>;
  /**
   * Queue `chat <n> message <i>` (i < perChat) to each chat in `to` with `send`, a chat's messages
   * one after another (only the outbox's per-chat order keeps them apart). The texts, in order.
   */
  queueTexts(gateway: GatewayProcess, channel: string, to: string[], perChat: number): Promise<string[]>;
  /** kill -9, and wait until the process is gone. */
  kill(gateway: GatewayProcess): Promise<void>;
  /** Resolves once the gateway's outbox has nothing queued or sending (asked as an operator). */
  outboxSettled(gateway: GatewayProcess, timeoutMs?: number): Promise<void>;
}

/** A state dir whose config has `channels` (removed on cleanup), and a fresh gateway token. */
export async function crashRig(cleanup: Cleanup, channels: Record<string, unknown>): Promise<CrashRig> {
  const stateDir = await tempStateDir();
  cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
  await writeFile(join(stateDir, 'openclaw.json'), JSON.stringify({ channels }));
  const token = randomBytes(24).toString('base64url');
  const env: Record<string, string> = { OPENCLAW_GATEWAY_TOKEN: token };
  return {
    stateDir,
    token,
    env,
    async start() {
      const gateway = await spawnGateway({ stateDir, env });
      cleanup.push(() => gateway.stop());
      return gateway;
    },
    async queueTexts(gateway, channel, to, perChat) {
      const c = await connectOperator(gateway.url, token);
      const texts: string[] = [];
      for (const [chat, chatId] of to.entries()) {
        for (let i = 0; i < perChat; i++) {
          const text = `chat ${chat} message ${i}`;
          texts.push(text);
          await c.request('send', { channel, to: chatId, message: text, idempotencyKey: text });
        }
      }
      await c.close().catch(() => {});
      return texts;
    },
    async kill(gateway) {
      gateway.child.kill('SIGKILL');
      await gateway.waitForExit();
    },
    async outboxSettled(gateway, timeoutMs = 20_000) {
      const op = await connectOperator(gateway.url, token);
      try {
        const end = Date.now() + timeoutMs;
        for (;;) {
          const o = (
            (await op.request('channels.status', {})).channels as { outbox?: Record<string, number> }
          ).outbox;
          if (o?.queued === 0 && o.sending === 0) return;
          if (Date.now() > end) throw new Error(`the outbox did not settle: ${JSON.stringify(o)}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      } finally {
        await op.close().catch(() => {});
      }
    },
  };
}

/** How many lines of the gateway's output contain `text`. */
export const linesWith = (gateway: GatewayProcess, text: string): number =>
  gateway
    .output()
    .split('\n')
    .filter((l) => l.includes(text)).length;
