export { type BindMode, findTailnetAddress, isLoopbackAddress, resolveBindHost } from './bind.ts';
export {
  type BuildGatewayOptions,
  buildGateway,
  checkExposure,
  type Gateway,
  StartupError,
} from './build-gateway.ts';
export { readTokenFile } from './gateway-secrets.ts';
export { InstanceLock, LockHeldError, type LockInfo, readLock } from './instance-lock.ts';
export { applyOverrides, type GatewayFlags } from './options.ts';
export { resolveConfigPath, resolveStateDir, stateFiles } from './paths.ts';
export { GatewayStartError, type RunGatewayOptions, type RunningGateway, runGateway } from './run-gateway.ts';
export { GATEWAY_VERSION } from './version.ts';
