// The storage seam. Every durable fact of the gateway goes through these repositories.
// Implementations: in-memory (unit tests of other modules), SQLite (default), Redis (clusters).
// All methods are async so a networked backend fits; writes resolve only once durable.

/** An approved device. */
export interface DeviceRecord {
  deviceId: string;
  publicKey: string;
  /** Name the client reported at its last approval. */
  displayName?: string | undefined;
  /** Operator-assigned label; wins over displayName. */
  label?: string | undefined;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
  clientId?: string | undefined;
  clientMode?: string | undefined;
  /** Approved roles (operator, node). */
  roles: string[];
  /** Approved operator scopes. */
  scopes: string[];
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs?: number | undefined;
  lastSeenIp?: string | undefined;
}

/** A device token, stored by hash only. One per (device, role). */
export interface DeviceTokenRecord {
  deviceId: string;
  role: string;
  /** Hex SHA-256 of the token. */
  tokenHash: string;
  scopes: string[];
  issuedAtMs: number;
  lastUsedAtMs?: number | undefined;
}

export type PairingStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** A device asking to pair or to widen its pairing. */
export interface PairingRequestRecord {
  requestId: string;
  deviceId: string;
  publicKey: string;
  role: string;
  scopes: string[];
  displayName?: string | undefined;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
  clientId?: string | undefined;
  clientMode?: string | undefined;
  browserOrigin?: string | undefined;
  remoteIp?: string | undefined;
  isRepair: boolean;
  silent: boolean;
  status: PairingStatus;
  createdAtMs: number;
  /** Last time the device asked again (reconnects refresh it). */
  updatedAtMs: number;
  expiresAtMs: number;
  resolvedAtMs?: number | undefined;
}

/** What operators approved a node to do. */
export interface NodeApprovalRecord {
  nodeId: string;
  displayName?: string | undefined;
  label?: string | undefined;
  platform?: string | undefined;
  version?: string | undefined;
  clientId?: string | undefined;
  caps: string[];
  /** Commands declared at the last connect. */
  declaredCommands: string[];
  /** Commands operators approved. */
  approvedCommands: string[];
  permissions: Record<string, boolean>;
  createdAtMs: number;
  approvedAtMs?: number | undefined;
  lastSeenAtMs?: number | undefined;
  lastSeenReason?: string | undefined;
  lastSeenIp?: string | undefined;
}

/** A node asking for approval of (more) commands. */
export interface NodePairRequestRecord {
  requestId: string;
  nodeId: string;
  displayName?: string | undefined;
  platform?: string | undefined;
  caps: string[];
  commands: string[];
  newCommands: string[];
  permissions: Record<string, boolean>;
  remoteIp?: string | undefined;
  isRepair: boolean;
  status: PairingStatus;
  createdAtMs: number;
  updatedAtMs: number;
  expiresAtMs: number;
  resolvedAtMs?: number | undefined;
}

/** The stored outcome of a side-effecting request. */
export interface IdempotencyRecord {
  /** `${caller}|${method}|${idempotencyKey}` */
  key: string;
  method: string;
  ok: boolean;
  /** The result (ok) or the error shape (not ok), as JSON text. */
  response: string;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface AuditEntryInput {
  ts: number;
  action: string;
  actor?: string | undefined;
  target?: string | undefined;
  remoteIp?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

export interface AuditEntryRecord extends AuditEntryInput {
  id: number;
}

export interface DeviceRepo {
  get(deviceId: string): Promise<DeviceRecord | undefined>;
  list(): Promise<DeviceRecord[]>;
  /** Insert or replace. */
  put(record: DeviceRecord): Promise<void>;
  /** Returns false when unknown. Also deletes the device's tokens. */
  remove(deviceId: string): Promise<boolean>;
  touch(deviceId: string, seenAtMs: number, ip: string | undefined): Promise<void>;
}

export interface DeviceTokenRepo {
  get(deviceId: string, role: string): Promise<DeviceTokenRecord | undefined>;
  findByHash(tokenHash: string): Promise<DeviceTokenRecord | undefined>;
  listForDevice(deviceId: string): Promise<DeviceTokenRecord[]>;
  /** Insert or replace the token of (deviceId, role). */
  put(record: DeviceTokenRecord): Promise<void>;
  remove(deviceId: string, role: string): Promise<boolean>;
  touch(deviceId: string, role: string, usedAtMs: number): Promise<void>;
}

export interface PairingRepo {
  get(requestId: string): Promise<PairingRequestRecord | undefined>;
  /** Pending requests not yet expired at `nowMs`, oldest first. */
  listPending(nowMs: number): Promise<PairingRequestRecord[]>;
  /** The pending, unexpired request of a device for this role, if any. */
  findPending(deviceId: string, role: string, nowMs: number): Promise<PairingRequestRecord | undefined>;
  put(record: PairingRequestRecord): Promise<void>;
  /** Sets status and resolvedAtMs; returns the updated record, or undefined when not pending. */
  resolve(
    requestId: string,
    status: Exclude<PairingStatus, 'pending'>,
    atMs: number,
  ): Promise<PairingRequestRecord | undefined>;
  /** Deletes resolved or expired requests older than `beforeMs`. Returns how many. */
  prune(beforeMs: number): Promise<number>;
}

export interface NodeRepo {
  get(nodeId: string): Promise<NodeApprovalRecord | undefined>;
  list(): Promise<NodeApprovalRecord[]>;
  put(record: NodeApprovalRecord): Promise<void>;
  remove(nodeId: string): Promise<boolean>;
  getRequest(requestId: string): Promise<NodePairRequestRecord | undefined>;
  listPendingRequests(nowMs: number): Promise<NodePairRequestRecord[]>;
  findPendingRequest(nodeId: string, nowMs: number): Promise<NodePairRequestRecord | undefined>;
  putRequest(record: NodePairRequestRecord): Promise<void>;
  resolveRequest(
    requestId: string,
    status: Exclude<PairingStatus, 'pending'>,
    atMs: number,
  ): Promise<NodePairRequestRecord | undefined>;
}

export interface IdempotencyRepo {
  /** The record, unless expired at `nowMs`. */
  get(key: string, nowMs: number): Promise<IdempotencyRecord | undefined>;
  /** Stores the first outcome; returns false (and stores nothing) when the key already has one. */
  putIfAbsent(record: IdempotencyRecord): Promise<boolean>;
  /** Deletes records expired at `nowMs`. Returns how many. */
  prune(nowMs: number): Promise<number>;
}

export interface AuditRepo {
  append(entry: AuditEntryInput): Promise<number>;
  /** Entries with id > afterId, oldest first; `action` may end in `*` for a prefix match. */
  list(query: { afterId?: number; limit: number; action?: string }): Promise<AuditEntryRecord[]>;
}

/** Small named JSON values (heartbeat settings, schema versions of other subsystems). */
export interface KvRepo {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
}

export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'redis';
  readonly devices: DeviceRepo;
  readonly deviceTokens: DeviceTokenRepo;
  readonly pairing: PairingRepo;
  readonly nodes: NodeRepo;
  readonly idempotency: IdempotencyRepo;
  readonly audit: AuditRepo;
  readonly kv: KvRepo;
  /** Flush and release. Safe to call twice. */
  close(): Promise<void>;
}
