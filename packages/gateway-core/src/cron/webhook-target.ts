import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Why a webhook POST failed: `retryable` says whether trying again later can help. */
export class WebhookError extends Error {
  override name = 'WebhookError';
  readonly code: 'WEBHOOK_URL_INVALID' | 'WEBHOOK_BLOCKED' | 'WEBHOOK_REFUSED' | 'WEBHOOK_FAILED';
  readonly retryable: boolean;
  constructor(code: WebhookError['code'], message: string, retryable: boolean) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}

/** Where job webhooks may go (the reference's `cron.webhookSsrfPolicy`, the parts served here). */
export interface WebhookNetworkPolicy {
  allowedHostnames?: string[] | undefined;
  dangerouslyAllowPrivateNetwork?: boolean | undefined;
  blockedHostnames?: string[] | undefined;
}

/** A hostname as policies compare it: lower case, no IPv6 brackets, no trailing dot. */
const hostKey = (h: string) =>
  h
    .trim()
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');

/**
 * Whether a policy's deny list names the host: an exact name, or `*.suffix` for names under
 * suffix (not suffix itself), as the reference matches them; a bare `*` matches nothing.
 */
export function isBlockedHostname(host: string, blocked: readonly string[] | undefined): boolean {
  const h = hostKey(host);
  return (blocked ?? []).map(hostKey).some((p) => {
    if (!p.startsWith('*.')) return p !== '*' && p === h;
    const suffix = p.slice(2);
    return suffix !== '' && h.endsWith(`.${suffix}`);
  });
}

/**
 * A webhook address as accepted: http(s), no credentials in it (the token comes from config).
 * Returns the parsed URL or a reason.
 */
export function parseWebhookUrl(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs are posted to';
  if (url.username || url.password)
    return 'credentials in the URL are refused; the bearer token comes from cron.webhookToken';
  return url;
}

/** The URL as logs and run records may show it: origin and path, never a query (it may hold a key). */
export function redactWebhookUrl(raw: string): string {
  const url = parseWebhookUrl(raw);
  return typeof url === 'string' ? '<invalid webhook URL>' : `${url.origin}${url.pathname}`;
}

// Loopback, private, link-local, carrier-grade NAT, benchmarking, documentation, multicast and
// reserved ranges: nothing an exposed gateway should be made to call on a job author's say-so.
const special = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  special.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  special.addSubnet(net, bits, 'ipv6');

/** Whether an IP address is loopback, private or otherwise not a public internet address. */
export function isSpecialAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return special.check(address, 'ipv4');
  if (family !== 6) return true;
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return special.check(mapped[1], 'ipv4');
  return special.check(address, 'ipv6');
}

type Lookup = (host: string) => Promise<{ address: string }[]>;
const systemLookup: Lookup = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Check a webhook's target before a POST: the URL's form, the deny list, then every address its
 * host resolves to. A host the policy lists by name, or `dangerouslyAllowPrivateNetwork`, skips the address
 * check. Throws a non-retryable WebhookError when refused; a failed lookup is retryable.
 *
 * The POST resolves the name again, so a name whose answers change between the two lookups (DNS
 * rebinding) is not caught here; list receivers by IP literal where that matters.
 */
export async function checkWebhookTarget(
  raw: string,
  policy: WebhookNetworkPolicy | undefined,
  resolve: Lookup = systemLookup,
): Promise<URL> {
  const url = parseWebhookUrl(raw);
  if (typeof url === 'string') throw new WebhookError('WEBHOOK_URL_INVALID', url, false);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  // The deny list comes first: neither an allowed name nor the private-network opt-in lifts it.
  if (isBlockedHostname(host, policy?.blockedHostnames))
    throw new WebhookError('WEBHOOK_BLOCKED', `${host} is on cron.webhookSsrfPolicy.blockedHostnames`, false);
  const allowed = (policy?.allowedHostnames ?? []).map((h) => h.replace(/^\[|\]$/g, '').toLowerCase());
  if (policy?.dangerouslyAllowPrivateNetwork || allowed.includes(host)) return url;
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else if (host === 'localhost' || host.endsWith('.localhost')) addresses = ['127.0.0.1'];
  else {
    try {
      addresses = (await resolve(host)).map((a) => a.address);
    } catch (e) {
      throw new WebhookError('WEBHOOK_FAILED', `cannot resolve ${host}: ${(e as Error).message}`, true);
    }
  }
  const blocked = addresses.find(isSpecialAddress);
  if (blocked !== undefined || addresses.length === 0)
    throw new WebhookError(
      'WEBHOOK_BLOCKED',
      `${host} is a loopback, private or special-use address (${blocked ?? 'none'}); allow it with cron.webhookSsrfPolicy.allowedHostnames`,
      false,
    );
  return url;
}
