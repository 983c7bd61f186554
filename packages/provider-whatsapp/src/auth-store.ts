import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ChannelLogger } from '@openclaw/gateway-core/channel';
import type {
  AuthenticationCreds,
  AuthenticationState,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
} from '@whiskeysockets/baileys';
import { baileys } from './baileys.ts';

// The linked device's credentials, one directory per account, in the same layout as Baileys'
// useMultiFileAuthState (creds.json plus `<category>-<id>.json` per key), so existing OpenClaw auth
// dirs keep working. What Baileys' helper lacks: every write is atomic (temp file, fsync, rename,
// fsync of the directory), writes to one file are serialised, creds.json keeps a backup of the last
// good copy, and a logout can wipe it all.

const CREDS = 'creds.json';
const BACKUP = 'creds.json.bak';
const KEY_FILE =
  /^(pre-key|session|sender-key|sender-key-memory|app-state-sync-key|app-state-sync-version)-.+\.json$/;

/** `/` and `:` cannot be in file names: Baileys maps them to `__` and `-`. */
const fileName = (name: string): string => name.replace(/\//g, '__').replace(/:/g, '-');

const isMissing = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** Write via a temp file in the same directory: a crash leaves the old file or the new one, never half. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
  await syncDir(dirname(path));
}

/** Make the rename itself durable. Some platforms cannot fsync a directory; the rename is still atomic. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort
  }
}

function parse<T>(text: string): T {
  return JSON.parse(text, baileys.BufferJSON.reviver) as T;
}

const serialize = (value: unknown): string => JSON.stringify(value, baileys.BufferJSON.replacer);

export interface AuthStore {
  /** What Baileys' makeWASocket takes as `auth`. `creds` is mutated by Baileys; saveCreds persists it. */
  readonly state: AuthenticationState;
  readonly dir: string;
  /** A device is linked (pairing finished at some point and no logout since). */
  readonly linked: boolean;
  /** Persist the current creds. Call on every creds.update; calls coalesce, the latest state wins. */
  saveCreds(): Promise<void>;
  /** Delete every credential file (after the phone unlinked us) and start over with fresh creds. */
  wipe(): Promise<void>;
  /** Wait for every pending write. */
  flush(): Promise<void>;
}

/**
 * Open (or create) the auth dir. A creds.json that does not parse is replaced by its backup; when
 * that fails too, the broken file is set aside and the account starts unlinked (it needs a new QR).
 */
export async function openAuthStore(dir: string, log: ChannelLogger): Promise<AuthStore> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const creds = await loadCreds(dir, log);
  return new FileAuthStore(dir, creds, log);
}

async function loadCreds(dir: string, log: ChannelLogger): Promise<AuthenticationCreds> {
  const path = join(dir, CREDS);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  if (text === undefined) return baileys.initAuthCreds();
  try {
    return parse<AuthenticationCreds>(text);
  } catch (error) {
    log.error({ dir, err: String(error) }, 'whatsapp: creds.json is corrupt; trying the backup');
  }
  await rename(path, `${path}.corrupt-${Date.now()}`).catch(() => {});
  try {
    const backup = await readFile(join(dir, BACKUP), 'utf8');
    const creds = parse<AuthenticationCreds>(backup);
    await writeFileAtomic(path, backup);
    log.warn({ dir }, 'whatsapp: creds.json restored from creds.json.bak');
    return creds;
  } catch (error) {
    log.error(
      { dir, err: String(error) },
      'whatsapp: no usable creds backup either; the account must be linked again',
    );
    return baileys.initAuthCreds();
  }
}

class FileAuthStore implements AuthStore {
  readonly state: AuthenticationState;
  readonly dir: string;
  readonly #log: ChannelLogger;
  /** Per-file write chains: one write (or delete) at a time per path, in call order. */
  readonly #chains = new Map<string, Promise<void>>();
  #pendingCreds: Promise<void> | undefined;
  /** Bumped by wipe(): writes queued before it are dropped, so nothing resurrects a wiped dir. */
  #generation = 0;

  constructor(dir: string, creds: AuthenticationCreds, log: ChannelLogger) {
    this.dir = dir;
    this.#log = log;
    const keys: SignalKeyStore = {
      get: (type, ids) => this.#getKeys(type, ids),
      set: (data) => this.#setKeys(data),
    };
    this.state = { creds, keys };
  }

  get linked(): boolean {
    return Boolean(this.state.creds.me?.id);
  }

  saveCreds(): Promise<void> {
    // One queued save is enough: it serialises whatever the creds are when it runs.
    this.#pendingCreds ??= this.#enqueue(CREDS, async () => {
      this.#pendingCreds = undefined;
      const path = join(this.dir, CREDS);
      let previous: string | undefined;
      try {
        previous = await readFile(path, 'utf8');
        parse(previous);
      } catch {
        previous = undefined;
      }
      const next = serialize(this.state.creds);
      if (previous === next) return;
      if (previous !== undefined) await writeFileAtomic(join(this.dir, BACKUP), previous);
      await writeFileAtomic(path, next);
    });
    return this.#pendingCreds;
  }

  async wipe(): Promise<void> {
    this.#generation++;
    this.#pendingCreds = undefined;
    await this.flush();
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    // Only our own files: a misconfigured authDir must never cost anyone else's data.
    for (const name of names) {
      if (name.startsWith(CREDS) || KEY_FILE.test(name) || name.endsWith('.tmp'))
        await unlink(join(this.dir, name)).catch(() => {});
    }
    await rmdir(this.dir).catch(() => {});
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.state.creds = baileys.initAuthCreds();
  }

  async flush(): Promise<void> {
    while (this.#chains.size) await Promise.all(this.#chains.values());
  }

  #enqueue(file: string, task: () => Promise<void>): Promise<void> {
    const generation = this.#generation;
    const prev = this.#chains.get(file) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(() => (generation === this.#generation ? task() : undefined));
    this.#chains.set(file, next);
    const clear = (): void => {
      if (this.#chains.get(file) === next) this.#chains.delete(file);
    };
    next.then(clear, clear);
    return next;
  }

  async #getKeys<T extends keyof SignalDataTypeMap>(
    type: T,
    ids: string[],
  ): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
    const out: { [id: string]: SignalDataTypeMap[T] } = {};
    await Promise.all(
      ids.map(async (id) => {
        const file = fileName(`${type}-${id}.json`);
        // A read waits for queued writes to the same file.
        await this.#chains.get(file)?.catch(() => {});
        let text: string;
        try {
          text = await readFile(join(this.dir, file), 'utf8');
        } catch (error) {
          if (!isMissing(error)) throw error;
          return;
        }
        let value: unknown;
        try {
          value = parse(text);
        } catch (error) {
          this.#log.warn({ file, err: String(error) }, 'whatsapp: unreadable key file ignored');
          return;
        }
        if (type === 'app-state-sync-key' && value)
          value = baileys.proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
        out[id] = value as SignalDataTypeMap[T];
      }),
    );
    return out;
  }

  async #setKeys(data: SignalDataSet): Promise<void> {
    const tasks: Promise<void>[] = [];
    for (const [category, values] of Object.entries(data)) {
      for (const [id, value] of Object.entries(values ?? {})) {
        const file = fileName(`${category}-${id}.json`);
        const path = join(this.dir, file);
        tasks.push(
          this.#enqueue(file, () =>
            value ? writeFileAtomic(path, serialize(value)) : unlink(path).catch(() => {}),
          ),
        );
      }
    }
    await Promise.all(tasks);
  }
}
