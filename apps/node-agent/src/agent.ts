import { hostname } from 'node:os';
import { join } from 'node:path';
import { type ClientInfo, GatewayClient, type NodeInvokeRequestEvent } from '@openclaw/protocol';
import { FileDeviceStore } from '@openclaw/protocol/node';
import { type Allowlist, CommandRefused, loadAllowlist, which } from './allowlist.ts';
import { canvasAvailable, createCanvas, findChromium } from './commands/canvas.ts';
import { systemInfo, systemNotify, systemRun, systemWhich } from './commands/system.ts';
import type { CommandHandler } from './commands/types.ts';
import { AGENT_VERSION } from './version.ts';

export interface NodeAgentOptions {
  url: string;
  token?: string | undefined;
  password?: string | undefined;
  /** Identity, device token and the default allowlist live here. */
  stateDir: string;
  name?: string | undefined;
  /** Default `<stateDir>/allowlist.json`. */
  allowlistPath?: string | undefined;
  /** Extra commands (canvas), merged into what the node declares. */
  extraCommands?: Record<string, CommandHandler>;
  extraCaps?: string[];
  log?: (line: string) => void;
  /** Reconnect timing (tests shorten it). */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Chromium for canvas.* (default: the first of CHROMIUM_CANDIDATES found); false: no canvas commands. */
  chromiumPath?: string | false | undefined;
}

export interface NodeAgent {
  readonly client: GatewayClient;
  readonly deviceId: string;
  readonly commands: string[];
  /** Resolves once connected (waits through pairing approval). */
  started: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A headless node: connects with role node, declares exactly the commands it can run, and
 * answers invokes. It keeps its identity and device token in its state dir and reconnects with
 * backoff; while waiting for approval it keeps retrying.
 */
export async function startNodeAgent(o: NodeAgentOptions): Promise<NodeAgent> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const store = new FileDeviceStore(join(o.stateDir, 'node'));
  const identity = await store.loadOrCreateIdentity();
  const allowlistPath = o.allowlistPath ?? join(o.stateDir, 'allowlist.json');
  let allowlist: Allowlist = await loadAllowlist(allowlistPath);
  let gateway: GatewayClient | undefined;
  const chromiumPath = o.chromiumPath === false ? undefined : (o.chromiumPath ?? findChromium());
  const canvas =
    chromiumPath && canvasAvailable(chromiumPath)
      ? createCanvas({
          gatewayUrl: o.url,
          chromiumPath,
          credential: () => o.token ?? o.password ?? gateway?.deviceToken,
        })
      : undefined;
  const handlers: Record<string, CommandHandler> = {
    ...canvas?.handlers,
    'system.run': systemRun(() => allowlist),
    'system.which': systemWhich,
    'system.info': systemInfo,
    ...((await which('notify-send')) ? { 'system.notify': systemNotify } : {}),
    ...o.extraCommands,
  };
  const commands = Object.keys(handlers).sort();
  const caps = ['system', ...(canvas ? ['canvas'] : []), ...(o.extraCaps ?? [])];
  const clientInfo: ClientInfo = {
    id: 'node-host',
    version: AGENT_VERSION,
    platform: process.platform === 'darwin' ? 'macos' : process.platform,
    mode: 'node',
    displayName: o.name ?? `node@${hostname()}`,
  };
  const stored = await store.readToken(o.url, 'node', identity.deviceId);
  const auth: { token?: string; password?: string; deviceToken?: string } = {};
  if (o.token) auth.token = o.token;
  if (o.password) auth.password = o.password;
  if (stored) auth.deviceToken = stored.token;
  const client = new GatewayClient({
    url: o.url,
    client: clientInfo,
    identity,
    role: 'node',
    scopes: [],
    caps,
    commands,
    permissions: Object.fromEntries(commands.map((c) => [c, true])),
    auth,
    waitForPairing: true,
    reconnect: o.reconnect ?? {},
    onDeviceToken: (token, info) =>
      store.writeToken({
        token,
        role: info.role,
        scopes: info.scopes,
        deviceId: info.deviceId,
        gateway: o.url,
        issuedAtMs: info.issuedAtMs,
      }),
  });
  gateway = client;
  const running = new Map<string, AbortController>();
  client.onLifecycle('pairing', (p) => log(`waiting for approval: openclaw devices approve ${p.requestId}`));
  client.onLifecycle('disconnected', (d) => {
    log(
      `disconnected (${d.code}${d.reason ? ` ${d.reason}` : ''})${d.willReconnect ? ', reconnecting' : ''}`,
    );
    for (const c of running.values()) c.abort();
  });
  client.onLifecycle('error', (e) => log(`gave up: ${e.message}`));
  client.on('node.invoke.request', (req) => void run(req));

  async function run(req: NodeInvokeRequestEvent): Promise<void> {
    const handler = handlers[req.command];
    const controller = new AbortController();
    running.set(req.id, controller);
    let reply: { ok: boolean; payload?: unknown; error?: { code: string; message: string } };
    try {
      if (!handler) throw new CommandRefused('UNKNOWN_COMMAND', `this node does not run ${req.command}`);
      if (req.command === 'system.run') allowlist = await loadAllowlist(allowlistPath);
      const params = req.paramsJSON === undefined ? undefined : (JSON.parse(req.paramsJSON) as unknown);
      reply = {
        ok: true,
        payload: await handler(params, { signal: controller.signal, timeoutMs: req.timeoutMs }),
      };
    } catch (error) {
      const code = error instanceof CommandRefused ? error.code : 'FAILED';
      reply = { ok: false, error: { code, message: (error as Error).message || 'failed' } };
    } finally {
      running.delete(req.id);
    }
    const result: {
      id: string;
      nodeId: string;
      ok: boolean;
      payload?: unknown;
      error?: { code: string; message: string };
    } = {
      id: req.id,
      nodeId: req.nodeId,
      ok: reply.ok,
    };
    if (reply.payload !== undefined) result.payload = reply.payload;
    if (reply.error) result.error = reply.error;
    try {
      const ack = await client.request('node.invoke.result', result);
      if (ack.late) log(`result for ${req.command} arrived after its deadline (recorded by the gateway)`);
    } catch (error) {
      log(`could not deliver the result of ${req.command}: ${(error as Error).message}`);
    }
  }

  const started = client.connect().then(
    (hello) =>
      log(
        `connected to ${o.url} as node ${identity.deviceId.slice(0, 12)} (protocol ${hello.protocol}); commands: ${commands.join(', ')}`,
      ),
    (error: unknown) => {
      throw error;
    },
  );
  return {
    client,
    deviceId: identity.deviceId,
    commands,
    started,
    async stop() {
      for (const c of running.values()) c.abort();
      await client.close();
      await canvas?.close();
    },
  };
}
