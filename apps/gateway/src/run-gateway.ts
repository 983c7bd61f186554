import { join } from 'node:path';
import {
  type ClusterLink,
  type ConfigChange,
  ConfigManager,
  type IntegrityResult,
  type SharedSecrets,
  type Store,
  watchConfigFile,
} from '@openclaw/gateway-core';
import { type ConfigIssue, formatConfigIssues, GatewayError } from '@openclaw/protocol';
import { buildGateway, type Gateway } from './build-gateway.ts';
import { gatewayConfig, loadProviders } from './channel-providers.ts';
import { loadOrCreateGatewayId } from './gateway-id.ts';
import { loadOrCreateToken } from './gateway-secrets.ts';
import { InstanceLock } from './instance-lock.ts';
import { createLogDestination } from './log-destination.ts';
import { openDatabase } from './open-database.ts';
import { applyOverrides, type GatewayFlags } from './options.ts';
import { resolveConfigPath, resolveStateDir, stateFiles } from './paths.ts';
import { StartupError } from './startup-error.ts';
import { enforceStopDeadline } from './stop-deadline.ts';
import { holdStopSignals } from './stop-signals.ts';
import { followRunActivity } from './v8-flags.ts';

export interface RunGatewayOptions {
  flags?: GatewayFlags;
  env?: NodeJS.ProcessEnv;
  /**
   * The daemon's signals: exit on SIGTERM/SIGINT after a clean shutdown, restart in place on
   * SIGUSR1, re-read the config on SIGHUP. Off for embedding.
   */
  handleSignals?: boolean;
  /** Where operator-facing notices go (the generated-token notice). Default stderr. */
  notice?: (text: string) => void;
  /** Where log lines go (embedding, tests). Default stdout. */
  logDestination?: { write(line: string): void };
}

export interface RunningGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly port: number;
  readonly stateDir: string;
  readonly configPath: string;
  readonly config: ConfigManager;
  stop(options?: { reason?: string; restartExpectedMs?: number }): Promise<void>;
  /** The step a stop is in (for the stop deadline's report). */
  stopStage(): string;
}

/**
 * Run the daemon: resolve state dir and config (flags over env over file), take the instance
 * lock, open the store, build the app, listen, and wire signals to a clean shutdown. A refused
 * start throws a {@link StartupError} (its code and exit code say which refusal).
 */
export async function runGateway(options: RunGatewayOptions = {}): Promise<RunningGateway> {
  if (!options.handleSignals) return startGateway(options);
  const signals = holdStopSignals();
  let running: RunningGateway;
  try {
    running = await startGateway(options);
  } catch (error) {
    signals.release();
    throw error;
  }
  signals.arm(handleSignals(running, () => startGateway(options), options.env ?? process.env));
  return running;
}

