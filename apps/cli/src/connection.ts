import { formatConfigIssues } from '@openclaw/protocol';
import { brokenConfigError, loadLocalConfig } from './config-file.ts';
import { isAlive, readLock, readTokenFile } from './local-state.ts';

export interface GlobalOptions {
  url?: string;
  token?: string;
  password?: string;
  json?: boolean;
  scopes?: string;
  timeout?: string;
}

export interface Target {
  url: string;
  token?: string | undefined;
  password?: string | undefined;
  /** Where each value came from, for "could not reach" messages. */
  sources: string[];
  /** True when the URL came from local state (then local secrets may be used). */
  local: boolean;
  /** Something the operator should know that did not stop the command (a broken config file). */
  warning?: string | undefined;
}

function loopbackHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0' || host === '::' || host === '127.0.0.1' || host === 'localhost')
    return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Which gateway to talk to and with what: flags, then environment, then the local state dir
 * (a running gateway's lock file, the config file, the generated token). Local secrets are only
 * used for a locally resolved URL, so they are never sent to a gateway named on the command line.
 */
export async function resolveTarget(
  opts: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Target> {
  const sources: string[] = [];
  let url = opts.url;
  let local = false;
  let warning: string | undefined;
  let config: Record<string, unknown> | undefined;
  if (url) sources.push('--url');
  else if (env.OPENCLAW_GATEWAY_URL) {
    url = env.OPENCLAW_GATEWAY_URL;
    sources.push('OPENCLAW_GATEWAY_URL');
  } else {
    local = true;
    const lock = await readLock(env);
    const running = Boolean(lock?.port && isAlive(lock.pid));
    const file = await loadLocalConfig(env);
    if (file.issues.length) {
      // Never guess past a broken file: the port it names is not the default's.
      if (!running)
        throw brokenConfigError(
          file,
          'no gateway is running, and none can start with this file: fix it (`openclaw config validate` checks it)',
        );
      warning = `warning: ${formatConfigIssues(file.issues, file.path)[0]}${file.issues.length > 1 ? ` (and ${file.issues.length - 1} more)` : ''}\n  the running gateway keeps the config it loaded; \`openclaw config validate\` lists every problem`;
    }
    config = file.raw;
    const gw = (config?.gateway ?? {}) as { port?: number; host?: string; tls?: unknown };
    const scheme = gw.tls ? 'wss' : 'ws';
    if (lock?.port && running) {
      url = `${scheme}://${loopbackHost(lock.host)}:${lock.port}`;
      sources.push(`running gateway (pid ${lock.pid}) in the state dir`);
    } else if (Number.isInteger(gw.port)) {
      url = `${scheme}://${loopbackHost(gw.host)}:${gw.port}`;
      sources.push('gateway.port in the config file');
    } else {
      url = 'ws://127.0.0.1:18789';
      sources.push('the default ws://127.0.0.1:18789');
    }
  }
  let token = opts.token ?? env.OPENCLAW_GATEWAY_TOKEN;
  let password = opts.password ?? env.OPENCLAW_GATEWAY_PASSWORD;
  if (local && !token && !password) {
    const auth = (config?.auth ?? {}) as { token?: string; password?: string };
    token = auth.token ?? (await readTokenFile(env));
    password = auth.password;
  }
  return { url, token, password, sources, local, warning };
}
