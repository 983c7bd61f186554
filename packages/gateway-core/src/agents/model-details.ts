import { BlockList, isIP } from 'node:net';
import type { GatewayConfig } from '@openclaw/protocol';

type AgentConfig = GatewayConfig['agent'];

/** What `models.list {includeDetails: true}` adds to a row. */
export interface ModelDetails {
  input: ('text' | 'image')[];
  contextWindow: number;
  contextTokens: number;
  local: boolean;
}

// Addresses a model server on this machine or its own network answers from: loopback,
// the private ranges, link-local, and the Tailscale/CGNAT range a tailnet uses. Built on first
// use: a gateway that is never asked for model details never builds it.
let nearbyList: BlockList | undefined;
function nearby(): BlockList {
  if (nearbyList) return nearbyList;
  const b = new BlockList();
  b.addSubnet('127.0.0.0', 8, 'ipv4');
  b.addSubnet('10.0.0.0', 8, 'ipv4');
  b.addSubnet('172.16.0.0', 12, 'ipv4');
  b.addSubnet('192.168.0.0', 16, 'ipv4');
  b.addSubnet('169.254.0.0', 16, 'ipv4');
  b.addSubnet('100.64.0.0', 10, 'ipv4');
  b.addAddress('::1', 'ipv6');
  b.addSubnet('fc00::', 7, 'ipv6');
  b.addSubnet('fe80::', 10, 'ipv6');
  nearbyList = b;
  return b;
}

/** Whether a provider's base URL points at this machine or its network (no lookup is made). */
export function isLocalEndpoint(baseUrl: string | undefined): boolean {
  if (!baseUrl) return false;
  let host: string;
  try {
    host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  const family = isIP(host);
  return family !== 0 && nearby().check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The details of one model as this gateway uses it: what a turn sends it (pictures only with
 * `agent.openai.vision`), the configured context window, and whether it answers nearby.
 */
export function modelDetails(
  ref: string,
  provider: string,
  baseUrl: string | undefined,
  agent: AgentConfig,
): ModelDetails {
  const window = agent.contextTokensByModel[ref] ?? agent.contextTokens;
  return {
    input: agent.openai.vision && provider !== 'echo' ? ['text', 'image'] : ['text'],
    contextWindow: window,
    contextTokens: window,
    local: provider === 'echo' || isLocalEndpoint(baseUrl),
  };
}
