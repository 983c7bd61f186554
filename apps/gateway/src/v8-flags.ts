import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import type { EventBus } from '@openclaw/gateway-core';

/** What the daemon runs with unless OPENCLAW_V8_FLAGS says otherwise (set it empty for none). */
export const DEFAULT_V8_FLAGS = '--optimize-for-size';

/** How long after the last agent run the daemon goes back to `--optimize-for-size`. */
export const RUN_QUIET_MS = 30_000;

/**
 * How large the young generation may grow while runs happen (V8's new space: two semi-spaces of
 * 4 MiB). Left alone it grows to 64 MiB a semi-space during a burst of turns, and a scavenge of
 * that takes 3–15 ms on this machine, against ~1 ms at this size (docs/PERFORMANCE.md).
 */
export const RUN_YOUNG_GEN_CAP_BYTES = 8 * 1024 * 1024;

/** V8's own growth factor for the young generation, put back once the cap no longer holds it. */
const YOUNG_GEN_GROWTH = '--semi-space-growth-factor=2';
const YOUNG_GEN_HELD = '--semi-space-growth-factor=1';

/** What the cap reads: the young generation's size now, and a callback after each collection. */
export interface YoungGeneration {
  bytes(): number;
  onCollection(callback: () => void): () => void;
}

const v8YoungGeneration: YoungGeneration = {
  bytes: () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0,
  onCollection(callback) {
    const observer = new PerformanceObserver(callback);
    observer.observe({ entryTypes: ['gc'] });
    return () => observer.disconnect();
  },
};

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
  /** The heap the young-generation cap watches (V8's own; a test passes its own). */
  youngGeneration?: YoungGeneration;
}

/**
 * Hold the young generation at `capBytes`: V8 sizes it only at start-up (`--max-semi-space-size`
 * set later changes nothing), but reads its growth factor each time it grows, so after each
 * collection growth is stopped (factor 1) once the cap is reached and allowed again below it.
 */
function capYoungGeneration(young: YoungGeneration, set: (flags: string) => void, capBytes: number) {
  let held = false;
  const check = () => {
    const atCap = young.bytes() >= capBytes;
    if (atCap === held) return;
    held = atCap;
    set(atCap ? YOUNG_GEN_HELD : YOUNG_GEN_GROWTH);
  };
  check();
  const stop = young.onCollection(check);
  return () => {
    stop();
    if (held) set(YOUNG_GEN_GROWTH);
  };
}

/**
 * `--optimize-for-size` keeps V8's young generation at its smallest, which is what holds an idle
 * connection to ~9 KB; but an agent turn allocates ~0.4 MB (the model's HTTP stream, the AI SDK's
 * web streams, the platform's HTTP call), and with the small young generation most of that is
 * promoted and a full, compacting collection runs every ~30 turns: 4–12 ms on the event loop, the
 * agent turn's p99 (docs/PERFORMANCE.md). So while agent runs happen the daemon runs without
 * the flag, with the young generation held at RUN_YOUNG_GEN_CAP_BYTES, and goes back to it once
 * no run has started for `quietMs` (V8's memory reducer then shrinks the heap). Only when the
 * defaults are in effect: OPENCLAW_V8_FLAGS is the operator's choice and is left alone. Returns
 * the function that stops following.
 */
export function followRunActivity(bus: Pick<EventBus, 'tap'>, options: RunActivityOptions = {}): () => void {
  if (!defaultsApplied && !options.force) return () => {};
  const quietMs = options.quietMs ?? RUN_QUIET_MS;
  const set = options.setFlags ?? setFlagsFromString;
  const young = options.youngGeneration ?? v8YoungGeneration;
  let uncap: (() => void) | undefined;
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
    uncap?.();
    uncap = undefined;
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
    uncap = capYoungGeneration(young, set, RUN_YOUNG_GEN_CAP_BYTES);
    timer = setTimeout(settle, quietMs);
    timer.unref();
  });
  return () => {
    untap();
    clearTimeout(timer);
    uncap?.();
    uncap = undefined;
    if (active) set('--optimize-for-size');
    active = false;
  };
}
