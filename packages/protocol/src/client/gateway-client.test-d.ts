import { describe, expectTypeOf, it } from 'vitest';
import type { HealthSummary } from '../schema/health.ts';
import type { GatewayClient } from './gateway-client.ts';

declare const client: GatewayClient;

describe('GatewayClient types', () => {
  it('types results by method', () => {
    expectTypeOf(client.request('health')).resolves.toEqualTypeOf<HealthSummary>();
    expectTypeOf(client.request('device.pair.list')).resolves.toHaveProperty('pending');
  });

  it('lets side-effecting methods omit the idempotency key', () => {
    expectTypeOf(
      client.request('node.invoke', { nodeId: 'n', command: 'system.which' }),
    ).resolves.toHaveProperty('ok');
  });

  it('types event payloads', () => {
    client.on('presence', (p) => {
      expectTypeOf(p.changed).toBeArray();
      expectTypeOf(p.removed).toEqualTypeOf<string[]>();
    });
  });

  it('rejects unknown methods and wrong params at compile time', () => {
    // @ts-expect-error not a method
    void client.request('no.such.method');
    // @ts-expect-error limit must be a number
    void client.request('logs.tail', { limit: 'ten' });
    // @ts-expect-error params are required for device.pair.approve
    void client.request('device.pair.approve');
  });
});
