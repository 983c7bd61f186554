import type { GatewayClient, GatewayRequestError } from '@openclaw/protocol';
import { type IdCandidate, resolveId } from './ids.ts';

/**
 * Turn what the operator typed (a whole id, a unique prefix, a short id as a table printed it)
 * into the full id, from the gateway's own lists. When this device may not read the list, the
 * input is passed on as typed and the gateway judges it.
 */
async function lookup(input: string, list: () => Promise<IdCandidate[]>, what: string): Promise<string> {
  let candidates: IdCandidate[];
  try {
    candidates = await list();
  } catch (error) {
    const code = (error as GatewayRequestError).detailCode;
    if (code === 'MISSING_SCOPE' || code === 'METHOD_UNKNOWN') return input;
    throw error;
  }
  return resolveId(input, candidates, what);
}

export function pairedDeviceId(client: GatewayClient, input: string): Promise<string> {
  return lookup(
    input,
    async () =>
      (await client.request('device.pair.list')).paired.map((d) => ({
        id: d.deviceId,
        label: d.displayName ?? d.clientId,
      })),
    'paired device',
  );
}

export function deviceRequestId(client: GatewayClient, input: string): Promise<string> {
  return lookup(
    input,
    async () =>
      (await client.request('device.pair.list')).pending.map((p) => ({
        id: p.requestId,
        label: p.displayName ?? p.clientId,
      })),
    'pending device request',
  );
}

export function nodeId(client: GatewayClient, input: string): Promise<string> {
  return lookup(
    input,
    async () =>
      (await client.request('node.list')).nodes.map((n) => ({ id: n.nodeId, label: n.displayName })),
    'node',
  );
}

export function nodeRequestId(client: GatewayClient, input: string): Promise<string> {
  return lookup(
    input,
    async () =>
      (await client.request('node.pair.list')).pending.map((p) => ({
        id: p.requestId,
        label: p.displayName,
      })),
    'pending node request',
  );
}
