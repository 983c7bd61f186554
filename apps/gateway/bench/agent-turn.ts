// Gateway overhead per agent turn, against a zero-latency fake model and a fake Telegram: from the
// inbound message leaving Telegram (its getUpdates answer) to the model request arriving, and from
// the model's last token ([DONE]) to the reply reaching Telegram's sendMessage. Everything between
// is the gateway: the adapter, access control, the session write, the run, the prompt, the AI SDK,
// the outbox. Both fakes run in this process, so the two ends share one clock; a pause of this
// process would count in the figure too, so it collects its own young generation between turns
// (outside both intervals), and says how many slow intervals one of its own GC pauses still
// overlapped, and how long per turn the gateway's main thread waited for a core.
//
//   node --conditions=@openclaw/source apps/gateway/bench/agent-turn.ts [--turns 200]
//     [--built]            the built daemon entry (apps/gateway/dist/gateway.js) instead of the sources
//     [--cpu-prof <dir>]   with --built: write the gateway's V8 CPU profile there
//     [--heap-prof <dir>]  with --built: write the gateway's sampled allocation profile there
//     [--entry <file>]     with --built: this daemon entry instead (an A/B against a copy of another build)
//     [--node-flag=<flag>] with --built: start the gateway's node with this flag (repeatable; an A/B of V8 flags)
//     [--pin]              the gateway on core 0, this process (the bench and both fakes) on core 1 (taskset)
//     [--warmup 20]        unmeasured turns first (V8 is still compiling the turn's code for several hundred)
//   (pnpm bench runs it too, against the built gateway)
import { readFile } from 'node:fs/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FakeOpenAi, FakeTelegram } from '@openclaw/test-fakes';
import { canPin, pinTo, unpin } from './pin.ts';

export interface StartedGateway {
  /** The gateway process, for its CPU time. */
  pid?: number | undefined;
  stop(): Promise<void>;
}

export interface AgentTurnFigures {
  turns: number;
  /** The gateway ran on core 0 and this process (the bench, both fakes) on core 1. */
  pinned?: boolean;
  inboundToModelMs: { p50: number; p99: number };
  lastTokenToPlatformMs: { p50: number; p99: number };
  /** The gateway process's CPU time (user + system) per measured turn, when its pid is known. */
  cpuMsPerTurn?: number;
  /** The same, the kernel's part (system time: syscalls such as SQLite's fsync and socket writes). */
  sysCpuMsPerTurn?: number;
  /** Measured intervals (two a turn) over 5 ms, the target. */
  slowIntervals: number;
  /** Of those, the ones a GC pause of this (the fakes') process overlapped: the bench's share. */
  slowWithBenchGc: number;
  /**
   * Per turn, how long the gateway's main thread was runnable but waiting for a core (the kernel's
   * schedstat; Linux only): what the machine, not the gateway, added.
   */
  gatewayWaitForCoreMs?: { p50: number; p99: number };
}

/**
 * This process's own minor collection, to run between turns: the fakes allocate for every request,
 * and a scavenge landing inside a measured interval would be counted as the gateway's.
 */
function benchMinorGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'minor' }) => void;
  return () => gc({ type: 'minor' });
}

/** How long a thread has waited for a core so far, in ms (/proc schedstat; undefined elsewhere). */
export async function runQueueWaitMs(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  const stat = await readFile(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').catch(() => '');
  const waitNs = Number(stat.split(' ')[1]);
  return stat && Number.isFinite(waitNs) ? waitNs / 1e6 : undefined;
}

/** A process's CPU time so far, in ms, in all and the kernel's part (from /proc; undefined elsewhere). */
export async function cpuTimes(pid: number | undefined): Promise<{ total: number; sys: number } | undefined> {
  if (!pid) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const sys = Number(fields[12]);
  return Number.isFinite(user + sys) ? { total: (user + sys) * 10, sys: sys * 10 } : undefined;
}

function pct(sorted: number[], p: number): number {
  return (
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 100) / 100
  );
}

async function until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    // A timer, not a spin: the gateway shares the cores with this process, and both ends of
    // each figure are stamped inside the fakes, so noticing a turn late does not change it.
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * Measure `turns` turns, one at a time (each in its own chat, so history stays the same size),
 * after `warmup` unmeasured ones. `start` runs a gateway with the given config. With `pin`, the
 * gateway (every thread, and those it starts later) runs on core 0 and this process on core 1
 * from before the warm-up: how much of the figure is the two sharing cores. Without taskset, two
 * cores or the gateway's pid, it is not pinned and the figures say so (no `pinned`).
 */
