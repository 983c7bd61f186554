import { arch, cpus, freemem, hostname, loadavg, platform, release, totalmem, type } from 'node:os';
import type { HandlerTable } from '../router/router.ts';

export interface HostInfo {
  bootId: string;
  startedAtMs: number;
  now: () => number;
  port: () => number | undefined;
}

/** update.status (this gateway does not update itself) and system.info (the host, as it is). */
export function createHostHandlers(h: HostInfo): HandlerTable {
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
        processInstanceId: h.bootId,
        uptimeMs: Math.max(0, h.now() - h.startedAtMs),
        cpuCount: cpu.length,
        loadAverage: [l1, l5, l15] as [number, number, number],
        memoryTotalBytes: totalmem(),
        memoryFreeBytes: freemem(),
      };
      const port = h.port();
      const model = cpu[0]?.model?.trim();
      return {
        ...out,
        ...(port !== undefined ? { port } : {}),
        ...(model ? { cpuModel: model } : {}),
      };
    },
  };
}