/** One gateway instance: config, lock, store, app, listener, config watcher. */
async function startGateway(options: RunGatewayOptions): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const notice = options.notice ?? ((t: string) => process.stderr.write(`${t}\n`));
  const stateDir = resolveStateDir(env);
  const configPath = resolveConfigPath(env, stateDir);

  let config: ConfigManager;
  try {
    config = await ConfigManager.load(configPath, (c) => applyOverrides(c, env, flags), {
      schema: gatewayConfig,
    });
  } catch (error) {
    if (error instanceof GatewayError || error instanceof StartupError) {
      throw new StartupError('CONFIG_INVALID', describeInvalidConfig(error, configPath), {
        cause: error,
      });
    }
    throw error;
  }

  const lock = await InstanceLock.acquire(join(stateDir, stateFiles.lock));

  let generatedToken: { token: string; path: string } | undefined;
  let fileToken: string | undefined;
  try {
    if (config.current.auth.mode === 'token' && !config.current.auth.token) {
      const t = await loadOrCreateToken(stateDir);
      fileToken = t.token;
      if (t.generated) generatedToken = { token: t.token, path: t.path };
    }
    const secrets = (): SharedSecrets => ({
      token: config.current.auth.token ?? fileToken,
      password: config.current.auth.password,
    });
    if (generatedToken) {
      // Shown once, on the terminal only (never through the logger).
      notice(
        [
          'A gateway token was generated for this state dir.',
          `  token: ${generatedToken.token}`,
          `  stored in ${generatedToken.path} (mode 0600); read it back with: openclaw gateway token`,
        ].join('\n'),
      );
    }
    const gatewayId = await loadOrCreateGatewayId(stateDir);
    const backend = await openBackend(config, gatewayId, stateDir);
    const logDestination = options.logDestination ?? createLogDestination();
    // Unknown channel ids are reported by the channels wing (ChannelAccounts) once it has a logger.
    const providers = loadProviders(config.current.channels as Record<string, unknown>);
    const gateway = await buildGateway({
      config,
      store: backend.store,
      secrets,
      logDestination,
      canvasDir: join(stateDir, 'canvas'),
      providers,
      // A channel added to the config while running loads its provider then (library checked).
      resolveProvider: (channel) => loadProviders({ [channel]: {} })[0],
      stateDir,
      gatewayId,
      ...(backend.cluster ? { cluster: backend.cluster } : {}),
      channelTuning: { leaseTtlMs: config.current.cluster.leaseTtlMs },
    });
    const integrity = backend.integrity;
    if (integrity?.status === 'unchecked') {
      gateway.log.warn(
        { reason: integrity.reason },
        'database integrity check could not run; starting anyway',
      );
    }
    if (integrity?.status === 'unfinished') {
      // A large database on a slow disk: start, keep checking, and stop taking writes if it is damaged.
      gateway.log.warn(
        { afterMs: integrity.ms },
        'database integrity check still running; starting anyway and checking in the background',
      );
      void integrity.result.then((r) => {
        if (r.status === 'unchecked') {
          gateway.log.warn({ reason: r.reason }, 'database integrity check could not finish');
        } else if (r.status === 'damaged') {
          gateway.log.error({ problems: r.problems.slice(0, 3) }, 'database integrity check found damage');
          gateway.core.storeHealth.report({ kind: 'corrupt', reason: r.problems[0] ?? 'damaged' });
        } else {
          gateway.log.info({ ms: r.ms }, 'database integrity check passed');
        }
      });
    }
    const storeHealthy = backend.storeHealthy;
    if (storeHealthy) {
      gateway.core.addReadinessCheck({
        name: 'cluster store',
        check: () =>
          storeHealthy() ? { ready: true } : { ready: false, degraded: true, reason: 'redis unreachable' },
      });
    }
    let listening: { host: string; port: number; url: string };
    try {
      listening = await gateway.listen();
    } catch (error) {
      await gateway.close({ reason: 'startup failed', drainMs: 0 });
      throw error;
    }
    await lock.update({ port: listening.port, host: listening.host });
    // Where everything came from, for an operator running with --verbose (no secret values).
    gateway.log.debug(
      {
        stateDir,
        configPath,
        store: backend.store.kind,
        integrityCheckMs: integrity?.ms,
        authMode: config.current.auth.mode,
        tokenSource: config.current.auth.token ? 'config, env or flag' : fileToken ? 'token file' : 'none',
      },
      'gateway settings',
    );
    // Agent runs trade memory for fewer collections on the event loop while they happen (v8-flags.ts).
    const unfollowRuns = followRunActivity(gateway.core.bus);
    // Edits of the config file apply while running; an invalid edit is reported and not applied.
    const watcher = watchConfigFile(config, {
      onApplied: (c) => logConfigChange(gateway, c, 'config file changed'),
      onRejected: (error) =>
        gateway.log.error(
          { err: error },
          `config file edit not applied (the running config is kept): ${describeInvalidConfig(error, configPath)}`,
        ),
    });
    let stopping: Promise<void> | undefined;
    let stage = 'not stopping';
    const stop = (o: { reason?: string; restartExpectedMs?: number } = {}) => {
      stopping ??= (async () => {
        watcher.close();
        unfollowRuns();
        if (integrity?.status === 'unfinished') integrity.cancel();
        stage = 'closing the gateway';
        await gateway.close({ reason: o.reason ?? 'gateway stopping', ...o });
        stage = 'leaving the cluster';
        await backend.cluster?.close();
        stage = 'releasing the instance lock';
        await lock.release();
        stage = 'stopped';
      })();
      return stopping;
    };
    const stopStage = () => (stage === 'closing the gateway' ? `${stage}: ${gateway.closeStage()}` : stage);
    return {
      gateway,
      config,
      url: listening.url,
      port: listening.port,
      stateDir,
      configPath,
      stop,
      stopStage,
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * SQLite in the state dir, or, with `cluster.redisUrl`, the shared Redis store and the cluster
 * link (the gateway refuses to start when Redis cannot be reached at all: starting blind would
 * take channel accounts another gateway already serves).
 */
async function openBackend(
  config: ConfigManager,
  gatewayId: string,
  stateDir: string,
): Promise<{
  store: Store;
  cluster?: ClusterLink;
  storeHealthy?: () => boolean;
  integrity?: IntegrityResult;
}> {
  const c = config.current.cluster;
  if (!c.redisUrl) {
    const { store, check } = await openDatabase(join(stateDir, stateFiles.database));
    return { store, integrity: check };
  }
  const { connectClusterStore, RedisClusterLink } = await import('@openclaw/store-redis');
  try {
    const { store, healthy } = await connectClusterStore({ url: c.redisUrl, prefix: c.keyPrefix });
    const cluster = await RedisClusterLink.connect({
      url: c.redisUrl,
      gatewayId,
      prefix: c.keyPrefix,
      presenceTtlMs: c.leaseTtlMs,
    });
    return { store, cluster, storeHealthy: healthy };
  } catch (error) {
    throw new StartupError(
      'CLUSTER_UNREACHABLE',
      `cannot reach Redis at ${redactUrl(c.redisUrl)} (cluster.redisUrl): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Never print a Redis password. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable url)';
  }
}

/** What a config change did, and what still needs a restart. */
function logConfigChange(gateway: Gateway, c: ConfigChange, message: string): void {
  gateway.log.info({ changed: c.changed, applied: c.applied, restartRequired: c.restartRequired }, message);
  if (c.restartRequired.length) {
    gateway.log.warn(
      { restartRequired: c.restartRequired },
      `restart needed for ${c.restartRequired.join(', ')}: openclaw gateway restart`,
    );
  }
}

/**
 * The daemon's signals: SIGTERM/SIGINT stop, SIGUSR2 stops telling clients a restart is expected
 * (a supervisor restarts the process), SIGHUP re-reads the config, SIGUSR1 restarts in place
 * (`openclaw gateway restart`): the same process stops the gateway, telling clients when to come
 * back, and starts it again from the config file, so restart-needing keys take effect. Returns
 * the stop for runGateway's stop-signal listener, which is installed before the start.
 */
function handleSignals(
  first: RunningGateway,
  start: () => Promise<RunningGateway>,
  env: NodeJS.ProcessEnv,
): (signal: NodeJS.Signals) => void {
  let current = first;
  let restarting = false;
  const onStop = (signal: NodeJS.Signals) => {
    const restartMs = env.OPENCLAW_RESTART_EXPECTED_MS ? Number(env.OPENCLAW_RESTART_EXPECTED_MS) : undefined;
    current.gateway.log.info({ signal }, 'shutting down');
    const o: { reason: string; restartExpectedMs?: number } = { reason: `received ${signal}` };
    if (signal === 'SIGUSR2') o.restartExpectedMs = restartMs ?? 2000;
    else if (restartMs !== undefined && Number.isFinite(restartMs)) o.restartExpectedMs = restartMs;
    const stopping = current.stop(o);
    const stopped = current;
    enforceStopDeadline(stopping, {
      stage: () => stopped.stopStage(),
      report: (fields, message) => stopped.gateway.log.error(fields, message),
      exit: (code) => process.exit(code),
    });
    stopping.then(
      () => process.exit(0),
      (error: unknown) => {
        current.gateway.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const restart = async () => {
    if (restarting) return;
    restarting = true;
    const log = current.gateway.log;
    try {
      // A restart into a config that cannot start would leave nothing running: refuse it instead.
      await ConfigManager.load(current.configPath, (c) => c, { schema: gatewayConfig });
    } catch (error) {
      log.error(
        { err: error },
        `restart refused, the gateway keeps running: ${describeInvalidConfig(error, current.configPath)}`,
      );
      restarting = false;
      return;
    }
    const t0 = performance.now();
    log.info('restarting');
    await current.stop({ reason: 'restart requested', restartExpectedMs: RESTART_EXPECTED_MS });
    try {
      current = await start();
      current.gateway.log.info({ ms: Math.round(performance.now() - t0) }, 'restarted');
    } catch (error) {
      // Stopped and could not start again: exit with the refusal's code, as a fresh start would.
      const code = error instanceof StartupError ? error.exitCode : 1;
      process.stderr.write(`restart failed: ${(error as Error).message}\n`);
      process.exit(code);
    } finally {
      restarting = false;
    }
  };
  process.on('SIGUSR1', () => void restart());
  process.on('unhandledRejection', (reason) =>
    current.gateway.log.error({ err: reason }, 'unhandled rejection'),
  );
  process.on('SIGHUP', () => {
    const running = current;
    running.config.reload().then(
      (c) => logConfigChange(running.gateway, c, 'config reloaded'),
      (error: unknown) =>
        running.gateway.log.error(
          { err: error },
          `config reload failed; keeping the running config: ${describeInvalidConfig(error, running.configPath)}`,
        ),
    );
  });
  return onStop;
}

/** What clients are told to wait before reconnecting during an in-place restart. */
const RESTART_EXPECTED_MS = 1500;

/** Every problem of the config file, each as `file:line:col: key: what is wrong`. */
function describeInvalidConfig(error: unknown, configPath: string): string {
  const issues =
    error instanceof GatewayError ? (error.details?.issues as ConfigIssue[] | undefined) : undefined;
  if (!issues?.length) return `invalid config (${configPath}): ${(error as Error).message}`;
  const lines = formatConfigIssues(issues, configPath);
  if (lines.length === 1) return `invalid config: ${lines[0]}`;
  return `invalid config, ${lines.length} problems:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}
