import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/support.ts';
import { openAuthStore, writeFileAtomic } from './auth-store.ts';

function recordingLog() {
  const lines: { level: string; msg: string | undefined }[] = [];
  const at = (level: string) => (_o: object, msg?: string) => lines.push({ level, msg });
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

describe('auth store (the linked device on disk)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  async function dir(): Promise<string> {
    const t = await tempDir();
    cleanup.push(t.cleanup);
    return join(t.dir, 'auth');
  }

  it('starts unlinked, saves creds (0600, no temp files left) and reloads them', async () => {
    const d = await dir();
    const { log } = recordingLog();
    const a = await openAuthStore(d, log);
    expect(a.linked).toBe(false);
    a.state.creds.me = { id: '15550009:11@s.whatsapp.net', name: 'Gateway' };
    await a.saveCreds();
    expect(((await stat(join(d, 'creds.json'))).mode & 0o777).toString(8)).toBe('600');
    expect((await readdir(d)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const b = await openAuthStore(d, log);
    expect(b.linked).toBe(true);
    expect(b.state.creds.me?.id).toBe('15550009:11@s.whatsapp.net');
    // Buffers survive the JSON round trip.
    expect(Buffer.from(b.state.creds.noiseKey.private)).toEqual(Buffer.from(a.state.creds.noiseKey.private));
  });

  it('saves coalesce and the last one wins; the previous good copy is the backup', async () => {
    const d = await dir();
    const a = await openAuthStore(d, recordingLog().log);
    a.state.creds.me = { id: '1:1@s.whatsapp.net', name: 'one' };
    await a.saveCreds();
    a.state.creds.me = { id: '1:1@s.whatsapp.net', name: 'two' };
    const saves = [a.saveCreds(), a.saveCreds(), a.saveCreds()];
    a.state.creds.me = { id: '1:1@s.whatsapp.net', name: 'three' };
    await Promise.all(saves);
    await a.flush();
    expect(JSON.parse(await readFile(join(d, 'creds.json'), 'utf8')).me.name).toBe('three');
    expect(JSON.parse(await readFile(join(d, 'creds.json.bak'), 'utf8')).me.name).toBe('one');
  });

  it('a corrupt creds.json is set aside and restored from the backup', async () => {
    const d = await dir();
    const { log, lines } = recordingLog();
    const a = await openAuthStore(d, log);
    a.state.creds.me = { id: '1:1@s.whatsapp.net', name: 'good' };
    await a.saveCreds();
    a.state.creds.me = { id: '1:1@s.whatsapp.net', name: 'newer' };
    await a.saveCreds();
    // What a torn write would leave, had it not been atomic.
    await writeFile(join(d, 'creds.json'), '{"noiseKey":{"priv');
    const b = await openAuthStore(d, log);
    expect(b.state.creds.me?.name).toBe('good');
    expect(lines.map((l) => l.level)).toEqual(['error', 'warn']);
    const files = await readdir(d);
    expect(files.some((f) => f.startsWith('creds.json.corrupt-'))).toBe(true);
    expect(JSON.parse(await readFile(join(d, 'creds.json'), 'utf8')).me.name).toBe('good');
  });

  it('with no usable backup either, the account starts unlinked (needs a new QR)', async () => {
    const d = await dir();
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'creds.json'), 'not json');
    const { log, lines } = recordingLog();
    const a = await openAuthStore(d, log);
    expect(a.linked).toBe(false);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(2);
  });

  it('a temp file left by a crash mid-write does not matter', async () => {
    const d = await dir();
    const a = await openAuthStore(d, recordingLog().log);
    a.state.creds.me = { id: '1:1@s.whatsapp.net', name: 'kept' };
    await a.saveCreds();
    await writeFile(join(d, 'creds.json.4242.deadbeef.tmp'), '{"half":');
    const b = await openAuthStore(d, recordingLog().log);
    expect(b.state.creds.me?.name).toBe('kept');
  });

  it('keys: Baileys file names, Buffers round-trip, null deletes, writes to one file stay ordered', async () => {
    const d = await dir();
    const a = await openAuthStore(d, recordingLog().log);
    const session = new Uint8Array([1, 2, 3]);
    await a.state.keys.set({
      session: { '15550001.0': session },
      'pre-key': { '7': { public: new Uint8Array([4]), private: new Uint8Array([5]) } },
      'sender-key': { '120363@g.us::15550001::0': new Uint8Array([9]) },
    });
    expect((await readdir(d)).sort()).toEqual([
      'pre-key-7.json',
      'sender-key-120363@g.us--15550001--0.json',
      'session-15550001.0.json',
    ]);
    const got = await a.state.keys.get('session', ['15550001.0', 'missing']);
    expect(Buffer.from(got['15550001.0']!)).toEqual(Buffer.from(session));
    expect(got.missing).toBeUndefined();
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) => a.state.keys.set({ session: { '15550001.0': new Uint8Array([n]) } })),
    );
    expect([...(await a.state.keys.get('session', ['15550001.0']))['15550001.0']!]).toEqual([5]);
    await a.state.keys.set({ 'pre-key': { '7': null } });
    expect(await a.state.keys.get('pre-key', ['7'])).toEqual({});
  });

  it('wipe removes only credential files, drops writes queued before it, and starts fresh', async () => {
    const d = await dir();
    const a = await openAuthStore(d, recordingLog().log);
    a.state.creds.me = { id: '1:1@s.whatsapp.net' };
    const before = a.state.creds.noiseKey.public;
    await a.saveCreds();
    await a.state.keys.set({ session: { '1.0': new Uint8Array([1]) } });
    await writeFile(join(d, 'notes.txt'), 'not ours');
    const late = a.state.keys.set({ session: { '2.0': new Uint8Array([2]) } });
    await a.wipe();
    await late;
    expect(await readdir(d)).toEqual(['notes.txt']);
    expect(a.linked).toBe(false);
    expect(Buffer.from(a.state.creds.noiseKey.public)).not.toEqual(Buffer.from(before));
  });

  it('writeFileAtomic replaces in one step and cleans up when the rename fails', async () => {
    const d = await dir();
    await mkdir(d, { recursive: true });
    const p = join(d, 'f.json');
    await writeFileAtomic(p, 'one');
    await writeFileAtomic(p, 'two');
    expect(await readFile(p, 'utf8')).toBe('two');
    await mkdir(join(d, 'adir'));
    await expect(writeFileAtomic(join(d, 'adir'), 'x')).rejects.toThrow();
    expect((await readdir(d)).sort()).toEqual(['adir', 'f.json']);
  });
});
