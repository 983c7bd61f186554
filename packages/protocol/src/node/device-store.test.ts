import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileDeviceStore } from './device-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oc-devstore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileDeviceStore', () => {
  it('creates an identity once, privately, and loads the same one again', async () => {
    const store = new FileDeviceStore(join(dir, 'cli'));
    const a = await store.loadOrCreateIdentity();
    const b = await new FileDeviceStore(join(dir, 'cli')).loadOrCreateIdentity();
    expect(b.deviceId).toBe(a.deviceId);
    expect((await stat(store.identityPath)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'cli'))).mode & 0o777).toBe(0o700);
  });

  it('keeps tokens per gateway, role and device', async () => {
    const store = new FileDeviceStore(dir);
    await store.writeToken({ token: 't1', role: 'operator', scopes: [], deviceId: 'd', gateway: 'ws://a' });
    await store.writeToken({ token: 't2', role: 'node', scopes: [], deviceId: 'd', gateway: 'ws://a' });
    await store.writeToken({ token: 't3', role: 'operator', scopes: [], deviceId: 'd', gateway: 'ws://b' });
    await store.writeToken({ token: 't4', role: 'operator', scopes: [], deviceId: 'd', gateway: 'ws://a' });
    expect((await store.readToken('ws://a', 'operator', 'd'))?.token).toBe('t4');
    expect((await store.readToken('ws://a', 'node', 'd'))?.token).toBe('t2');
    expect((await store.readToken('ws://b', 'operator', 'd'))?.token).toBe('t3');
    await store.deleteToken('ws://a', 'operator', 'd');
    expect(await store.readToken('ws://a', 'operator', 'd')).toBeUndefined();
    expect((await stat(store.tokensPath)).mode & 0o777).toBe(0o600);
  });
});
