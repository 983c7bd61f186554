import { networkInterfaces } from 'node:os';
import { StartupError } from './startup-error.ts';

export type BindMode = 'loopback' | 'lan' | 'tailnet' | 'custom';

function inTailnetRange(address: string): boolean {
  const parts = address.split('.').map(Number);
  // 100.64.0.0/10: first octet 100, second octet 64..127.
  return parts.length === 4 && parts[0] === 100 && parts[1]! >= 64 && parts[1]! <= 127;
}

/** The machine's Tailscale address, if it has one. */
export function findTailnetAddress(interfaces = networkInterfaces()): string | undefined {
  for (const list of Object.values(interfaces)) {
    for (const ni of list ?? []) {
      if (ni.family === 'IPv4' && inTailnetRange(ni.address)) return ni.address;
    }
  }
  return undefined;
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || a === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** The address to listen on for a bind mode. */
export function resolveBindHost(
  mode: BindMode,
  customHost: string | undefined,
  interfaces = networkInterfaces(),
): string {
  switch (mode) {
    case 'loopback':
      return '127.0.0.1';
    case 'lan':
      return '0.0.0.0';
    case 'tailnet': {
      const address = findTailnetAddress(interfaces);
      if (!address) {
        throw new StartupError(
          'BIND_UNAVAILABLE',
          'bind "tailnet": no Tailscale address (100.64.0.0/10) on this machine. Start tailscaled and run `tailscale up`, or use --bind loopback with an SSH tunnel.',
        );
      }
      return address;
    }
    case 'custom':
      if (!customHost)
        throw new StartupError(
          'BIND_UNAVAILABLE',
          'bind "custom" needs an address: set gateway.host in the config.',
        );
      return customHost;
  }
}
