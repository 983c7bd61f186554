// Being "remote" honestly on a test machine: the gateway trusts 127.0.0.1 as a reverse proxy
// (`gateway.trustedProxies`), and each request names its client in X-Forwarded-For, exactly as
// a proxy in front of the gateway would. The gateway then treats the request as that client's.
import type { WebSocketConstructor } from '@openclaw/protocol';
import { WebSocket } from 'ws';

/** Config for a gateway that believes X-Forwarded-For from loopback. */
export const behindLocalProxy = { gateway: { trustedProxies: ['127.0.0.1'] } };

/** A WebSocket constructor for the SDK whose upgrade request says it comes from `ip` via the proxy. */
export function wsFrom(ip: string): WebSocketConstructor {
  class ProxiedWebSocket extends WebSocket {
    constructor(url: string | URL) {
      super(url, { headers: { 'x-forwarded-for': ip } });
    }
  }
  return ProxiedWebSocket as unknown as WebSocketConstructor;
}

export interface HttpAttempt {
  /** Authorization: Bearer <bearer>; omitted when undefined. */
  bearer?: string | undefined;
  /** The client address the proxy reports; omitted (a direct loopback request) when undefined. */
  from?: string | undefined;
  method?: 'GET' | 'POST';
}

/** One request to the gateway's HTTP port; resolves with the status and Retry-After (seconds). */
export async function attempt(
  base: string,
  path: string,
  o: HttpAttempt = {},
): Promise<{ status: number; retryAfter: number | undefined }> {
  const headers: Record<string, string> = {};
  if (o.bearer !== undefined) headers.authorization = `Bearer ${o.bearer}`;
  if (o.from !== undefined) headers['x-forwarded-for'] = o.from;
  const res = await fetch(`${base}${path}`, { method: o.method ?? 'GET', headers });
  await res.arrayBuffer();
  const ra = res.headers.get('retry-after');
  return { status: res.status, retryAfter: ra === null ? undefined : Number(ra) };
}

/** The four HTTP surfaces that take the gateway credential. */
export const SURFACES: { path: string; method: 'GET' | 'POST'; ok: number }[] = [
  { path: '/__openclaw__/canvas/', method: 'GET', ok: 200 },
  { path: '/__openclaw__/a2ui/', method: 'GET', ok: 200 },
  { path: '/__openclaw__/session', method: 'POST', ok: 204 },
  { path: '/metrics', method: 'GET', ok: 200 },
];
