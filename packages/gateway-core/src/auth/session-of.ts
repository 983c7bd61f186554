import type { ConnectParams } from '@openclaw/protocol';
import type { Session } from '../connection/transport.ts';

/** The authority a connect was granted, with what the client declared about itself. */
export function sessionOf(
  params: ConnectParams,
  grant: {
    role: Session['role'];
    scopes: string[];
    deviceId: string | undefined;
    authKind: Session['authKind'];
    tokenHash: string | undefined;
    protocol: number;
    connectedAtMs: number;
  },
): Session {
  return {
    role: grant.role,
    scopes: grant.scopes,
    deviceId: grant.deviceId,
    clientId: params.client.id,
    clientMode: params.client.mode,
    clientVersion: params.client.version,
    platform: params.client.platform,
    displayName: params.client.displayName,
    deviceFamily: params.client.deviceFamily,
    instanceId: params.client.instanceId,
    protocol: grant.protocol,
    authKind: grant.authKind,
    deviceTokenHash: grant.tokenHash,
    caps: params.caps ?? [],
    commands: params.commands ?? [],
    permissions: params.permissions ?? {},
    connectedAtMs: grant.connectedAtMs,
  };
}
