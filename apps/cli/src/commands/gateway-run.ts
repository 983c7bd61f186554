import type { Command } from 'commander';
import { CliError } from '../errors.ts';

/** `gateway run`: the daemon in the foreground. The only command that loads gateway code, lazily. */
export function register(gateway: Command): void {
  gateway
    .command('run')
    .description('run the gateway in the foreground (SIGTERM/Ctrl-C stops it cleanly)')
    .option('--port <port>', 'port (default 18789; 0 picks a free one)')
    .option('--bind <mode>', 'loopback (default) | lan | tailnet | custom')
    .option('--host <address>', 'address to listen on (implies --bind custom)')
    .option('--auth <mode>', 'token (default) | password | none (loopback only)')
    .option('--token <token>', 'gateway token (prefer OPENCLAW_GATEWAY_TOKEN: flags show in ps)')
    .option('--password <password>', 'gateway password')
    .option('--verbose', 'debug logging')
    .action(async (_local: unknown, cmd: Command) => {
      // The program's own --token/--password (which gateway a client talks to) are parsed before
      // this command sees its arguments, so they take these flags; read both levels, or
      // `gateway run --token X` would silently run with a generated token instead.
      const opts = cmd.optsWithGlobals() as Record<string, string | boolean | undefined>;
      const { runGateway, StartupError, parseAuthMode, parseBind, parsePort, applyV8Flags } = await import(
        '@openclaw/gateway/main'
      );
      applyV8Flags();
      const flags: Parameters<typeof runGateway>[0] & object = {};
      try {
        const f: NonNullable<typeof flags.flags> = {};
        if (typeof opts.port === 'string') f.port = parsePort(opts.port);
        if (typeof opts.bind === 'string') f.bind = parseBind(opts.bind);
        if (typeof opts.host === 'string') f.host = opts.host;
        if (typeof opts.auth === 'string') f.auth = parseAuthMode(opts.auth);
        if (typeof opts.token === 'string') f.token = opts.token;
        if (typeof opts.password === 'string') f.password = opts.password;
        if (opts.verbose === true) f.verbose = true;
        flags.flags = f;
        await runGateway({ ...flags, handleSignals: true });
      } catch (error) {
        // Every refused start, flags included, carries its documented exit code (README).
        if (error instanceof StartupError) {
          throw new CliError(error.message, { exitCode: error.exitCode, details: { code: error.code } });
        }
        throw error;
      }
    });
}
