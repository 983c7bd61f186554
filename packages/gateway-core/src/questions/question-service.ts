import {
  gatewayError,
  type QuestionAnswers,
  type QuestionItem,
  type QuestionRecord,
  type QuestionStatus,
} from '@openclaw/protocol';
import type { EventBus } from '../events/event-bus.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';

const DEFAULT_TTL_MS = 600_000;
const MAX_PENDING = 200;
const KEEP_RESOLVED = 200;

interface Pending {
  record: QuestionRecord;
  waiters: Set<() => void>;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Questions put to the operators (question.*): pending ones in memory until answered,
 * cancelled or lapsed; the last few resolved ones stay readable. Every change is an event to
 * `operator.questions`.
 */
export class QuestionService {
  readonly #pending = new Map<string, Pending>();
  readonly #resolved = new Map<string, QuestionRecord>();
  readonly #bus: EventBus;
  readonly #clock: Clock;

  constructor(bus: EventBus, clock: Clock) {
    this.#bus = bus;
    this.#clock = clock;
  }

  request(input: {
    id?: string | undefined;
    questions: QuestionItem[];
    agentId?: string | undefined;
    sessionKey?: string | undefined;
    runId?: string | undefined;
    timeoutMs?: number | undefined;
  }): QuestionRecord {
    const id = input.id ?? newId('q');
    if (this.#pending.has(id) || this.#resolved.has(id)) {
      throw gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', `question id ${id} is already in use`, {
        details: { path: '/id', reason: 'duplicate' },
      });
    }
    const ids = new Set(input.questions.map((q) => q.questionId));
    if (ids.size !== input.questions.length) {
      throw gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', 'questionId values must be unique', {
        details: { path: '/questions', reason: 'duplicate questionId' },
      });
    }
    if (this.#pending.size >= MAX_PENDING) {
      throw gatewayError('UNAVAILABLE', 'RATE_LIMITED', 'too many questions are pending', {
        retryAfterMs: 5000,
      });
    }
    const now = this.#clock.now();
    const ttl = input.timeoutMs ?? DEFAULT_TTL_MS;
    const record: QuestionRecord = {
      id,
      questions: input.questions,
      createdAtMs: now,
      expiresAtMs: now + ttl,
      status: 'pending',
    };
    if (input.agentId) record.agentId = input.agentId;
    if (input.sessionKey) record.sessionKey = input.sessionKey;
    if (input.runId) record.runId = input.runId;
    const timer = setTimeout(() => this.#end(id, 'expired', undefined, undefined), ttl);
    timer.unref?.();
    this.#pending.set(id, { record, waiters: new Set(), timer });
    this.#bus.publish('question.requested', record);
    return record;
  }

  resolve(id: string, by: string, answers: QuestionAnswers | undefined, cancel: boolean): QuestionRecord {
    const p = this.#pending.get(id);
    if (!p) throw unknown(id, this.#resolved.has(id));
    if (!cancel) {
      if (!answers) {
        throw gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', 'question.resolve needs answers or cancel', {
          details: { path: '/answers', reason: 'missing' },
        });
      }
      for (const key of Object.keys(answers.answers)) {
        if (!p.record.questions.some((q) => q.questionId === key)) {
          throw gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', `no question ${key} in ${id}`, {
            details: { path: `/answers/answers/${key}`, reason: 'unknown questionId' },
          });
        }
      }
    }
    return this.#end(id, cancel ? 'cancelled' : 'answered', cancel ? undefined : answers, by);
  }

  get(id: string): QuestionRecord {
    const r = this.#pending.get(id)?.record ?? this.#resolved.get(id);
    if (!r) throw unknown(id, false);
    return r;
  }

  list(): QuestionRecord[] {
    return [...this.#pending.values()].map((p) => p.record);
  }

  async wait(id: string, timeoutMs: number): Promise<{ status: QuestionStatus; answers?: QuestionAnswers }> {
    const p = this.#pending.get(id);
    if (p) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let waiter!: () => void;
      await new Promise<void>((resolve) => {
        waiter = resolve;
        p.waiters.add(waiter);
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      p.waiters.delete(waiter);
    }
    const r = this.get(id);
    return r.answers ? { status: r.status, answers: r.answers } : { status: r.status };
  }

  close(): void {
    for (const id of [...this.#pending.keys()]) this.#end(id, 'expired', undefined, undefined);
  }

  #end(
    id: string,
    status: 'answered' | 'cancelled' | 'expired',
    answers: QuestionAnswers | undefined,
    by: string | undefined,
  ): QuestionRecord {
    const p = this.#pending.get(id);
    if (!p) return this.get(id);
    clearTimeout(p.timer);
    this.#pending.delete(id);
    const done: QuestionRecord = { ...p.record, status };
    if (answers) done.answers = answers;
    if (by) done.resolvedBy = by;
    this.#resolved.set(id, done);
    while (this.#resolved.size > KEEP_RESOLVED) {
      const oldest = this.#resolved.keys().next().value;
      if (oldest === undefined) break;
      this.#resolved.delete(oldest);
    }
    this.#bus.publish('question.resolved', answers ? { id, status, answers } : { id, status });
    for (const w of p.waiters) w();
    return done;
  }
}

function unknown(id: string, resolved: boolean) {
  return resolved
    ? gatewayError('INVALID_REQUEST', 'QUESTION_UNKNOWN', `question ${id} is no longer pending`, {
        details: { id },
      })
    : gatewayError('NOT_FOUND', 'QUESTION_UNKNOWN', `no question ${id}`, { details: { id } });
}
