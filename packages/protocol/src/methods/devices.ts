import { type Static, Type } from '@sinclair/typebox';
import { Count, NonEmptyString, NoParams, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

const OptStr = (description: string) => Type.Optional(NonEmptyString(description));
const Scopes = (description: string) => Type.Array(NonEmptyString('A scope.'), { description });

/** Fields shared by a pending request in `device.pair.list` and the `device.pair.requested` event. */
const pendingRequestFields = {
  requestId: NonEmptyString('Pending request id; approve or reject by it.'),
  deviceId: NonEmptyString('Device identity.'),
  publicKey: NonEmptyString('Raw Ed25519 public key, base64url.'),
  displayName: OptStr('Name the client reported.'),
  platform: OptStr('Client platform.'),
  deviceFamily: OptStr('Device family.'),
  clientId: OptStr('Client id.'),
  clientMode: OptStr('Client mode.'),
  browserOrigin: OptStr('Origin, for browser clients.'),
  role: OptStr('Requested role.'),
  roles: Type.Optional(Type.Array(NonEmptyString('A role.'), { description: 'Roles after approval.' })),
  scopes: Type.Optional(Scopes('Requested scopes.')),
  remoteIp: OptStr('Peer address of the request.'),
  silent: Type.Optional(Type.Boolean({ description: 'True when it will be approved without an operator.' })),
  isRepair: Type.Optional(
    Type.Boolean({ description: 'True when a paired device asks for more role or scopes than approved.' }),
  ),
  ts: TimestampMs('When the request was made (or last repeated).'),
};

export const DevicePairRequestedEvent = Strict(pendingRequestFields, {
  $id: 'DevicePairRequestedEvent',
  description: 'A device asked to pair (or to widen its pairing).',
});

export const PendingDeviceRequest = Strict(
  { ...pendingRequestFields, expiresAtMs: TimestampMs('When the request lapses.') },
  { $id: 'PendingDeviceRequest', description: 'A pairing request waiting for an operator.' },
);

export const DeviceTokenSummary = Strict(
  {
    role: NonEmptyString('Role the token is for.'),
    scopes: Scopes('Scopes the token covers.'),
    issuedAtMs: TimestampMs('Issued.'),
    lastUsedAtMs: Type.Optional(TimestampMs('Last connect with it.')),
  },
  { $id: 'DeviceTokenSummary', description: 'A device token, without its secret.' },
);

export const PairedDevice = Strict(
  {
    deviceId: NonEmptyString('Device identity.'),
    publicKey: NonEmptyString('Raw Ed25519 public key, base64url.'),
    displayName: OptStr('Name: the operator label if set, else what the client reported.'),
    label: OptStr('Operator-assigned label.'),
    platform: OptStr('Client platform.'),
    clientId: OptStr('Client id.'),
    clientMode: OptStr('Client mode.'),
    roles: Type.Array(NonEmptyString('A role.'), { description: 'Approved roles.' }),
    scopes: Scopes('Approved scopes.'),
    tokens: Type.Array(DeviceTokenSummary, { description: 'Active device tokens, one per role.' }),
    createdAtMs: TimestampMs('First paired.'),
    approvedAtMs: TimestampMs('Last approval.'),
    lastSeenAtMs: Type.Optional(TimestampMs('Last connect.')),
    lastSeenIp: OptStr('Peer address at last connect.'),
    connected: Type.Boolean({ description: 'Connected right now.' }),
  },
  { $id: 'PairedDevice', description: 'An approved device.' },
);

export const DevicePairListResult = Strict(
  {
    pending: Type.Array(PendingDeviceRequest, { description: 'Requests waiting for an operator.' }),
    paired: Type.Array(PairedDevice, { description: 'Approved devices.' }),
  },
  { $id: 'DevicePairListResult', description: 'Pending and paired devices.' },
);

export const devicePairList = defineMethod({
  name: 'device.pair.list',
  description: 'Pending pairing requests and paired devices.',
  params: NoParams('DevicePairListParams'),
  result: DevicePairListResult,
  scope: 'operator.pairing',
  sideEffect: false,
});

const RequestIdParams = (id: string, description: string) =>
  Strict({ requestId: NonEmptyString('Pending request id.') }, { $id: id, description });

export const devicePairApprove = defineMethod({
  name: 'device.pair.approve',
  description: 'Approve a pending request; the device receives a device token on its next connect.',
  params: RequestIdParams('DevicePairApproveParams', 'Which request to approve.'),
  result: Strict(
    { requestId: NonEmptyString('The request.'), device: PairedDevice },
    { $id: 'DevicePairApproveResult', description: 'The approved device.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const devicePairReject = defineMethod({
  name: 'device.pair.reject',
  description: 'Reject a pending request.',
  params: RequestIdParams('DevicePairRejectParams', 'Which request to reject.'),
  result: Strict(
    { requestId: NonEmptyString('The request.'), deviceId: NonEmptyString('The device.') },
    { $id: 'DevicePairRejectResult', description: 'What was rejected.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const devicePairRemove = defineMethod({
  name: 'device.pair.remove',
  description: 'Forget a paired device: its tokens stop working and its sockets close.',
  params: Strict(
    { deviceId: NonEmptyString('Device to remove.') },
    { $id: 'DevicePairRemoveParams', description: 'Which device.' },
  ),
  result: Strict(
    {
      deviceId: NonEmptyString('The device.'),
      removed: Type.Boolean({ description: 'False if it was unknown.' }),
    },
    { $id: 'DevicePairRemoveResult', description: 'Outcome.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const devicePairRename = defineMethod({
  name: 'device.pair.rename',
  description: 'Set the operator label of a paired device.',
  params: Strict(
    { deviceId: NonEmptyString('Device.'), label: NonEmptyString('New label.', { maxLength: 64 }) },
    { $id: 'DevicePairRenameParams', description: 'Device and label.' },
  ),
  result: Strict(
    { deviceId: NonEmptyString('Device.'), label: NonEmptyString('Label.') },
    { $id: 'DevicePairRenameResult', description: 'The new label.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const DeviceTokenRotateResult = Strict(
  {
    deviceId: NonEmptyString('Device.'),
    role: NonEmptyString('Role.'),
    token: Type.Optional(NonEmptyString('The new token, only when the caller rotates its own token.')),
    scopes: Scopes('Scopes of the new token.'),
    rotatedAtMs: TimestampMs('When.'),
    tokenDelivery: Type.Optional(
      Type.Union([Type.Literal('in-band'), Type.Literal('withheld-cross-device')], {
        description: 'in-band: token is in this result; withheld: the device gets it by re-pairing.',
      }),
    ),
  },
  { $id: 'DeviceTokenRotateResult', description: 'Rotation outcome.' },
);

export const deviceTokenRotate = defineMethod({
  name: 'device.token.rotate',
  description: 'Replace a device token; the old one stops working at once, live sockets included.',
  params: Strict(
    {
      deviceId: NonEmptyString('Device.'),
      role: NonEmptyString('Role of the token.'),
      scopes: Type.Optional(Scopes('Narrow the token to these scopes (within what was approved).')),
    },
    { $id: 'DeviceTokenRotateParams', description: 'Which token.' },
  ),
  result: DeviceTokenRotateResult,
  scope: 'operator.pairing',
  sideEffect: false,
});

export const deviceTokenRevoke = defineMethod({
  name: 'device.token.revoke',
  description: 'Revoke a device token; live sockets that used it close.',
  params: Strict(
    { deviceId: NonEmptyString('Device.'), role: NonEmptyString('Role of the token.') },
    { $id: 'DeviceTokenRevokeParams', description: 'Which token.' },
  ),
  result: Strict(
    {
      deviceId: NonEmptyString('Device.'),
      role: NonEmptyString('Role.'),
      revoked: Type.Boolean({ description: 'False if there was no such token.' }),
      closedConnections: Count('Live sockets closed.'),
    },
    { $id: 'DeviceTokenRevokeResult', description: 'Outcome.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const DevicePairResolvedEvent = Strict(
  {
    requestId: NonEmptyString('The request.'),
    deviceId: NonEmptyString('The device.'),
    decision: NonEmptyString('approved, rejected or expired.'),
    ts: TimestampMs('When.'),
  },
  { $id: 'DevicePairResolvedEvent', description: 'A pairing request was decided.' },
);

export const deviceMethods = [
  devicePairList,
  devicePairApprove,
  devicePairReject,
  devicePairRemove,
  devicePairRename,
  deviceTokenRotate,
  deviceTokenRevoke,
] as const;

export type DevicePairRequestedEvent = Static<typeof DevicePairRequestedEvent>;
export type PendingDeviceRequest = Static<typeof PendingDeviceRequest>;
export type DeviceTokenSummary = Static<typeof DeviceTokenSummary>;
export type PairedDevice = Static<typeof PairedDevice>;
export type DevicePairListResult = Static<typeof DevicePairListResult>;
export type DeviceTokenRotateResult = Static<typeof DeviceTokenRotateResult>;
export type DevicePairResolvedEvent = Static<typeof DevicePairResolvedEvent>;
