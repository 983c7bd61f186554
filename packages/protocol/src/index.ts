export { fromBase64Url, toBase64Url, toHex } from './base64url.ts';
export { type BackoffOptions, backoffDelay } from './client/backoff.ts';
export {
  type DeviceTokenInfo,
  EVENT_RESUME_CAPABILITY,
  type EventMeta,
  type GapInfo,
  GatewayClient,
  type GatewayClientOptions,
  type LifecycleEvents,
  PUBLISHED_MODEL_CATALOG_CAPABILITY,
  type RequestOptions,
} from './client/gateway-client.ts';
export type { WebSocketConstructor, WebSocketLike } from './client/websocket-like.ts';
export { type CloseCode, CloseCodes } from './close-codes.ts';
export {
  AgentBinding,
  AgentEntry,
  AgentsSection,
  agentsConfigIssues,
  BindingsSection,
  DEFAULT_AGENT_ID,
} from './config/agents-config.ts';
export {
  type ConfigIssue,
  configIssues,
  formatConfigIssues,
  locateIssues,
  syntaxIssue,
} from './config/config-issues.ts';
export { didYouMean, editDistance } from './config/did-you-mean.ts';
export {
  composeGatewayConfig,
  GatewayConfig,
  RESTART_REQUIRED_PREFIXES,
} from './config/gateway-config.ts';
export {
  AgentHeartbeatConfig,
  HeartbeatActiveHours,
  HeartbeatVisibility,
  heartbeatConfigIssues,
  parseHeartbeatEvery,
} from './config/heartbeat-config.ts';
export { configKeyPositions, locateConfigKey, type TextPosition } from './config/locate-config-key.ts';
export {
  type ConfigChecker,
  type ConfigTextResult,
  checkConfigText,
  configChecker,
  configErrorMessage,
  defaultConfig,
  parseConfig,
} from './config/parse-config.ts';
export {
  CREDENTIAL_KEYWORD,
  type CredentialCondition,
  type CredentialField,
  type CredentialMark,
  credential,
  credentialFields,
  credentialMark,
  credentialMarks,
  credentialNeeded,
  type InferredValue,
  placeholderPaths,
  REDACTED,
  redactSecrets,
  redactUrlPassword,
  restoreSecrets,
  SECRET_KEYWORD,
  type SecretField,
  type SecretKind,
  SecretRestoreError,
  SecretString,
  SecretUrl,
  schemaHints,
  secretFields,
  secretValues,
} from './config/secret-fields.ts';
export {
  BUILTIN_THEME_IDS,
  type BuiltinThemeId,
  UI_PREF_LIMITS,
  UI_PREF_THEMES,
  UiPrefs,
  UiSection,
} from './config/ui-config.ts';
export {
  buildDeviceAuthPayloadV2,
  buildDeviceAuthPayloadV3,
  createDeviceProof,
  type DeviceAuthFields,
  type DeviceIdentity,
  deriveDeviceId,
  deviceIdentityFromSeed,
  exportDeviceIdentity,
  generateDeviceIdentity,
  importDeviceIdentity,
  normalizeDeviceMetadata,
  type StoredDeviceIdentity,
  signDevicePayload,
  verifyDevicePayload,
} from './device-identity.ts';
export {
  type DetailCode,
  DetailCodes,
  type ErrorCode,
  ErrorCodes,
  type ErrorShapeLike,
  fromUnknown,
  GatewayError,
  type GatewayErrorInit,
  GatewayRequestError,
  gatewayError,
} from './errors.ts';
export {
  type EventMap,
  type EventName,
  type EventPayload,
  eventList,
  eventNames,
  events,
  getEvent,
  PresenceEvent,
  ShutdownEvent,
  SystemEventPayload,
  TickEvent,
} from './events.ts';
export {
  type FormatLogOptions,
  formatLogLine,
  formatLogTime,
  formatLogValue,
  type LogEntry,
  type LogLevelName,
  LogLevels,
  type LogPart,
  LogPartColours,
  levelName,
  parseLogLine,
} from './logs/format-log-line.ts';
export * from './methods/absent.ts';
export * from './methods/agent.ts';
export * from './methods/agents.ts';
export * from './methods/approvals.ts';
export * from './methods/chat.ts';
export * from './methods/config.ts';
export * from './methods/cron.ts';
export * from './methods/cron-alerts.ts';
export * from './methods/cron-reference.ts';
export {
  defineEvent,
  defineMethod,
  type EventAudience,
  type EventDefinition,
  type MethodDefinition,
} from './methods/define.ts';
export * from './methods/devices.ts';
export * from './methods/diagnostics.ts';
export * from './methods/host.ts';
export {
  type FinalMethodName,
  getMethod,
  type MethodFinal,
  type MethodMap,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type MethodsWithOptionalParams,
  methodList,
  methodNames,
  methods,
  type RequestParams,
  type SideEffectMethodName,
} from './methods/index.ts';
export * from './methods/message.ts';
export * from './methods/messaging.ts';
export * from './methods/node-pending.ts';
export * from './methods/nodes.ts';
export * from './methods/questions.ts';
export * from './methods/sessions.ts';
export * from './methods/sessions-usage.ts';
export * from './methods/system.ts';
export * from './methods/themes.ts';
export * from './methods/usage.ts';
export * from './schema/connect.ts';
export * from './schema/frames.ts';
export * from './schema/health.ts';
export * from './schema/presence.ts';
export { IdempotencyKey, OkResult } from './schema/primitives.ts';
export * from './schema/status-reference.ts';
export * from './schema/thinking.ts';
export {
  isOperatorScope,
  type MethodScope,
  type OperatorScope,
  OperatorScopes,
  type Role,
  Roles,
  scopeSatisfies,
  scopesCovered,
  scopesSatisfying,
} from './scopes.ts';
export {
  connectParamsValidator,
  eventFrameValidator,
  gatewayFrameValidator,
  paramsValidator,
  payloadValidator,
  requestFrameValidator,
  responseFrameValidator,
  resultValidator,
  type ValidationIssue,
  type Validator,
  validatorFor,
} from './validate.ts';
export * from './version.ts';
