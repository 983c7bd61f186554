import { keyAgentBucket } from './session-key-agent.ts';
import type {
  ChannelAccessRepo,
  ChannelPairingRecord,
  CronJobRecord,
  CronRepo,
  CronRunRecord,
  LeaseRecord,
  LeaseRepo,
  OutboxRecord,
  OutboxRepo,
  OutboxStatus,
  RunRecord,
  RunRepo,
  SessionMessageRecord,
  SessionRecord,
  SessionRepo,
} from './types.ts';

const copy = <T>(v: T): T => structuredClone(v);

export function memoryOutbox(): OutboxRepo {
  const rows = new Map<string, OutboxRecord>();
  const byKey = new Map<string, string>();
  let seq = 0;
  return {
    async enqueue(r) {
      if (r.dedupeKey) {
        const id = byKey.get(r.dedupeKey);
        const existing = id ? rows.get(id) : undefined;
        if (existing) return { record: copy(existing), created: false };
      }
      const record = { ...copy(r), seq: ++seq } as OutboxRecord;
      rows.set(record.id, record);
      if (r.dedupeKey) byKey.set(r.dedupeKey, record.id);
      return { record: copy(record), created: true };
    },
    async get(id) {
      const r = rows.get(id);
      return r && copy(r);
    },
    async pending() {
      return [...rows.values()]
        .filter((r) => r.status === 'queued' || r.status === 'sending')
        .sort((a, b) => a.seq - b.seq)
        .map(copy);
    },
    async update(id, patch) {
      const r = rows.get(id);
      if (r) Object.assign(r, copy(patch));
    },
    async counts() {
      const out: Record<OutboxStatus, number> = { queued: 0, sending: 0, delivered: 0, failed: 0 };
      for (const r of rows.values()) out[r.status]++;
      return out;
    },
    async prune(before) {
      let n = 0;
      for (const [id, r] of rows) {
        if ((r.status === 'delivered' || r.status === 'failed') && r.updatedAtMs < before) {
          rows.delete(id);
          if (r.dedupeKey) byKey.delete(r.dedupeKey);
          n++;
        }
      }
      return n;
    },
  };
}

export function memoryChannelAccess(): ChannelAccessRepo {
  const reqs = new Map<string, ChannelPairingRecord>();
  const allow = new Map<string, Set<string>>();
  const seen = new Map<string, number>();
  const rk = (c: string, a: string, code: string) => `${c}\u0000${a}\u0000${code}`;
  const ak = (c: string, a: string) => `${c}\u0000${a}`;
  return {
    async findPendingBySender(c, a, sender, now) {
      for (const r of reqs.values()) {
        if (
          r.channel === c &&
          r.accountId === a &&
          r.senderId === sender &&
          r.status === 'pending' &&
          r.expiresAtMs > now
        ) {
          return copy(r);
        }
      }
      return undefined;
    },
    async getPending(c, a, code, now) {
      const r = reqs.get(rk(c, a, code));
      return r && r.status === 'pending' && r.expiresAtMs > now ? copy(r) : undefined;
    },
    async listPending(now, f) {
      return [...reqs.values()]
        .filter(
          (r) =>
            r.status === 'pending' &&
            r.expiresAtMs > now &&
            (!f?.channel || r.channel === f.channel) &&
            (!f?.accountId || r.accountId === f.accountId),
        )
        .sort((x, y) => x.createdAtMs - y.createdAtMs)
        .map(copy);
    },
    async putRequest(r) {
      reqs.set(rk(r.channel, r.accountId, r.code), copy(r));
    },
    async resolveRequest(c, a, code, status) {
      const r = reqs.get(rk(c, a, code));
      if (r?.status !== 'pending') return undefined;
      r.status = status;
      return copy(r);
    },
    async allowFrom(c, a) {
      return [...(allow.get(ak(c, a)) ?? [])];
    },
    async addAllowFrom(c, a, sender) {
      let s = allow.get(ak(c, a));
      if (!s) {
        s = new Set();
        allow.set(ak(c, a), s);
      }
      s.add(sender);
    },
    async removeAllowFrom(c, a, sender) {
      return allow.get(ak(c, a))?.delete(sender) ?? false;
    },
    async markInboundSeen(key, at) {
      if (seen.has(key)) return false;
      seen.set(key, at);
      return true;
    },
    async pruneInbound(before) {
      let n = 0;
      for (const [k, at] of seen)
        if (at < before) {
          seen.delete(k);
          n++;
        }
      return n;
    },
  };
}

