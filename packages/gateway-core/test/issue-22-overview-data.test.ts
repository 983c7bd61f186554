// What the Control UI's overview reads: the process memory in a health answer that asks for it (for
// its sparkline) and the latest auth failures from the audit log (security.audit.list with newest).
import type { HealthSummary } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, rawConnect, startHarness } from './harness.ts';
import { referenceSubErrors } from './reference-oracle.ts';

const SNAPSHOT_HEALTH = ['properties', 'snapshot', 'properties', 'health'];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('overview data', () => {
  it('health carries the process memory when asked, and only then (the reference shape has none)', async () => {
    h = await startHarness();
    const op = await h.operator();
    const health = await op.request('health', { includeMemory: true });
    expect(health.memory?.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(health.memory?.heapUsedBytes).toBeGreaterThan(0);
    expect(health.memory?.heapTotalBytes).toBeGreaterThanOrEqual(health.memory?.heapUsedBytes ?? 0);
    // Everything else is the reference's shape.
    const { memory: _memory, ...rest } = health;
    expect(referenceSubErrors('HelloOk', SNAPSHOT_HEALTH, rest)).toBe('');
    const plain: HealthSummary = await op.request('health');
    expect(plain).not.toHaveProperty('memory');
    expect(referenceSubErrors('HelloOk', SNAPSHOT_HEALTH, plain)).toBe('');
    expect(h.core.reports.health()).not.toHaveProperty('memory');
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
