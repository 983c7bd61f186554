export type { GatewayFlags } from './options.ts';
export { OptionsError, parseBind, parsePort } from './options.ts';
export { GatewayStartError, type RunGatewayOptions, type RunningGateway, runGateway } from './run-gateway.ts';
export { applyV8Flags, DEFAULT_V8_FLAGS } from './v8-flags.ts';
