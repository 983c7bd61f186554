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
 * remote, so it can never earn loopback's silent pairing for someone else.
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
    const xff = req.headers['x-forwarded-for'];
    const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
    if (first) remoteAddress = stripMapped(first);
    isLoopback = false;
  }
  const origin = req.headers.origin;
  const ua = req.headers['user-agent'];
  const peer: Omit<PeerInfo, 'originRejected'> = { remoteAddress, isLoopback };
  if (typeof origin === 'string') peer.origin = origin;
  if (typeof ua === 'string') peer.userAgent = ua;
  return peer;
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
