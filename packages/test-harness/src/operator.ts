import {
  type ClientInfo,
  GatewayClient,
  type GatewayClientOptions,
  generateDeviceIdentity,
  type WebSocketConstructor,
} from '@openclaw/protocol';
import { WebSocket } from 'ws';

export const testClientInfo: ClientInfo = { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' };

/** A connected operator client: a fresh device identity, the shared token, every operator scope, no reconnects. */
export async function connectOperator(
  url: string,
  token: string,
  extra: Partial<GatewayClientOptions> = {},
): Promise<GatewayClient> {
  const c = new GatewayClient({
    url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    client: testClientInfo,
    identity: await generateDeviceIdentity(),
    auth: { token },
    scopes: ['operator.admin', 'operator.write', 'operator.read', 'operator.pairing'],
    reconnect: false,
    ...extra,
  });
  await c.connect();
  return c;
}
