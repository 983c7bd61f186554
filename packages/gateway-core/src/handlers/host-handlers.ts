import { arch, cpus, freemem, hostname, loadavg, platform, release, totalmem, type } from 'node:os';
import type { hostMethods } from '@openclaw/protocol';
import type { GatewayIdentity } from '../gateway-identity.ts';
import type { FamilyHandlers } from '../router/router.ts';
import type { Clock } from '../util/clock.ts';

export interface HostDeps {
  gateway: GatewayIdentity;
  clock: Clock;
  /** The port the gateway listens on, once it does. */
  listenPort: () => number | undefined;
}

/** update.status (this gateway does not update itself) and system.info (the host, as it is). */
export function createHostHandlers({
  gateway,
  clock,
  listenPort,
}: HostDeps): FamilyHandlers<typeof hostMethods> {
  return {
    'update.status': () => ({ sentinel: null, updateAvailable: null }),
    'system.info': () => {
      const cpu = cpus();
      const [l1 = 0, l5 = 0, l15 = 0] = loadavg();
      const out = {
        machineName: hostname(),
        hostname: hostname(),
        platform: platform(),
        release: release(),
        arch: arch(),
        osLabel: `${type()} ${release()}`,
        nodeVersion: process.version,
        pid: process.pid,
        processInstanceId: gateway.bootId,
        uptimeMs: Math.max(0, clock.now() - gateway.startedAtMs),
        cpuCount: cpu.length,
        loadAverage: [l1, l5, l15] as [number, number, number],
        memoryTotalBytes: totalmem(),
        memoryFreeBytes: freemem(),
      };
      const port = listenPort();
      const model = cpu[0]?.model?.trim();
      return {
        ...out,
        ...(port !== undefined ? { port } : {}),
        ...(model ? { cpuModel: model } : {}),
      };
    },
  };
}
