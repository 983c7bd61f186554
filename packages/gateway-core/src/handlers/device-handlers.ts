import { gatewayError } from '@openclaw/protocol';
import type { Actor, DevicePairing } from '../pairing/device-pairing.ts';
import type { HandlerTable, RequestContext } from '../router/router.ts';

export function actorOf(ctx: RequestContext): Actor {
  return {
    id: ctx.session.deviceId ?? `conn:${ctx.connId}`,
    deviceId: ctx.session.deviceId,
    scopes: ctx.session.scopes,
    remoteIp: ctx.remoteIp,
    connId: ctx.connId,
  };
}

/** device.pair.* and device.token.* */
export function createDeviceHandlers(pairing: DevicePairing): HandlerTable {
  return {
    'device.pair.list': () => pairing.list(),
    'device.pair.approve': async ({ requestId }, ctx) => {
      const device = await pairing.approve(requestId, actorOf(ctx));
      const paired = await pairing.pairedDevice(device.deviceId);
      if (!paired) throw gatewayError('NOT_FOUND', undefined, `device ${device.deviceId} vanished`);
      return { requestId, device: paired };
    },
    'device.pair.reject': async ({ requestId }, ctx) => {
      const r = await pairing.reject(requestId, actorOf(ctx));
      return { requestId, deviceId: r.deviceId };
    },
    'device.pair.remove': async ({ deviceId }, ctx) => ({
      deviceId,
      removed: await pairing.remove(deviceId, actorOf(ctx)),
    }),
    'device.pair.rename': async ({ deviceId, label }, ctx) => {
      await pairing.rename(deviceId, label, actorOf(ctx));
      return { deviceId, label };
    },
    'device.token.rotate': ({ deviceId, role, scopes }, ctx) =>
      pairing.rotate(deviceId, role, scopes, actorOf(ctx)),
    'device.token.revoke': async ({ deviceId, role }, ctx) => {
      const r = await pairing.revoke(deviceId, role, actorOf(ctx));
      return { deviceId, role, revoked: r.revoked, closedConnections: r.closed };
    },
  };
}
