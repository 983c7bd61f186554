import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { needs } from '../../../../tooling/vitest/requirements.ts';
import { startRedisServer } from './redis-server.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(`${line}\r\n`));
    s.once('error', reject);
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().trim());
    });
  });
}

describe('startRedisServer', needs('redis-server'), () => {
  it('serves on loopback without persistence, restarts on the same port and leaves no process', async () => {
    const server = await startRedisServer();
    const first = server.pid!;
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await command(server.port, 'CONFIG GET appendonly')).toContain('no');
    await command(server.port, 'SET k v');
    await server.restart();
    const second = server.pid!;
    expect(second).not.toBe(first);
    expect(alive(first)).toBe(false);
    // A restart is an outage: the data is gone.
    expect(await command(server.port, 'GET k')).toBe('$-1');
    await server.stop();
    await server.stop();
    expect(server.pid).toBeUndefined();
    expect(alive(second)).toBe(false);
  });

  it('stops when disposed', async () => {
    let pid: number;
    {
      await using server = await startRedisServer();
      pid = server.pid!;
      expect(await command(server.port, 'PING')).toBe('+PONG');
    }
    expect(alive(pid)).toBe(false);
  });
});
