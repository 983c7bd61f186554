import { setFlagsFromString } from 'node:v8';
import type { EventBus } from '@openclaw/gateway-core';

/** What the daemon runs with unless OPENCLAW_V8_FLAGS says otherwise (set it empty for none). */
export const DEFAULT_V8_FLAGS = '--optimize-for-size';

/** How long after the last agent run the daemon goes back to `--optimize-for-size`. */
export const RUN_QUIET_MS = 30_000;

let defaultsApplied = false;

/**
 * V8 flags for the daemon, applied at start-up before the gateway allocates anything sizeable.
 * The default, `--optimize-for-size`, measured here: about 9 KB instead of 19 KB held per idle
 * connection at 10,000 connections, with handshake and RPC throughput unchanged within noise
 * (docs/PERFORMANCE.md).
 */
export function applyV8Flags(env: NodeJS.ProcessEnv = process.env): void {
  const flags = (env.OPENCLAW_V8_FLAGS ?? DEFAULT_V8_FLAGS).trim();
  if (flags) setFlagsFromString(flags);
  defaultsApplied = env.OPENCLAW_V8_FLAGS === undefined;
}

export interface RunActivityOptions {
  quietMs?: number;
  /** Where the flag goes (V8's own setter; a test passes its own). */
  setFlags?: (flags: string) => void;
  /** Follow runs even if the defaults were not applied by applyV8Flags (tests). */
  force?: boolean;
}

/**
 * `--optimize-for-size` keeps V8's young generation at its smallest, which is what holds an idle
 * connection to ~9 KB; but an agent turn allocates ~0.4 MB (the model's HTTP stream, the AI SDK's
 * web streams, the platform's HTTP call), and with the small young generation most of that is
 * promoted and a full, compacting collection runs every ~30 turns: 4–12 ms on the event loop, the
 * agent turn's p99 (docs/PERFORMANCE.md). So while agent runs happen the daemon runs without
 * the flag, and goes back to it once no run has started for `quietMs` (V8's memory reducer then
 * shrinks the heap). Only when the defaults are in effect: OPENCLAW_V8_FLAGS is the operator's
 * choice and is left alone. Returns the function that stops following.
 */
export function followRunActivity(bus: Pick<EventBus, 'tap'>, options: RunActivityOptions = {}): () => void {
  if (!defaultsApplied && !options.force) return () => {};
  const quietMs = options.quietMs ?? RUN_QUIET_MS;
  const set = options.setFlags ?? setFlagsFromString;
  let active = false;
  let lastRunAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settle = () => {
    const idle = Date.now() - lastRunAt;
    if (idle < quietMs) {
      timer = setTimeout(settle, quietMs - idle);
      timer.unref();
      return;
    }
    timer = undefined;
    active = false;
    set('--optimize-for-size');
  };
  const untap = bus.tap((event, payload) => {
    if (event !== 'agent') return;
    const p = payload as { stream?: string; data?: { phase?: string } };
    if (p.stream !== 'lifecycle' || p.data?.phase !== 'start') return;
    lastRunAt = Date.now();
    if (active) return;
    active = true;
    set('--no-optimize-for-size');
    timer = setTimeout(settle, quietMs);
    timer.unref();
  });
  return () => {
    untap();
    clearTimeout(timer);
    if (active) set('--optimize-for-size');
    active = false;
  };
}
