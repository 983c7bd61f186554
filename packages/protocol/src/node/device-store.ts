import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type DeviceIdentity,
  exportDeviceIdentity,
  generateDeviceIdentity,
  importDeviceIdentity,
  type StoredDeviceIdentity,
} from '../device-identity.ts';

interface TokenRecord {
  token: string;
  role: string;
  scopes: string[];
  deviceId: string;
  gateway: string;
  issuedAtMs?: number | undefined;
  storedAtMs: number;
}

interface TokenFile {
  version: 1;
  tokens: TokenRecord[];
}

async function writePrivate(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Write then rename so a crash never leaves half a key file behind.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, path);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * A client's device identity and device tokens in a directory (files 0600, dir 0700):
 * `identity.json` and `device-tokens.json`, tokens keyed by gateway and role.
 */
export class FileDeviceStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  get identityPath(): string {
    return join(this.dir, 'identity.json');
  }

  get tokensPath(): string {
    return join(this.dir, 'device-tokens.json');
  }

  /** The stored identity, or a new one written to disk. */
  async loadOrCreateIdentity(): Promise<DeviceIdentity> {
    const stored = await readJson<StoredDeviceIdentity>(this.identityPath);
    if (stored) return importDeviceIdentity(stored);
    const identity = await generateDeviceIdentity();
    await writePrivate(
      this.identityPath,
      `${JSON.stringify(await exportDeviceIdentity(identity), null, 2)}\n`,
    );
    return identity;
  }

  async readToken(gateway: string, role: string, deviceId: string): Promise<TokenRecord | undefined> {
    const file = await readJson<TokenFile>(this.tokensPath);
    return file?.tokens.find((t) => t.gateway === gateway && t.role === role && t.deviceId === deviceId);
  }

  async writeToken(record: Omit<TokenRecord, 'storedAtMs'>): Promise<void> {
    const file = (await readJson<TokenFile>(this.tokensPath)) ?? { version: 1, tokens: [] };
    file.tokens = file.tokens.filter(
      (t) => !(t.gateway === record.gateway && t.role === record.role && t.deviceId === record.deviceId),
    );
    file.tokens.push({ ...record, storedAtMs: Date.now() });
    await writePrivate(this.tokensPath, `${JSON.stringify(file, null, 2)}\n`);
  }

  async deleteToken(gateway: string, role: string, deviceId: string): Promise<void> {
    const file = await readJson<TokenFile>(this.tokensPath);
    if (!file) return;
    file.tokens = file.tokens.filter(
      (t) => !(t.gateway === gateway && t.role === role && t.deviceId === deviceId),
    );
    await writePrivate(this.tokensPath, `${JSON.stringify(file, null, 2)}\n`);
  }
}