export async function agentTurnOverhead(
  start: (config: Record<string, unknown>) => Promise<StartedGateway>,
  turns = 200,
  warmup = 20,
  options: { pin?: boolean } = {},
): Promise<AgentTurnFigures> {
  const model = await FakeOpenAi.start({ reply: () => ['ok'] });
  // A short long-poll hold: the bot asks again at once after each answer.
  const tg = await FakeTelegram.start({ holdMs: 25_000 });
  const gw = await start({
    agent: {
      backend: 'openai-compatible',
      openai: {
        baseUrl: model.baseUrl,
        model: 'bench-model',
        apiKeyEnv: 'OC_BENCH_NO_KEY',
        historyMessages: 0,
      },
    },
    channels: {
      telegram: tg.account(),
    },
  });
  const inbound: number[] = [];
  const outbound: number[] = [];
  // Each measured interval as [start, end] on this process's clock, beside its own GC pauses.
  const intervals: [number, number][] = [];
  const waits: number[] = [];
  const benchGc: [number, number][] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) benchGc.push([e.startTime, e.startTime + e.duration]);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const collect = benchMinorGc();
  let cpuStart: { total: number; sys: number } | undefined;
  let cpuEnd: { total: number; sys: number } | undefined;
  const pinned = options.pin === true && canPin(gw.pid);
  try {
    if (pinned) {
      pinTo(gw.pid!, '0');
      pinTo(process.pid, '1');
    }
    for (let i = 0; i < warmup + turns; i++) {
      if (i === warmup) cpuStart = await cpuTimes(gw.pid);
      const chatId = 50_000 + i;
      const text = `turn ${i}`;
      collect();
      const waitBefore = await runQueueWaitMs(gw.pid);
      const update = await tg.pushMessage({ chatId, from: { id: chatId, first_name: 'Bench' }, text });
      await until(
        () => tg.sent.some((s) => s.chatId === String(chatId)),
        30_000,
        `the reply in chat ${chatId}`,
      );
      const waitAfter = await runQueueWaitMs(gw.pid);
      const req = model.requests.find((r) => r.messages.at(-1)?.content === text);
      const delivered = tg.deliveredAt.get(update.update_id);
      const reply = tg.sent.find((s) => s.chatId === String(chatId));
      if (!req?.receivedAt || !req.doneAt || delivered === undefined || !reply)
        throw new Error(`turn ${i} unmeasured`);
      if (i < warmup) continue;
      inbound.push(req.receivedAt - delivered);
      outbound.push(reply.hrAt - req.doneAt);
      intervals.push([delivered, req.receivedAt], [req.doneAt, reply.hrAt]);
      if (waitBefore !== undefined && waitAfter !== undefined) waits.push(waitAfter - waitBefore);
    }
    cpuEnd = await cpuTimes(gw.pid);
  } finally {
    if (pinned) unpin(process.pid);
    gcObserver.disconnect();
    await gw.stop();
    await tg.close();
    await model.close();
  }
  inbound.sort((a, b) => a - b);
  outbound.sort((a, b) => a - b);
  waits.sort((a, b) => a - b);
  const slow = intervals.filter(([start, end]) => end - start > 5);
  return {
    turns,
    ...(pinned ? { pinned } : {}),
    inboundToModelMs: { p50: pct(inbound, 50), p99: pct(inbound, 99) },
    lastTokenToPlatformMs: { p50: pct(outbound, 50), p99: pct(outbound, 99) },
    ...(cpuStart !== undefined && cpuEnd !== undefined
      ? {
          cpuMsPerTurn: Math.round(((cpuEnd.total - cpuStart.total) / turns) * 100) / 100,
          sysCpuMsPerTurn: Math.round(((cpuEnd.sys - cpuStart.sys) / turns) * 100) / 100,
        }
      : {}),
    slowIntervals: slow.length,
    slowWithBenchGc: slow.filter(([start, end]) => benchGc.some(([from, to]) => from < end && to > start))
      .length,
    ...(waits.length === turns ? { gatewayWaitForCoreMs: { p50: pct(waits, 50), p99: pct(waits, 99) } } : {}),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      turns: { type: 'string' },
      built: { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      'heap-prof': { type: 'string' },
      entry: { type: 'string' },
      'node-flag': { type: 'string', multiple: true },
      pin: { type: 'boolean' },
      warmup: { type: 'string' },
    },
  });
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir, loadavg } = await import('node:os');
  const { join, resolve } = await import('node:path');
  const { spawn } = await import('node:child_process');
  const { spawnGateway } = await import('@openclaw/test-harness');
  const { trackProcess } = await import('@openclaw/test-harness');
  const load = loadavg()[0]!.toFixed(2);
  const figures = await agentTurnOverhead(
    async (config) => {
      const stateDir = await mkdtemp(join(tmpdir(), 'oc-bench-agent-'));
      if (!values.built) {
        const gw = await spawnGateway({ stateDir, token: true, config });
        return {
          pid: gw.child.pid,
          async stop() {
            await gw.stop();
            await rm(stateDir, { recursive: true, force: true });
          },
        };
      }
      await writeFile(join(stateDir, 'openclaw.json'), JSON.stringify(config));
      const prof = [
        ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : []),
        // A sample every 16 KB allocated (V8's default, 512 KB, sees too few per turn).
        ...(values['heap-prof']
          ? ['--heap-prof', `--heap-prof-dir=${resolve(values['heap-prof'])}`, '--heap-prof-interval=16384']
          : []),
      ];
      const entry = values.entry
        ? resolve(values.entry)
        : join(import.meta.dirname, '..', 'dist', 'gateway.js');
      const child = spawn(process.execPath, [...(values['node-flag'] ?? []), ...prof, entry, '--port', '0'], {
        env: {
          ...process.env,
          OPENCLAW_STATE_DIR: stateDir,
          HOME: stateDir,
          OPENCLAW_GATEWAY_TOKEN: 'bench',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const proc = trackProcess(child);
      await proc.waitFor(/gateway listening/, 30_000);
      return {
        pid: child.pid,
        async stop() {
          await proc.stop();
          await rm(stateDir, { recursive: true, force: true });
        },
      };
    },
    Number(values.turns ?? 200),
    Number(values.warmup ?? 20),
    { pin: values.pin === true },
  );
  const loadAfter = loadavg()[0]!.toFixed(2);
  process.stdout.write(
    `${JSON.stringify({ agentTurn: figures, loadavg1m: { before: load, after: loadAfter } }, null, 2)}\n`,
  );
}
