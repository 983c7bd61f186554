export type { GatewayFlags } from './options.ts';
export { parseAuthMode, parseBind, parsePort } from './options.ts';
export { type RunGatewayOptions, type RunningGateway, runGateway } from './run-gateway.ts';
export { StartupError, type StartupFailure } from './startup-error.ts';
export { applyV8Flags, DEFAULT_V8_FLAGS } from './v8-flags.ts';
