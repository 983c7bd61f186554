export { type BindMode, findTailnetAddress, isLoopbackAddress, resolveBindHost } from './bind.ts';
export { type BuildGatewayOptions, buildGateway, checkExposure, type Gateway } from './build-gateway.ts';
export { readTokenFile } from './gateway-secrets.ts';
export { InstanceLock, type LockInfo, readLock } from './instance-lock.ts';
export { applyOverrides, type GatewayFlags } from './options.ts';
export { resolveConfigPath, resolveStateDir, stateFiles } from './paths.ts';
export { type RunGatewayOptions, type RunningGateway, runGateway } from './run-gateway.ts';
export { StartupError, type StartupFailure, StartupFailures } from './startup-error.ts';
export { GATEWAY_VERSION } from './version.ts';
