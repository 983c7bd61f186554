// The storage seam's devices and nodes: approved devices, their tokens, pairing requests, and
// the nodes operators approved with their requests.

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
