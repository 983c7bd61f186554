// What a session records of its connect: the grant as decided, the client as declared, and empty
// node declarations (caps, commands, permissions) when a client declares none.
import type { ConnectParams } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { sessionOf } from './session-of.ts';

const grant = {
  role: 'node' as const,
  scopes: [],
  deviceId: 'dev-1',
  authKind: 'device-token' as const,
  tokenHash: 'hash-1',
  protocol: 3,
  connectedAtMs: 42,
};
const client = {
  id: 'node-host',
  version: '2.0.0',
  platform: 'linux',
  mode: 'node',
  displayName: 'Kitchen',
  deviceFamily: 'raspberry',
  instanceId: 'i-1',
};
const base = { minProtocol: 3, maxProtocol: 4, client, role: 'node' } as ConnectParams;

describe('sessionOf', () => {
  it('keeps the grant and the declared client, and a node that declares nothing has empty declarations', () => {
    expect(sessionOf(base, grant)).toEqual({
      role: 'node',
      scopes: [],
      deviceId: 'dev-1',
      clientId: 'node-host',
      clientMode: 'node',
      clientVersion: '2.0.0',
      platform: 'linux',
      displayName: 'Kitchen',
      deviceFamily: 'raspberry',
      instanceId: 'i-1',
      protocol: 3,
      authKind: 'device-token',
      deviceTokenHash: 'hash-1',
      caps: [],
      commands: [],
      permissions: {},
      connectedAtMs: 42,
    });
  });

  it("takes a node's declared caps, commands and permissions as they are", () => {
    const s = sessionOf(
      {
        ...base,
        caps: ['camera'],
        commands: ['camera.snap'],
        permissions: { camera: true },
      } as ConnectParams,
      grant,
    );
    expect(s).toMatchObject({ caps: ['camera'], commands: ['camera.snap'], permissions: { camera: true } });
  });
});
