export { type AccountHold, channelAccount, channelSessionKey } from './channel-lookups.ts';
export { type CleanupList, runCleanup } from './cleanup.ts';
export { eventually, type Truthy } from './eventually.ts';
export { type GatewayProcess, type SpawnGatewayOptions, spawnGateway } from './gateway-process.ts';
export { type SpawnNodeAgentOptions, spawnNodeAgent } from './node-agent-process.ts';
export { connectOperator, testClientInfo } from './operator.ts';
export { cliEntry, nodeAgentEntry, repoRoot, SOURCE_CONDITIONS } from './paths.ts';
export {
  PRICED_CALL_COST,
  PRICED_CALL_TOKENS,
  PRICED_CALL_USAGE,
  PRICED_MODEL_COST,
  type PricedGateway,
  pricedGateway,
} from './priced-gateway.ts';
export { type CliResult, runCli } from './run-cli.ts';
export {
  type ScriptedGateway,
  type ScriptedGatewayConfig,
  type ScriptedGatewayOptions,
  scriptedGateway,
} from './scripted-gateway.ts';
export {
  type TelegramAgentGateway,
  type TelegramAgentGatewayOptions,
  type TelegramAgentRun,
  telegramAgentGateway,
} from './telegram-agent-gateway.ts';
export { newToken, tempDir, tempStateDir } from './temp-dir.ts';
export { type Exit, type TrackedProcess, trackProcess } from './tracked-process.ts';
