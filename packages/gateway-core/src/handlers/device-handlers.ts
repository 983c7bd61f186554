import { type deviceMethods, gatewayError } from '@openclaw/protocol';
import type { DevicePairing } from '../pairing/device-pairing.ts';
import type { FamilyHandlers } from '../router/router.ts';

export interface DeviceDeps {
  pairing: DevicePairing;
}

/** device.pair.* and device.token.* */
export function createDeviceHandlers({ pairing }: DeviceDeps): FamilyHandlers<typeof deviceMethods> {
  return {
    'device.pair.list': () => pairing.list(),
    'device.pair.approve': async ({ requestId }, ctx) => {
      const device = await pairing.approve(requestId, ctx.caller);
      const paired = await pairing.pairedDevice(device.deviceId);
      if (!paired) throw gatewayError('NOT_FOUND', undefined, `device ${device.deviceId} vanished`);
      return { requestId, device: paired };
    },
    'device.pair.reject': async ({ requestId }, ctx) => {
      const r = await pairing.reject(requestId, ctx.caller);
      return { requestId, deviceId: r.deviceId };
    },
    'device.pair.remove': async ({ deviceId }, ctx) => ({
      deviceId,
      removed: await pairing.remove(deviceId, ctx.caller),
    }),
    'device.pair.rename': async ({ deviceId, label }, ctx) => {
      await pairing.rename(deviceId, label, ctx.caller);
      return { deviceId, label };
    },
    'device.token.rotate': ({ deviceId, role, scopes }, ctx) =>
      pairing.rotate(deviceId, role, scopes, ctx.caller),
    'device.token.revoke': async ({ deviceId, role }, ctx) => {
      const r = await pairing.revoke(deviceId, role, ctx.caller);
      return { deviceId, role, revoked: r.revoked, closedConnections: r.closed };
    },
  };
}
