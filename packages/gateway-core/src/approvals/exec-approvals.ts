import { createHash } from 'node:crypto';
import { basename, isAbsolute } from 'node:path';
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
import type { KvRepo } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';

const KV_KEY = 'exec-approvals';
const AGENT = 'main';
/** The policy in effect until an operator saves one: run what nodes allow, never ask. */
const BUILT_IN = { security: 'full', ask: 'off', askFallback: 'deny', autoAllowSkills: false } as const;
/** Decided approvals kept for exec.approval.get / waitDecision after the fact. */
const KEEP_DECIDED = 200;
/** Pending approvals at most (each holds a waiting invoke). */
const MAX_PENDING = 500;

type Security = 'deny' | 'allowlist' | 'full';
type Ask = 'off' | 'on-miss' | 'always';

export interface ExecApprovalsOptions {
  kv: KvRepo;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  /** How long a request waits for a decision (default 120 s). */
  ttlMs?: () => number;
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

interface Pending {
  approval: ExecApproval;
  waiters: Set<() => void>;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The exec approval policy for `system.run` on nodes, and the operator approvals it calls for.
 * The policy document (the reference's version-1 layout) lives in the store; pending approvals
 * live in memory for their time to live. An approved run is forwarded to the node with the
 * decision attached; the node applies its own allowlist too (see apps/node-agent).
 */
export class ExecApprovals {
  readonly #o: ExecApprovalsOptions;
  readonly #pending = new Map<string, Pending>();
  readonly #decided = new Map<string, ExecApproval>();

  constructor(options: ExecApprovalsOptions) {
    this.#o = options;
  }

  async snapshot(): Promise<ExecApprovalsSnapshot> {
    const stored = await this.#o.kv.get<ExecApprovalsFile>(KV_KEY);
    const file = stored ?? { version: 1 as const, defaults: {}, agents: {} };
    return {
      path: 'gateway-store#exec-approvals',
      exists: stored !== undefined,
      hash: hashOf(file),
      file,
      resolvedDefaults: resolved(file, undefined),
    };
  }

  async set(file: ExecApprovalsFile, baseHash: string | undefined): Promise<ExecApprovalsSnapshot> {
    const current = await this.snapshot();
    if (baseHash !== undefined && baseHash !== current.hash) {
      throw gatewayError(
        'INVALID_REQUEST',
        'CONFIG_CONFLICT',
        'the exec approval policy changed since it was read',
        {
          details: { currentHash: current.hash },
        },
      );
    }
    for (const p of [file.defaults, ...Object.values(file.agents ?? {})]) {
      if (!p) continue;
      if (p.security !== undefined && !isSecurity(p.security)) throw invalid('security', p.security);
      if (p.askFallback !== undefined && !isSecurity(p.askFallback))
        throw invalid('askFallback', p.askFallback);
      if (p.ask !== undefined && !isAsk(p.ask)) throw invalid('ask', p.ask);
    }
    await this.#o.kv.set(KV_KEY, file);
    return this.snapshot();
  }

  /**
   * What may happen to a system.run: `run` (forward as is), `approved` (forward with the
   * decision), or a refusal. Waits for an operator when the policy asks.
   */
  /** `onPending`: an operator is being asked (the request is out; the run waits for the answer). */
  async gate(
    req: RunRequest,
    onPending?: (approval: ExecApproval) => void,
  ): Promise<{ approval?: { id: string; decision: ExecApprovalDecision } }> {
    const snap = await this.snapshot();
    const policy = resolved(snap.file, AGENT);
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
    const approval = this.request(req);
    onPending?.(approval);
    const outcome = await this.wait(approval.id, Number.POSITIVE_INFINITY);
    if (outcome.status === 'resolved' && outcome.decision && outcome.decision !== 'deny') {
      return { approval: { id: approval.id, decision: outcome.decision } };
    }
    if (outcome.status === 'resolved') throw denied('an operator denied this run', req, approval.id);
    // Nobody decided in time: the ask fallback decides.
    if (policy.askFallback === 'full' || (policy.askFallback === 'allowlist' && listed)) return {};
    throw denied('nobody approved this run in time (ask fallback: deny)', req, approval.id);
  }

  request(req: RunRequest): ExecApproval {
    if (req.argv.length === 0)
      throw gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', 'an exec approval needs a command');
    if (this.#pending.size >= MAX_PENDING) {
      throw gatewayError('UNAVAILABLE', 'RATE_LIMITED', 'too many exec approvals are pending', {
        retryAfterMs: 5000,
      });
    }
    const now = this.#o.clock.now();
    const ttl = Math.max(1000, req.timeoutMs ?? this.#o.ttlMs?.() ?? 120_000);
    const approval: ExecApproval = {
      id: newId('appr'),
      status: 'pending',
      command: req.argv.map(quote).join(' '),
      commandArgv: [...req.argv],
      cwd: req.cwd ?? null,
      nodeId: req.nodeId ?? null,
      host: 'node',
      agentId: req.agentId ?? null,
      sessionKey: req.sessionKey ?? null,
      createdAtMs: now,
      expiresAtMs: now + ttl,
    };
    if (req.requestedBy) approval.requestedBy = req.requestedBy;
    const timer = setTimeout(() => this.#end(approval.id, 'expired', null, undefined), ttl);
    timer.unref?.();
    this.#pending.set(approval.id, { approval, waiters: new Set(), timer });
    this.#o.bus.publish('exec.approval.requested', approval);
    this.#o.log.info(
      { approvalId: approval.id, nodeId: approval.nodeId, program: req.argv[0] },
      'exec approval requested',
    );
    return approval;
  }

  async resolve(id: string, decision: string, by: string): Promise<ExecApproval> {
    if (!isDecision(decision)) throw invalid('decision', decision);
    const p = this.#pending.get(id);
    if (!p) {
      if (this.#decided.has(id)) {
        throw gatewayError('INVALID_REQUEST', 'APPROVAL_UNKNOWN', `approval ${id} was already decided`, {
          details: { id },
        });
      }
      throw gatewayError('NOT_FOUND', 'APPROVAL_UNKNOWN', `no pending approval ${id}`, { details: { id } });
    }
    if (decision === 'allow-always') await this.#allowAlways(p.approval.commandArgv[0] ?? '');
    return this.#end(id, 'resolved', decision, by);
  }

  list(): ExecApproval[] {
    return [...this.#pending.values()].map((p) => p.approval);
  }

  get(id: string): ExecApproval {
    const a = this.#pending.get(id)?.approval ?? this.#decided.get(id);
    if (!a) throw gatewayError('NOT_FOUND', 'APPROVAL_UNKNOWN', `no approval ${id}`, { details: { id } });
    return a;
  }

  /** The decision, once there is one (or pending after timeoutMs). */
  async wait(id: string, timeoutMs: number): Promise<ExecApprovalWaitResult> {
    const p = this.#pending.get(id);
    if (p) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let waiter!: () => void;
      await new Promise<void>((resolve) => {
        waiter = resolve;
        p.waiters.add(waiter);
        if (Number.isFinite(timeoutMs)) timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      p.waiters.delete(waiter);
    }
    const a = this.get(id);
    return { id, status: a.status, decision: a.decision ?? null };
  }

  close(): void {
    for (const id of [...this.#pending.keys()]) this.#end(id, 'expired', null, undefined);
  }

  #end(
    id: string,
    status: 'resolved' | 'expired',
    decision: ExecApprovalDecision | null,
    by: string | undefined,
  ): ExecApproval {
    const p = this.#pending.get(id);
    if (!p) return this.get(id);
    clearTimeout(p.timer);
    this.#pending.delete(id);
    const done: ExecApproval = { ...p.approval, status, resolvedAtMs: this.#o.clock.now() };
    if (decision) done.decision = decision;
    if (by) done.resolvedBy = by;
    this.#decided.set(id, done);
    while (this.#decided.size > KEEP_DECIDED) {
      const oldest = this.#decided.keys().next().value;
      if (oldest === undefined) break;
      this.#decided.delete(oldest);
    }
    this.#o.bus.publish('exec.approval.resolved', { id, status, decision, ts: done.resolvedAtMs ?? 0 });
    for (const w of p.waiters) w();
    return done;
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

function resolved(
  file: ExecApprovalsFile,
  agent: string | undefined,
): { security: Security; ask: Ask; askFallback: Security; autoAllowSkills: boolean } {
  const d = file.defaults ?? {};
  const a = agent ? (file.agents?.[agent] ?? {}) : {};
  const pick = <T extends string>(ok: (v: string) => v is T, ...vs: (string | undefined)[]) =>
    vs.find((v): v is T => v !== undefined && ok(v));
  return {
    security: pick(isSecurity, a.security, d.security) ?? BUILT_IN.security,
    ask: pick(isAsk, a.ask, d.ask) ?? BUILT_IN.ask,
    askFallback: pick(isSecurity, a.askFallback, d.askFallback) ?? BUILT_IN.askFallback,
    autoAllowSkills: a.autoAllowSkills ?? d.autoAllowSkills ?? BUILT_IN.autoAllowSkills,
  };
}

/** A bare entry matches that program name; an absolute entry matches exactly that path. */
function allowlistEntry<E extends { pattern: string }>(program: string, list: readonly E[]): E | undefined {
  return list.find((e) =>
    isAbsolute(e.pattern) ? e.pattern === program : e.pattern === program || e.pattern === basename(program),
  );
}

function isSecurity(v: string): v is Security {
  return v === 'deny' || v === 'allowlist' || v === 'full';
}
function isAsk(v: string): v is Ask {
  return v === 'off' || v === 'on-miss' || v === 'always';
}
function isDecision(v: string): v is ExecApprovalDecision {
  return v === 'allow-once' || v === 'allow-always' || v === 'deny';
}

function invalid(field: string, value: string) {
  return gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', `invalid ${field}: ${value}`, {
    details: { path: `/${field}`, reason: 'not one of the allowed values' },
  });
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

function hashOf(file: ExecApprovalsFile): string {
  return createHash('sha256').update(JSON.stringify(file)).digest('hex');
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
