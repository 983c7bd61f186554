import type { IncomingMessage } from 'node:http';
import type { PeerInfo } from '@openclaw/gateway-core';
import { isLoopbackAddress } from './bind.ts';

const FORWARD_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

function stripMapped(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/**
 * Who is on the other end. Forwarded headers are believed only from configured trusted proxies;
 * a loopback peer that carries them (a local reverse proxy we were not told about) is treated as
 * remote, so it can never earn loopback's silent pairing for someone else. This address is also
 * what failed authentication is charged to.
 */
export function peerOf(
  req: IncomingMessage,
  trustedProxies: readonly string[],
): Omit<PeerInfo, 'originRejected'> {
  const socketAddress = stripMapped(req.socket.remoteAddress ?? 'unknown');
  const forwarded = FORWARD_HEADERS.some((h) => req.headers[h] !== undefined);
  let remoteAddress = socketAddress;
  let isLoopback = isLoopbackAddress(socketAddress) && !forwarded;
  if (forwarded && trustedProxies.includes(socketAddress)) {
    const client = forwardedClient(req.headers['x-forwarded-for'], trustedProxies);
    if (client) remoteAddress = client;
    isLoopback = false;
  }
  const origin = req.headers.origin;
  const ua = req.headers['user-agent'];
  const peer: Omit<PeerInfo, 'originRejected'> = { remoteAddress, isLoopback };
  if (typeof origin === 'string') peer.origin = origin;
  if (typeof ua === 'string') peer.userAgent = ua;
  return peer;
}

/**
 * The client in an X-Forwarded-For chain: the right-most hop that is not one of our trusted
 * proxies. Proxies append what they saw, so everything left of that is whatever the client chose
 * to send; taking the left-most would let a client pick a fresh address (and a fresh auth limit)
 * for every request.
 */
export function forwardedClient(
  header: string | string[] | undefined,
  trustedProxies: readonly string[],
): string | undefined {
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((h) => stripMapped(h.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.includes(hops[i]!)) return hops[i];
  return hops[0];
}

/** Same-origin (the Origin's host is the Host we were reached on) or explicitly allowed. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin) || allowed.includes('*')) return true;
  try {
    const o = new URL(origin);
    return host !== undefined && o.host === host;
  } catch {
    return false;
  }
}

/** Query strings must never carry credentials (they end up in logs and browser history). */
export function hasCredentialInQuery(url: string | undefined): boolean {
  if (!url?.includes('?')) return false;
  const params = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  for (const key of params.keys()) {
    if (/^(token|password|deviceToken|auth|secret|access_token)$/i.test(key)) return true;
  }
  return false;
}
