import {
  type ExecApproval,
  type ExecApprovalDecision,
  type ExecApprovalsFile,
  type ExecApprovalsSnapshot,
  type ExecApprovalWaitResult,
  gatewayError,
} from '@openclaw/protocol';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { ApprovalRecord, ApprovalRepo, KvRepo } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import {
  allowlistEntry,
  checkPolicyFile,
  commandLine,
  invalidPolicyValue,
  isDecision,
  policyHash,
  resolvePolicy,
} from './exec-policy.ts';

const KV_KEY = 'exec-approvals';
const AGENT = 'main';
/** Pending approvals at most (each holds a waiting invoke). */
const MAX_PENDING = 500;

export interface ExecApprovalsOptions {
  kv: KvRepo;
  /** Where requests and decisions live: shared by a cluster's gateways, kept across restarts. */
  approvals: ApprovalRepo;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  /** How long a request waits for a decision (default 120 s). */
  ttlMs?: () => number;
  /**
   * How often a waiting run reads its approval again (default 1 s): a decision made on another
   * gateway is announced, but an announcement lost with a Redis blip must not leave it waiting.
   */
  pollMs?: number;
}

export interface RunRequest {
  argv: string[];
  cwd?: string | null | undefined;
  nodeId?: string | null | undefined;
  agentId?: string | null | undefined;
  sessionKey?: string | null | undefined;
  requestedBy?: string | undefined;
  timeoutMs?: number | undefined;
}

/** How a caller that may ask again after a crash waits. */
export interface GateOptions {
  /**
   * What the request is for (a tool call's idempotency key): asked again with the same key, the
   * gate finds the request already made — same id, same expiry — or its decision, instead of a new one.
   */
  key?: string | undefined;
  /** Stops the wait (the run was aborted or its gateway is stopping); nothing is decided then. */
  signal?: AbortSignal | undefined;
}

/**
 * The exec approval policy for `system.run` on nodes, and the operator approvals it calls for.
 * The policy document (the reference's version-1 layout) and the requests with their decisions
 * live in the store, so every gateway of a cluster lists, decides and waits on the same ones and
 * a run resumed after a crash finds the request it had made. An approved run is forwarded to the
 * node with the decision attached; the node applies its own allowlist too (see apps/node-agent).
 */
export class ExecApprovals {
  readonly #o: ExecApprovalsOptions;
  /** Local waits by approval id, woken by a decision here or one announced by another gateway. */
  readonly #waiters = new Map<string, Set<() => void>>();
  /** Expiry timers of the requests made here (the expiry is announced when it comes). */
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(options: ExecApprovalsOptions) {
    this.#o = options;
  }

  async snapshot(): Promise<ExecApprovalsSnapshot> {
    const stored = await this.#o.kv.get<ExecApprovalsFile>(KV_KEY);
    const file = stored ?? { version: 1 as const, defaults: {}, agents: {} };
    return {
      path: 'gateway-store#exec-approvals',
      exists: stored !== undefined,
      hash: policyHash(file),
      file,
      resolvedDefaults: resolvePolicy(file, undefined),
    };
  }

  async set(file: ExecApprovalsFile, baseHash: string | undefined): Promise<ExecApprovalsSnapshot> {
    const current = await this.snapshot();
    if (baseHash !== undefined && baseHash !== current.hash) {
      throw gatewayError(
        'INVALID_REQUEST',
        'CONFIG_CONFLICT',
        'the exec approval policy changed since it was read',
        { details: { currentHash: current.hash } },
      );
    }
    checkPolicyFile(file);
    await this.#o.kv.set(KV_KEY, file);
    return this.snapshot();
  }

  /**
   * What may happen to a system.run: `run` (forward as is), `approved` (forward with the
   * decision), or a refusal. Waits for an operator when the policy asks; `onPending` says an
   * operator is being asked (the request is out, or was already, and the run waits for the answer).
   */
  async gate(
    req: RunRequest,
    onPending?: (approval: ExecApproval) => void,
    options: GateOptions = {},
  ): Promise<{ approval?: { id: string; decision: ExecApprovalDecision } }> {
    const snap = await this.snapshot();
    const policy = resolvePolicy(snap.file, AGENT);
    const program = req.argv[0] ?? '';
    const entry = allowlistEntry(program, snap.file.agents?.[AGENT]?.allowlist ?? []);
    const listed = entry !== undefined;
    if (policy.security === 'deny') throw denied('the exec policy denies system.run', req);
    const needsAsk =
      policy.ask === 'always' || (policy.ask === 'on-miss' && policy.security === 'allowlist' && !listed);
    if (!needsAsk) {
      if (policy.security === 'allowlist' && !listed)
        throw denied(`${program} is not on the exec allowlist`, req);
      // An earlier allow-always stands for an approval on every later run of that program.
      if (entry?.source === 'allow-always') {
        return { approval: { id: entry.id ?? 'allow-always', decision: 'allow-always' } };
      }
      return {};
    }
    const asked = await this.#ask(req, options.key);
    if (asked.status === 'pending') onPending?.(publicOf(asked));
    const outcome = await this.#settled(asked, options.signal);
    if (outcome.status === 'resolved' && outcome.decision && outcome.decision !== 'deny') {
      return { approval: { id: outcome.id, decision: outcome.decision } };
    }
    if (outcome.status === 'resolved') throw denied('an operator denied this run', req, outcome.id);
    // Nobody decided in time: the ask fallback decides.
    if (policy.askFallback === 'full' || (policy.askFallback === 'allowlist' && listed)) return {};
    throw denied('nobody approved this run in time (ask fallback: deny)', req, outcome.id);
  }

