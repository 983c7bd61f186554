import { hostname } from 'node:os';
import { join } from 'node:path';
import { type ClientInfo, GatewayClient, type GatewayClientOptions, type HelloOk } from '@openclaw/protocol';
import { FileDeviceStore } from '@openclaw/protocol/node';
import { type GlobalOptions, resolveTarget, type Target } from './connection.ts';
import { explain } from './errors.ts';
import { stateDir } from './local-state.ts';
import { startSpinner } from './spinner.ts';
import { CLI_VERSION } from './version.ts';

export const DEFAULT_SCOPES = ['operator.admin'];

function platformName(): string {
  switch (process.platform) {
    case 'darwin':
      return 'macos';
    case 'win32':
      return 'windows';
    default:
      return process.platform;
  }
}

export interface Session {
  client: GatewayClient;
  hello: HelloOk;
  target: Target;
  close(): Promise<void>;
}

/**
 * Connect as this CLI's device: identity and device token live in `<state dir>/cli` (0600), so
 * once paired the CLI needs no token again.
 */
export async function openSession(
  opts: GlobalOptions,
  extra: Partial<GatewayClientOptions> = {},
): Promise<Session> {
  const target = await resolveTarget(opts);
  if (target.warning) process.stderr.write(`${target.warning}\n`);
  const store = new FileDeviceStore(join(stateDir(), 'cli'));
  const identity = await store.loadOrCreateIdentity();
  const role = extra.role ?? 'operator';
  const stored = await store.readToken(target.url, role, identity.deviceId);
  const scopes = opts.scopes
    ? opts.scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : (extra.scopes ?? DEFAULT_SCOPES);
  const client: ClientInfo = {
    id: 'cli',
    version: CLI_VERSION,
    platform: platformName(),
    mode: 'cli',
    displayName: `openclaw-cli@${hostname()}`,
  };
  const auth: GatewayClientOptions['auth'] = {};
  if (target.token) auth.token = target.token;
  if (target.password) auth.password = target.password;
  if (stored) auth.deviceToken = stored.token;
  const c = new GatewayClient({
    url: target.url,
    client,
    identity,
    role,
    scopes,
    auth,
    reconnect: false,
    requestTimeoutMs: opts.timeout ? Number(opts.timeout) : 30_000,
    onDeviceToken: (token, info) =>
      store.writeToken({
        token,
        role: info.role,
        scopes: info.scopes,
        deviceId: info.deviceId,
        gateway: target.url,
        issuedAtMs: info.issuedAtMs,
      }),
    ...extra,
  });
  const spinner = startSpinner(`connecting to ${target.url}`);
  try {
    const hello = await c.connect();
    return { client: c, hello, target, close: () => c.close() };
  } catch (error) {
    await c.close();
    throw explain(error, { url: target.url, sources: target.sources });
  } finally {
    spinner.stop();
  }
}

/** Open a session, run `fn`, always close; gateway errors become CliErrors with hints. */
export async function withSession<T>(opts: GlobalOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const s = await openSession(opts);
  try {
    return await fn(s);
  } catch (error) {
    throw explain(error, { url: s.target.url, sources: s.target.sources });
  } finally {
    await s.close();
  }
}
