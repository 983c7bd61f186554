// What the Control UI's overview reads: memory in the health summary (for its sparkline) and the
// latest auth failures from the audit log (security.audit.list with newest).
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, rawConnect, startHarness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('overview data', () => {
  it('health carries the process memory', async () => {
    h = await startHarness();
    const health = await (await h.operator()).request('health');
    expect(health.memory?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(health.memory?.heapUsedBytes).toBeGreaterThan(0);
    expect(health.memory?.heapTotalBytes).toBeGreaterThanOrEqual(health.memory?.heapUsedBytes ?? 0);
  });

  it('security.audit.list with newest answers the latest auth failures, oldest first', async () => {
    h = await startHarness();
    for (let i = 0; i < 4; i++) {
      const raw = await h.raw();
      await rawConnect(raw, h.token, { auth: { token: `wrong-token-value-000${i}` } });
    }
    const admin = await h.operator();
    const all = await admin.request('security.audit.list', { action: 'auth.failed' });
    expect(all.entries.length).toBe(4);
    const latest = await admin.request('security.audit.list', { action: 'auth.*', newest: true, limit: 2 });
    expect(latest.entries.map((e) => e.id)).toEqual(all.entries.slice(-2).map((e) => e.id));
    expect(latest.nextAfterId).toBe(all.entries.at(-1)?.id);
    // Without newest the same query pages from the oldest.
    const first = await admin.request('security.audit.list', { action: 'auth.*', limit: 2 });
    expect(first.entries.map((e) => e.id)).toEqual(all.entries.slice(0, 2).map((e) => e.id));
  });
});
