import { type Static, Type } from '@sinclair/typebox';
import { Count, Strict } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

export const UpdateStatusResult = Strict(
  {
    sentinel: Type.Null({ description: 'No update is in progress or pending a restart.' }),
    updateAvailable: Type.Null({
      description: 'Unknown: this gateway does not check for updates (it never calls out to a registry).',
    }),
  },
  {
    $id: 'UpdateStatusResult',
    description: 'Where self-update stands: this gateway does not update itself.',
  },
);

export const updateStatus = defineMethod({
  name: 'update.status',
  description:
    'Self-update state: none (install updates with your package manager; nothing is checked remotely).',
  params: Strict({}, { $id: 'UpdateStatusParams', description: 'No params.' }),
  result: UpdateStatusResult,
  scope: 'operator.admin',
  sideEffect: false,
});

export const SystemInfoResult = Strict(
  {
    machineName: Type.String({ description: 'Host name.' }),
    hostname: Type.String({ description: 'Host name.' }),
    platform: Type.String({ description: 'OS platform (linux, darwin, win32).' }),
    release: Type.String({ description: 'OS release.' }),
    arch: Type.String({ description: 'CPU architecture.' }),
    osLabel: Type.String({ description: 'OS, for display.' }),
    port: Type.Optional(Type.Integer({ description: 'Gateway port.' })),
    nodeVersion: Type.String({ description: 'Node.js version.' }),
    pid: Type.Integer({ description: 'Gateway process id.' }),
    processInstanceId: Type.String({ minLength: 1, description: 'Changes on every start (the boot id).' }),
    uptimeMs: Count('Gateway uptime.'),
    cpuCount: Count('CPU cores.'),
    cpuModel: Type.Optional(Type.String({ description: 'CPU model.' })),
    loadAverage: Type.Tuple([Type.Number(), Type.Number(), Type.Number()], {
      description: '1, 5 and 15 minute load averages.',
    }),
    memoryTotalBytes: Count('Memory.'),
    memoryFreeBytes: Count('Free memory.'),
  },
  { $id: 'SystemInfoResult', description: 'The host the gateway runs on.' },
);

export const systemInfo = defineMethod({
  name: 'system.info',
  description: 'The host the gateway runs on: OS, CPU, memory, Node.js, uptime.',
  params: Strict({}, { $id: 'SystemInfoParams', description: 'No params.' }),
  result: SystemInfoResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const hostMethods = [updateStatus, systemInfo] as const;

export type UpdateStatusResult = Static<typeof UpdateStatusResult>;
export type SystemInfoResult = Static<typeof SystemInfoResult>;
