import {
  type DeviceIdentity,
  exportDeviceIdentity,
  generateDeviceIdentity,
  importDeviceIdentity,
  type StoredDeviceIdentity,
} from '@openclaw/protocol';

/** A device token the gateway issued to this browser. */
export interface StoredDeviceToken {
  token: string;
  deviceId: string;
  role: string;
  scopes: string[];
  issuedAtMs?: number | undefined;
}

export interface LoadedIdentity {
  identity: DeviceIdentity;
  /** Where it lives: IndexedDB keeps the CryptoKey itself; localStorage needs the key exported. */
  storage: 'indexeddb' | 'localstorage';
  /** False when the private key can never leave WebCrypto, not even to this page's scripts. */
  extractable: boolean;
}

/** The browser's device identity and device tokens. */
export interface DeviceStore {
  loadOrCreateIdentity(): Promise<LoadedIdentity>;
  readToken(role: string): Promise<StoredDeviceToken | undefined>;
  writeToken(record: StoredDeviceToken): Promise<void>;
  clearToken(role: string): Promise<void>;
  /** Forget identity and tokens: the next connect pairs as a new device. */
  reset(): Promise<void>;
}

interface IdbIdentity {
  version: 1;
  deviceId: string;
  publicKey: string;
  privateKey: CryptoKey;
  createdAtMs: number;
}

const DB_NAME = 'openclaw-control-ui';
const STORE = 'kv';
const IDENTITY_KEY = 'identity';
const tokenKey = (role: string) => `device-token:${role}`;
const LS_PREFIX = 'openclaw-control-ui:';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('IndexedDB is not available'));
      return;
    }
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

/**
 * IndexedDB holds the identity with a non-extractable private key (a CryptoKey survives structured
 * cloning, so the key bytes are never visible to script). Browsers without IndexedDB (some private
 * modes) fall back to localStorage, where the key has to be exported to be kept.
 */
export async function openDeviceStore(): Promise<DeviceStore> {
  try {
    const db = await openDb();
    return new IdbDeviceStore(db);
  } catch {
    return new LocalStorageDeviceStore();
  }
}

class IdbDeviceStore implements DeviceStore {
  readonly #db: IDBDatabase;

  constructor(db: IDBDatabase) {
    this.#db = db;
  }

  #store(mode: IDBTransactionMode): IDBObjectStore {
    return this.#db.transaction(STORE, mode).objectStore(STORE);
  }

  async loadOrCreateIdentity(): Promise<LoadedIdentity> {
    const stored = (await request(this.#store('readonly').get(IDENTITY_KEY))) as IdbIdentity | undefined;
    if (stored?.version === 1 && stored.privateKey instanceof CryptoKey) {
      const identity = {
        deviceId: stored.deviceId,
        publicKey: stored.publicKey,
        privateKey: stored.privateKey,
      };
      return { identity, storage: 'indexeddb', extractable: stored.privateKey.extractable };
    }
    const identity = await generateDeviceIdentity({ extractable: false });
    const record: IdbIdentity = { version: 1, ...identity, createdAtMs: Date.now() };
    await request(this.#store('readwrite').put(record, IDENTITY_KEY));
    return { identity, storage: 'indexeddb', extractable: false };
  }

  async readToken(role: string): Promise<StoredDeviceToken | undefined> {
    return (await request(this.#store('readonly').get(tokenKey(role)))) as StoredDeviceToken | undefined;
  }

  async writeToken(record: StoredDeviceToken): Promise<void> {
    await request(this.#store('readwrite').put(record, tokenKey(record.role)));
  }

  async clearToken(role: string): Promise<void> {
    await request(this.#store('readwrite').delete(tokenKey(role)));
  }

  async reset(): Promise<void> {
    await request(this.#store('readwrite').clear());
  }
}

class LocalStorageDeviceStore implements DeviceStore {
  async loadOrCreateIdentity(): Promise<LoadedIdentity> {
    const text = localStorage.getItem(`${LS_PREFIX}${IDENTITY_KEY}`);
    if (text) {
      try {
        const identity = await importDeviceIdentity(JSON.parse(text) as StoredDeviceIdentity);
        return { identity, storage: 'localstorage', extractable: true };
      } catch {
        // Unreadable: start over with a new identity.
      }
    }
    const identity = await generateDeviceIdentity({ extractable: true });
    localStorage.setItem(`${LS_PREFIX}${IDENTITY_KEY}`, JSON.stringify(await exportDeviceIdentity(identity)));
    return { identity, storage: 'localstorage', extractable: true };
  }

  async readToken(role: string): Promise<StoredDeviceToken | undefined> {
    const text = localStorage.getItem(`${LS_PREFIX}${tokenKey(role)}`);
    return text ? (JSON.parse(text) as StoredDeviceToken) : undefined;
  }

  async writeToken(record: StoredDeviceToken): Promise<void> {
    localStorage.setItem(`${LS_PREFIX}${tokenKey(record.role)}`, JSON.stringify(record));
  }

  async clearToken(role: string): Promise<void> {
    localStorage.removeItem(`${LS_PREFIX}${tokenKey(role)}`);
  }

  async reset(): Promise<void> {
    for (const key of Object.keys(localStorage)) if (key.startsWith(LS_PREFIX)) localStorage.removeItem(key);
  }
}
