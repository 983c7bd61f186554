/**
 * The shell command that starts the repository's node agent against the gateway this page came
 * from, exactly as shown on the Nodes page: run it on the gateway host, from the repository root
 * (the token comes from that host's state dir).
 */
export function startNodeCommand(page: { protocol: string; host: string }): string {
  const url = `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}`;
  return `OPENCLAW_GATEWAY_TOKEN=$(./run pnpm --silent openclaw gateway token) ./run pnpm --filter @openclaw/node-agent start --url ${url}`;
}
