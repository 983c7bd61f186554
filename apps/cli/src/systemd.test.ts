import { describe, expect, it } from 'vitest';
import { renderUnit } from './systemd.ts';

describe('renderUnit', () => {
  it('runs the gateway with the state dir and no secret', () => {
    const unit = renderUnit({
      command: ['/usr/bin/node', '/opt/openclaw/dist/openclaw.js'],
      stateDir: '/home/me/.openclaw',
      port: '18789',
    });
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/openclaw/dist/openclaw.js gateway run --port 18789');
    expect(unit).toContain('Environment=OPENCLAW_STATE_DIR=/home/me/.openclaw');
    expect(unit).not.toMatch(/TOKEN|PASSWORD/);
    expect(unit).toContain('Restart=on-failure');
  });

  it('quotes paths with spaces', () => {
    const unit = renderUnit({
      command: ['/usr/bin/node', '/My Apps/openclaw.js'],
      stateDir: '/home/me/state dir',
    });
    expect(unit).toContain('"/My Apps/openclaw.js"');
    expect(unit).toContain('OPENCLAW_STATE_DIR="/home/me/state dir"');
  });
});
