import { memoryApprovals } from './memory-approval-repos.ts';
import {
  memoryChannelAccess,
  memoryCron,
  memoryLeases,
  memoryOutbox,
  memoryRuns,
  memorySessions,
} from './memory-channel-repos.ts';
import { memoryUsage } from './memory-usage-repos.ts';
import type {
  AuditEntryRecord,
  DeviceRecord,
  DeviceTokenRecord,
  IdempotencyRecord,
  NodeApprovalRecord,
  NodePairRequestRecord,
  PairingRequestRecord,
  Store,
} from './types.ts';

const copy = <T>(v: T): T => structuredClone(v);

export function createMemoryStore(): Store {
  const devices = new Map<string, DeviceRecord>();
  const tokens = new Map<string, DeviceTokenRecord>();
  const pairing = new Map<string, PairingRequestRecord>();
  const nodes = new Map<string, NodeApprovalRecord>();
  const nodeReqs = new Map<string, NodePairRequestRecord>();
  const idem = new Map<string, IdempotencyRecord>();
  const audit: AuditEntryRecord[] = [];
  const kv = new Map<string, unknown>();
  const tk = (d: string, r: string) => `${d}\u0000${r}`;
  const runs = memoryRuns();
  return {
    kind: 'memory',
    devices: {
      async get(id) {
        const d = devices.get(id);
        return d && copy(d);
      },
      async list() {
        return [...devices.values()].map(copy);
      },
      async put(r) {
        devices.set(r.deviceId, copy(r));
      },
      async remove(id) {
        for (const [k, t] of tokens) if (t.deviceId === id) tokens.delete(k);
        return devices.delete(id);
      },
      async touch(id, at, ip) {
        const d = devices.get(id);
        if (d) {
          d.lastSeenAtMs = at;
          d.lastSeenIp = ip;
        }
      },
    },
    deviceTokens: {
      async get(d, r) {
        const t = tokens.get(tk(d, r));
        return t && copy(t);
      },
      async findByHash(h) {
        for (const t of tokens.values()) if (t.tokenHash === h) return copy(t);
        return undefined;
      },
      async listForDevice(d) {
        return [...tokens.values()].filter((t) => t.deviceId === d).map(copy);
      },
      async put(r) {
        tokens.set(tk(r.deviceId, r.role), copy(r));
      },
      async remove(d, r) {
        return tokens.delete(tk(d, r));
      },
      async touch(d, r, at) {
        const t = tokens.get(tk(d, r));
        if (t) t.lastUsedAtMs = at;
      },
    },
    pairing: {
      async get(id) {
        const r = pairing.get(id);
        return r && copy(r);
      },
      async listPending(now) {
        return [...pairing.values()]
          .filter((r) => r.status === 'pending' && r.expiresAtMs > now)
          .sort((a, b) => a.createdAtMs - b.createdAtMs)
          .map(copy);
      },
      async findPending(d, role, now) {
        for (const r of pairing.values())
          if (r.deviceId === d && r.role === role && r.status === 'pending' && r.expiresAtMs > now)
            return copy(r);
        return undefined;
      },
      async put(r) {
        pairing.set(r.requestId, copy(r));
      },
      async resolve(id, status, at) {
        const r = pairing.get(id);
        if (r?.status !== 'pending') return undefined;
        r.status = status;
        r.resolvedAtMs = at;
        return copy(r);
      },
      async prune(before) {
        let n = 0;
        for (const [k, r] of pairing)
          if ((r.status !== 'pending' || r.expiresAtMs <= before) && r.updatedAtMs < before) {
            pairing.delete(k);
            n++;
          }
        return n;
      },
    },
    nodes: {
      async get(id) {
        const r = nodes.get(id);
        return r && copy(r);
      },
      async list() {
        return [...nodes.values()].map(copy);
      },
      async put(r) {
        nodes.set(r.nodeId, copy(r));
      },
      async remove(id) {
        return nodes.delete(id);
      },
      async getRequest(id) {
        const r = nodeReqs.get(id);
        return r && copy(r);
      },
      async listPendingRequests(now) {
        return [...nodeReqs.values()].filter((r) => r.status === 'pending' && r.expiresAtMs > now).map(copy);
      },
      async findPendingRequest(n, now) {
        for (const r of nodeReqs.values())
          if (r.nodeId === n && r.status === 'pending' && r.expiresAtMs > now) return copy(r);
        return undefined;
      },
      async putRequest(r) {
        nodeReqs.set(r.requestId, copy(r));
      },
      async resolveRequest(id, status, at) {
        const r = nodeReqs.get(id);
        if (r?.status !== 'pending') return undefined;
        r.status = status;
        r.resolvedAtMs = at;
        return copy(r);
      },
    },
    idempotency: {
      async get(k, now) {
        const r = idem.get(k);
        return r && r.expiresAtMs > now ? copy(r) : undefined;
      },
      async putIfAbsent(r) {
        const e = idem.get(r.key);
        if (e && e.expiresAtMs > r.createdAtMs) return false;
        idem.set(r.key, copy(r));
        return true;
      },
      async prune(now) {
        let n = 0;
        for (const [k, r] of idem)
          if (r.expiresAtMs <= now) {
            idem.delete(k);
            n++;
          }
        return n;
      },
    },
    audit: {
      async append(e) {
        const id = audit.length + 1;
        audit.push({ ...copy(e), id });
        return id;
      },
      async list(q) {
        const pre = q.action?.endsWith('*') ? q.action.slice(0, -1) : undefined;
        const matching = audit.filter(
          (e) =>
            e.id > (q.afterId ?? 0) &&
            (!q.action || (pre !== undefined ? e.action.startsWith(pre) : e.action === q.action)),
        );
        const picked = q.newest
          ? matching.slice(Math.max(0, matching.length - q.limit))
          : matching.slice(0, q.limit);
        return picked.map(copy);
      },
    },
    kv: {
      async get<T>(k: string) {
        return kv.has(k) ? (copy(kv.get(k)) as T) : undefined;
      },
      async set(k, v) {
        kv.set(k, copy(v));
      },
      async delete(k) {
        return kv.delete(k);
      },
      async entries<T>(prefix: string) {
        return [...kv].filter(([k]) => k.startsWith(prefix)).map(([k, v]): [string, T] => [k, copy(v) as T]);
      },
    },
    outbox: memoryOutbox(),
    channelAccess: memoryChannelAccess(),
    leases: memoryLeases(),
    sessions: memorySessions(runs),
    runs,
    cron: memoryCron(),
    approvals: memoryApprovals(),
    usage: memoryUsage(),
    async close() {},
  };
}