  /** Ask the operators (exec.approval.request, or the gate): stored, then announced. */
  async request(req: RunRequest): Promise<ExecApproval> {
    return publicOf(await this.#ask(req, undefined));
  }

  async resolve(id: string, decision: string, by: string): Promise<ExecApproval> {
    if (!isDecision(decision)) throw invalidPolicyValue('decision', decision);
    const found = await this.#current(id);
    if (!found) {
      throw gatewayError('NOT_FOUND', 'APPROVAL_UNKNOWN', `no pending approval ${id}`, { details: { id } });
    }
    if (found.status !== 'pending') throw alreadyDecided(id);
    const done = await this.#o.approvals.settle(id, {
      status: 'resolved',
      decision,
      resolvedBy: by,
      resolvedAtMs: this.#o.clock.now(),
    });
    // Decided (or expired) elsewhere in the meantime: the first decision stands.
    if (!done) throw alreadyDecided(id);
    if (decision === 'allow-always') await this.#allowAlways(found.commandArgv[0] ?? '');
    this.#announce(done);
    return publicOf(done);
  }

  /** Pending requests of the whole store (every gateway's), oldest first. */
  async list(): Promise<ExecApproval[]> {
    const now = this.#o.clock.now();
    const out: ExecApproval[] = [];
    for (const a of await this.#o.approvals.listPending()) {
      if (a.expiresAtMs > now) out.push(publicOf(a));
      // Past its expiry with nobody left to notice (its gateway died): it expires now.
      else await this.#expire(a);
    }
    return out;
  }

  async get(id: string): Promise<ExecApproval> {
    const a = await this.#current(id);
    if (!a) throw gatewayError('NOT_FOUND', 'APPROVAL_UNKNOWN', `no approval ${id}`, { details: { id } });
    return publicOf(a);
  }

  /** The decision, once there is one (or pending after timeoutMs). */
  async wait(id: string, timeoutMs: number): Promise<ExecApprovalWaitResult> {
    const deadline = this.#o.clock.now() + timeoutMs;
    let a = await this.#current(id);
    while (a?.status === 'pending' && !this.#closed) {
      const left = deadline - this.#o.clock.now();
      if (left <= 0) break;
      await this.#sleep(id, Math.min(left, a.expiresAtMs - this.#o.clock.now()), undefined);
      a = await this.#current(id);
    }
    if (!a) throw gatewayError('NOT_FOUND', 'APPROVAL_UNKNOWN', `no approval ${id}`, { details: { id } });
    return { id, status: a.status, decision: a.decision ?? null };
  }

  /** Another gateway decided `id`: whoever waits for it here reads it again. */
  wake(id: string): void {
    for (const w of this.#waiters.get(id) ?? []) w();
  }

  /**
   * Stop watching: timers and waits end here, the stored requests stay as they are (a run
   * resumed on another gateway, or after a restart, still finds its request pending).
   */
  close(): void {
    this.#closed = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    for (const id of [...this.#waiters.keys()]) this.wake(id);
  }

  /** The request for `key` if one was made (pending or decided), else a new one, announced. */
  async #ask(req: RunRequest, key: string | undefined): Promise<ApprovalRecord> {
    if (req.argv.length === 0)
      throw gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', 'an exec approval needs a command');
    if (key !== undefined) {
      const earlier = await this.#o.approvals.findByKey(key);
      // Its time ran out while nobody watched it (its gateway was gone): it expires now.
      if (earlier?.status === 'pending' && earlier.expiresAtMs <= this.#o.clock.now())
        return this.#expire(earlier);
      if (earlier) return earlier;
    }
    const now = this.#o.clock.now();
    const pending = (await this.#o.approvals.listPending()).filter((a) => a.expiresAtMs > now);
    if (pending.length >= MAX_PENDING) {
      throw gatewayError('UNAVAILABLE', 'RATE_LIMITED', 'too many exec approvals are pending', {
        retryAfterMs: 5000,
      });
    }
    const ttl = Math.max(1000, req.timeoutMs ?? this.#o.ttlMs?.() ?? 120_000);
    const record: ApprovalRecord = {
      id: newId('appr'),
      status: 'pending',
      command: commandLine(req.argv),
      commandArgv: [...req.argv],
      cwd: req.cwd ?? null,
      nodeId: req.nodeId ?? null,
      host: 'node',
      agentId: req.agentId ?? null,
      sessionKey: req.sessionKey ?? null,
      createdAtMs: now,
      expiresAtMs: now + ttl,
    };
    if (req.requestedBy) record.requestedBy = req.requestedBy;
    if (key !== undefined) record.key = key;
    const { record: stored, created } = await this.#o.approvals.create(record);
    // Another gateway asked for the same key a moment earlier: theirs is the request.
    if (!created) return stored;
    if (!this.#closed) {
      const timer = setTimeout(() => {
        this.#timers.delete(stored.id);
        void this.#current(stored.id).catch((error: unknown) =>
          this.#o.log.warn({ err: error, approvalId: stored.id }, 'exec approval expiry not recorded'),
        );
      }, ttl);
      timer.unref?.();
      this.#timers.set(stored.id, timer);
    }
    this.#o.bus.publish('exec.approval.requested', publicOf(stored));
    this.#o.log.info(
      { approvalId: stored.id, nodeId: stored.nodeId, program: req.argv[0] },
      'exec approval requested',
    );
    return stored;
  }

  /** The stored request, expired first when its time is up. */
  async #current(id: string): Promise<ApprovalRecord | undefined> {
    const a = await this.#o.approvals.get(id);
    if (a?.status === 'pending' && a.expiresAtMs <= this.#o.clock.now()) return this.#expire(a);
    return a;
  }

  /** Waits until the request is decided or expired (wherever that happens). */
  async #settled(asked: ApprovalRecord, signal: AbortSignal | undefined): Promise<ApprovalRecord> {
    let a: ApprovalRecord = asked;
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      if (this.#closed) throw shuttingDown();
      let read: ApprovalRecord | undefined;
      try {
        read = await this.#current(a.id);
      } catch (error) {
        // The store is out of reach for a moment (a Redis blip): keep waiting while the request
        // can still be decided; past its expiry there is no way to learn its fate.
        if (this.#o.clock.now() >= a.expiresAtMs) throw error;
        this.#o.log.warn({ err: error, approvalId: a.id }, 'exec approval not readable; waiting on');
        await this.#sleep(a.id, this.#o.pollMs ?? 1000, signal);
        continue;
      }
      if (!read) throw gatewayError('NOT_FOUND', 'APPROVAL_UNKNOWN', `no approval ${asked.id}`);
      a = read;
      if (a.status !== 'pending') return a;
      const poll = this.#o.pollMs ?? 1000;
      await this.#sleep(a.id, Math.min(poll, a.expiresAtMs - this.#o.clock.now()), signal);
    }
  }

  /** Sleep up to `ms`, or until `id` is decided (here or announced), the signal aborts or we close. */
  #sleep(id: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      let set = this.#waiters.get(id);
      if (!set) {
        set = new Set();
        this.#waiters.set(id, set);
      }
      const waiters = set;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(id) === waiters) this.#waiters.delete(id);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async #expire(a: ApprovalRecord): Promise<ApprovalRecord> {
    const done = await this.#o.approvals.settle(a.id, {
      status: 'expired',
      resolvedAtMs: this.#o.clock.now(),
    });
    if (!done) return (await this.#o.approvals.get(a.id)) ?? a;
    this.#announce(done);
    return done;
  }

  #announce(done: ApprovalRecord): void {
    const timer = this.#timers.get(done.id);
    if (timer) clearTimeout(timer);
    this.#timers.delete(done.id);
    this.#o.bus.publish('exec.approval.resolved', {
      id: done.id,
      status: done.status as 'resolved' | 'expired',
      decision: done.decision ?? null,
      ts: done.resolvedAtMs ?? 0,
    });
    this.wake(done.id);
  }

  async #allowAlways(program: string): Promise<void> {
    if (!program) return;
    const snap = await this.snapshot();
    const file: ExecApprovalsFile = structuredClone(snap.file);
    file.agents ??= {};
    const agent = file.agents[AGENT] ?? {};
    file.agents[AGENT] = agent;
    agent.allowlist ??= [];
    if (!agent.allowlist.some((e) => e.pattern === program)) {
      agent.allowlist.push({ id: newId('allow'), pattern: program, source: 'allow-always' });
    }
    await this.#o.kv.set(KV_KEY, file);
  }
}

/** The protocol's record: the asker's key stays in the store. */
function publicOf(a: ApprovalRecord): ExecApproval {
  const { key: _key, ...rest } = a;
  return rest;
}

function alreadyDecided(id: string) {
  return gatewayError('INVALID_REQUEST', 'APPROVAL_UNKNOWN', `approval ${id} was already decided`, {
    details: { id },
  });
}

function shuttingDown() {
  return gatewayError('UNAVAILABLE', 'SHUTTING_DOWN', 'gateway shutting down', { retryable: true });
}

function denied(message: string, req: RunRequest, approvalId?: string) {
  return gatewayError('FORBIDDEN', 'SYSTEM_RUN_DENIED', message, {
    details: {
      nodeId: req.nodeId ?? null,
      argv0: req.argv[0] ?? null,
      ...(approvalId ? { approvalId } : {}),
    },
  });
}
