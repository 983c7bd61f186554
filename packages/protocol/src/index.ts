export { toBase64Url, fromBase64Url, toHex } from './base64url.ts';
export { backoffDelay, type BackoffOptions } from './client/backoff.ts';
export {
  EVENT_RESUME_CAPABILITY,
  GatewayClient,
  type DeviceTokenInfo,
  type EventMeta,
  type GapInfo,
  type GatewayClientOptions,
  type LifecycleEvents,
  type RequestOptions,
} from './client/gateway-client.ts';
export type { WebSocketConstructor, WebSocketLike } from './client/websocket-like.ts';
export { CloseCodes, type CloseCode } from './close-codes.ts';
export {
  buildDeviceAuthPayloadV2,
  buildDeviceAuthPayloadV3,
  createDeviceProof,
  deriveDeviceId,
  deviceIdentityFromSeed,
  exportDeviceIdentity,
  generateDeviceIdentity,
  importDeviceIdentity,
  normalizeDeviceMetadata,
  signDevicePayload,
  verifyDevicePayload,
  type DeviceAuthFields,
  type DeviceIdentity,
  type StoredDeviceIdentity,
} from './device-identity.ts';
export {
  DetailCodes,
  ErrorCodes,
  GatewayError,
  GatewayRequestError,
  gatewayError,
  type DetailCode,
  type ErrorCode,
  type ErrorShapeLike,
  type GatewayErrorInit,
} from './errors.ts';
export {
  eventList,
  eventNames,
  events,
  getEvent,
  PresenceEvent,
  ShutdownEvent,
  SystemEventPayload,
  TickEvent,
  type EventMap,
  type EventName,
  type EventPayload,
} from './events.ts';
export * from './methods/agent.ts';
export * from './methods/chat.ts';
export * from './methods/config.ts';
export * from './methods/cron.ts';
export {
  defineEvent,
  defineMethod,
  type EventAudience,
  type EventDefinition,
  type MethodDefinition,
} from './methods/define.ts';
export * from './methods/devices.ts';
export {
  getMethod,
  methodList,
  methodNames,
  methods,
  type MethodMap,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type MethodsWithOptionalParams,
  type RequestParams,
  type SideEffectMethodName,
} from './methods/index.ts';
export * from './methods/messaging.ts';
export * from './methods/nodes.ts';
export * from './methods/system.ts';
export * from './schema/connect.ts';
export * from './schema/frames.ts';
export * from './schema/health.ts';
export * from './schema/presence.ts';
export { IdempotencyKey, OkResult } from './schema/primitives.ts';
export {
  isOperatorScope,
  OperatorScopes,
  Roles,
  scopeSatisfies,
  scopesCovered,
  type MethodScope,
  type OperatorScope,
  type Role,
} from './scopes.ts';
export {
  connectParamsValidator,
  eventFrameValidator,
  gatewayFrameValidator,
  payloadValidator,
  paramsValidator,
  requestFrameValidator,
  responseFrameValidator,
  resultValidator,
  validatorFor,
  type ValidationIssue,
  type Validator,
} from './validate.ts';
export * from './version.ts';
