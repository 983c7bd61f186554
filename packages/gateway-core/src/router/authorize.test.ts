import { getMethod, type MethodDefinition } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import type { Session } from '../connection/transport.ts';
import { authorize } from './router.ts';

function session(role: Session['role'], scopes: string[]): Session {
  return {
    role,
    scopes,
    deviceId: 'dev1',
    clientId: 'test',
    clientMode: 'test',
    clientVersion: '1',
    platform: 'linux',
    displayName: undefined,
    deviceFamily: undefined,
    instanceId: undefined,
    protocol: 4,
    authKind: 'device-token',
    deviceTokenHash: undefined,
    caps: [],
    commands: [],
    permissions: {},
    connectedAtMs: 0,
  };
}

const method = (name: string): MethodDefinition => {
  const def = getMethod(name);
  if (!def) throw new Error(`no method ${name}`);
  return def;
};

/** The error's code and details, or 'allowed'. */
function decide(name: string, s: Session) {
  const e = authorize(method(name), s);
  return e ? { code: e.code, details: e.details } : 'allowed';
}

describe('authorize: who may call what', () => {
  it('lets a node call node methods and nothing for operators, naming the role it needs', () => {
    expect(method('node.invoke.progress').scope).toBe('node');
    expect(decide('node.invoke.progress', session('node', []))).toBe('allowed');
    expect(decide('health', session('node', []))).toEqual({
      code: 'FORBIDDEN',
      details: {
        code: 'ROLE_REQUIRED',
        requiredRole: 'operator',
        method: 'health',
      },
    });
  });

  it('keeps node methods from operators, even admins', () => {
    expect(decide('node.invoke.progress', session('operator', ['operator.admin']))).toEqual({
      code: 'FORBIDDEN',
      details: {
        code: 'ROLE_REQUIRED',
        requiredRole: 'node',
        method: 'node.invoke.progress',
      },
    });
  });

  it('applies the scope implications: admin covers all, write covers read, nothing else is implied', () => {
    expect(decide('health', session('operator', ['operator.read']))).toBe('allowed');
    expect(decide('health', session('operator', ['operator.write']))).toBe('allowed');
    expect(decide('send', session('operator', ['operator.write']))).toBe('allowed');
    expect(decide('config.set', session('operator', ['operator.admin']))).toBe('allowed');
    expect(decide('device.pair.list', session('operator', ['operator.pairing']))).toBe('allowed');
    expect(decide('device.pair.list', session('operator', ['operator.write']))).not.toBe('allowed');
  });

  it('names the missing scope and every scope that would have been enough', () => {
    const none = session('operator', []);
    expect(decide('health', none)).toEqual({
      code: 'FORBIDDEN',
      details: {
        code: 'MISSING_SCOPE',
        missingScope: 'operator.read',
        requiredScopes: ['operator.read', 'operator.write', 'operator.admin'],
      },
    });
    expect(decide('send', session('operator', ['operator.read']))).toEqual({
      code: 'FORBIDDEN',
      details: {
        code: 'MISSING_SCOPE',
        missingScope: 'operator.write',
        requiredScopes: ['operator.write', 'operator.admin'],
      },
    });
    expect(decide('device.pair.list', none)).toMatchObject({
      details: {
        code: 'MISSING_SCOPE',
        missingScope: 'operator.pairing',
        requiredScopes: ['operator.pairing', 'operator.admin'],
      },
    });
    expect(decide('config.set', session('operator', ['operator.write', 'operator.pairing']))).toEqual({
      code: 'FORBIDDEN',
      details: {
        code: 'MISSING_SCOPE',
        missingScope: 'operator.admin',
        requiredScopes: ['operator.admin'],
      },
    });
  });
});