export function memoryLeases(): LeaseRepo {
  const leases = new Map<string, LeaseRecord>();
  return {
    async acquire(name, holder, ttl, now) {
      const cur = leases.get(name);
      if (cur && cur.holder !== holder && cur.expiresAtMs > now) return { acquired: false, lease: copy(cur) };
      const next: LeaseRecord =
        cur && cur.holder === holder
          ? { ...cur, expiresAtMs: now + ttl }
          : { name, holder, token: (cur?.token ?? 0) + 1, acquiredAtMs: now, expiresAtMs: now + ttl };
      leases.set(name, next);
      return { acquired: true, lease: copy(next) };
    },
    async release(name, holder) {
      const cur = leases.get(name);
      if (!cur || cur.holder !== holder) return false;
      // Keep the token so the next holder's is higher.
      leases.set(name, { ...cur, holder: '', expiresAtMs: 0 });
      return true;
    },
    async get(name) {
      const l = leases.get(name);
      return l?.holder ? copy(l) : undefined;
    },
  };
}

/** Runs the session history drops along with its messages. */
export interface RunDropper {
  dropFinished(runId: string): void;
}

export function memorySessions(runs?: RunDropper): SessionRepo {
  const sessions = new Map<string, SessionRecord>();
  const messages = new Map<string, SessionMessageRecord[]>();
  // Stored size per message, as the SQLite store counts it (its JSON in UTF-8).
  const sizes = new WeakMap<SessionMessageRecord, number>();
  const bytesOf = new Map<string, number>();
  // Sessions per key agent, kept as sessions come and go (like the other stores' counters).
  const perAgent = new Map<string, number>();
  const count = (key: string, by: number) => {
    const bucket = keyAgentBucket(key);
    const n = (perAgent.get(bucket) ?? 0) + by;
    if (n > 0) perAgent.set(bucket, n);
    else perAgent.delete(bucket);
  };
  return {
    async get(key) {
      const s = sessions.get(key);
      return s && copy(s);
    },
    async ensure(r) {
      let s = sessions.get(r.key);
      if (!s) {
        s = { ...copy(r), updatedAtMs: r.createdAtMs, messageCount: 0 };
        sessions.set(r.key, s);
        count(r.key, 1);
      } else if (r.chatKind) s.chatKind = r.chatKind;
      return copy(s);
    },
    async list(q) {
      const all = [...sessions.values()]
        .filter((s) => !q.search || s.key.includes(q.search) || (s.title ?? '').includes(q.search))
        .sort((a, b) => b.updatedAtMs - a.updatedAtMs);
      return { sessions: all.slice(q.offset, q.offset + q.limit).map(copy), total: all.length };
    },
    async append(m, bounds) {
      const s = sessions.get(m.sessionKey);
      if (!s) throw new Error(`unknown session ${m.sessionKey}`);
      let list = messages.get(m.sessionKey);
      if (!list) {
        list = [];
        messages.set(m.sessionKey, list);
      }
      const rec = { ...copy(m), seq: (list.at(-1)?.seq ?? 0) + 1 } as SessionMessageRecord;
      const size = Buffer.byteLength(JSON.stringify(rec));
      sizes.set(rec, size);
      list.push(rec);
      let bytes = (bytesOf.get(m.sessionKey) ?? 0) + size;
      while (bounds && list.length > 1 && (list.length > bounds.maxMessages || bytes > bounds.maxBytes)) {
        const old = list.shift()!;
        bytes -= sizes.get(old) ?? 0;
        if (old.runId) runs?.dropFinished(old.runId);
      }
      bytesOf.set(m.sessionKey, bytes);
      s.messageCount = list.length;
      s.updatedAtMs = Math.max(s.updatedAtMs, m.ts);
      return copy(rec);
    },
    async updateMessage(key, id, patch) {
      const m = messages.get(key)?.find((x) => x.id === id);
      if (!m) return undefined;
      Object.assign(m, copy(patch));
      return copy(m);
    },
    async prune(before, maxPer) {
      let n = 0;
      for (const [key, list] of messages) {
        const keep = list.filter((m) => m.ts >= before).slice(-maxPer);
        n += list.length - keep.length;
        messages.set(key, keep);
        bytesOf.set(
          key,
          keep.reduce((b, m) => b + (sizes.get(m) ?? 0), 0),
        );
        const s = sessions.get(key);
        if (s) s.messageCount = keep.length;
      }
      return n;
    },
    async history(key, q) {
      const list = (messages.get(key) ?? []).filter((m) => q.beforeSeq === undefined || m.seq < q.beforeSeq);
      return list.slice(Math.max(0, list.length - q.limit)).map(copy);
    },
    async setTitle(key, title) {
      const s = sessions.get(key);
      if (!s) return undefined;
      if (title === undefined) delete s.title;
      else s.title = title;
      return copy(s);
    },
    async trim(key, keep) {
      const list = messages.get(key) ?? [];
      const kept = keep > 0 ? list.slice(-keep) : [];
      messages.set(key, kept);
      const s = sessions.get(key);
      if (s) s.messageCount = kept.length;
      return list.length - kept.length;
    },
    async remove(key) {
      messages.delete(key);
      bytesOf.delete(key);
      if (!sessions.delete(key)) return false;
      count(key, -1);
      return true;
    },
    async counts() {
      return { total: sessions.size, byKeyAgent: new Map(perAgent) };
    },
  };
}

