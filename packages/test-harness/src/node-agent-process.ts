import { spawn } from 'node:child_process';
import { nodeAgentEntry, SOURCE_CONDITIONS } from './paths.ts';
import { type TrackedProcess, trackProcess } from './tracked-process.ts';

export interface SpawnNodeAgentOptions {
  /** The gateway's WebSocket URL. */
  url: string;
  /** Its own state dir (its device identity, allowlist); also its HOME. */
  stateDir: string;
  /** The gateway token, passed as OPENCLAW_GATEWAY_TOKEN. */
  token?: string | undefined;
  /** Default `test-node`. */
  name?: string;
  /** Extra arguments after the connection ones. */
  args?: string[];
}

/** The real node agent as a child process, connecting to a gateway. */
export function spawnNodeAgent(o: SpawnNodeAgentOptions): TrackedProcess {
  const child = spawn(
    process.execPath,
    [
      SOURCE_CONDITIONS,
      nodeAgentEntry,
      '--url',
      o.url,
      '--state-dir',
      o.stateDir,
      '--name',
      o.name ?? 'test-node',
      ...(o.args ?? []),
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: o.stateDir,
        ...(o.token === undefined ? {} : { OPENCLAW_GATEWAY_TOKEN: o.token }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return trackProcess(child);
}
