import { describe, expect, it } from 'vitest';
import { forwardedClient } from './peer.ts';

describe('the client behind trusted proxies', () => {
  it('is the right-most hop that is not a trusted proxy: what a client writes itself is ignored', () => {
    const trusted = ['127.0.0.1', '10.0.0.2'];
    expect(forwardedClient('203.0.113.7', trusted)).toBe('203.0.113.7');
    // A client that sends its own X-Forwarded-For gets it appended to, not believed.
    expect(forwardedClient('1.2.3.4, 203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(forwardedClient(['9.9.9.9', '203.0.113.7, 10.0.0.2'], trusted)).toBe('203.0.113.7');
    expect(forwardedClient('::ffff:203.0.113.7', trusted)).toBe('203.0.113.7');
    expect(forwardedClient('10.0.0.2', trusted)).toBe('10.0.0.2');
    expect(forwardedClient(undefined, trusted)).toBeUndefined();
  });
});