export function memoryRuns(): RunRepo & RunDropper {
  const runs = new Map<string, RunRecord>();
  const byKey = new Map<string, string>();
  return {
    dropFinished(id) {
      const r = runs.get(id);
      if (!r || r.status === 'accepted' || r.status === 'running') return;
      runs.delete(id);
      if (r.dedupeKey && byKey.get(r.dedupeKey) === id) byKey.delete(r.dedupeKey);
    },
    async create(r) {
      const id = r.dedupeKey ? byKey.get(r.dedupeKey) : undefined;
      const existing = id ? runs.get(id) : undefined;
      if (existing) return { record: copy(existing), created: false };
      runs.set(r.runId, copy(r));
      if (r.dedupeKey) byKey.set(r.dedupeKey, r.runId);
      return { record: copy(r), created: true };
    },
    async get(id) {
      const r = runs.get(id);
      return r && copy(r);
    },
    async update(id, patch) {
      const r = runs.get(id);
      if (r) Object.assign(r, copy(patch));
    },
    async listByStatus(statuses) {
      return [...runs.values()]
        .filter((r) => statuses.includes(r.status))
        .sort((a, b) => a.createdAtMs - b.createdAtMs)
        .map(copy);
    },
    async prune(before) {
      let n = 0;
      for (const [id, r] of runs) {
        if (r.endedAtMs !== undefined && r.endedAtMs < before) {
          runs.delete(id);
          if (r.dedupeKey) byKey.delete(r.dedupeKey);
          n++;
        }
      }
      return n;
    },
  };
}

export function memoryCron(): CronRepo {
  const jobs = new Map<string, CronJobRecord>();
  const runs: CronRunRecord[] = [];
  return {
    async list() {
      return [...jobs.values()].sort((a, b) => a.createdAtMs - b.createdAtMs).map(copy);
    },
    async get(id) {
      const j = jobs.get(id);
      return j && copy(j);
    },
    async put(j) {
      jobs.set(j.id, copy(j));
    },
    async remove(id) {
      return jobs.delete(id);
    },
    async putRun(r) {
      const i = runs.findIndex((x) => x.runId === r.runId);
      if (i >= 0) runs[i] = copy(r);
      else runs.push(copy(r));
    },
    async runs(q) {
      return runs
        .filter((r) => (!q.jobId || r.jobId === q.jobId) && (!q.runId || r.runId === q.runId))
        .sort((a, b) => b.startedAtMs - a.startedAtMs)
        .slice(0, q.limit)
        .map(copy);
    },
  };
}
