import { type Static, Type } from '@sinclair/typebox';
import {
  Count,
  IdempotencyKey,
  NonEmptyString,
  NoParams,
  OkResult,
  Strict,
  TimestampMs,
} from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

const OptStr = (description: string) => Type.Optional(NonEmptyString(description));
const Commands = (description: string) => Type.Array(NonEmptyString('A command.'), { description });

export const NodeApprovalState = Type.Union(
  [Type.Literal('approved'), Type.Literal('pending'), Type.Literal('rejected'), Type.Literal('unknown')],
  { description: 'Where the node stands with the operators.' },
);

export const NodeInfo = Strict(
  {
    nodeId: NonEmptyString('Node id (its device id).'),
    displayName: OptStr('Operator label, else the name the node reported.'),
    platform: OptStr('Node platform.'),
    version: OptStr('Node version.'),
    clientId: OptStr('Client id.'),
    caps: Type.Array(NonEmptyString('A capability.'), { description: 'Declared capability categories.' }),
    commands: Commands('Commands the node declared on its latest connect.'),
    approvedCommands: Commands('Commands operators approved; only these are invokable.'),
    pendingCommands: Commands('Declared commands waiting for approval.'),
    deniedCommands: Commands('Declared commands the gateway deny list blocks.'),
    permissions: Type.Record(Type.String(), Type.Boolean(), { description: 'Declared permissions.' }),
    approval: NodeApprovalState,
    paired: Type.Boolean({ description: 'Operators approved it (at least once).' }),
    approvalState: Type.Union(
      [
        Type.Literal('approved'),
        Type.Literal('pending-approval'),
        Type.Literal('repair-pending'),
        Type.Literal('unapproved'),
      ],
      {
        description:
          'The reference layout of approval: approved, pending-approval (new), repair-pending (approved, asking for more), unapproved.',
      },
    ),
    connected: Type.Boolean({ description: 'Connected now.' }),
    connectedAtMs: Type.Optional(TimestampMs('When the current connection began.')),
    lastSeenAtMs: Type.Optional(TimestampMs('Last time seen.')),
    lastSeenReason: OptStr('connect, disconnect or event.'),
    remoteIp: OptStr('Peer address.'),
    protocol: Type.Optional(Type.Integer({ minimum: 1, description: 'Protocol version it connected with.' })),
  },
  { $id: 'NodeInfo', description: 'A node: what it declared, what is approved, whether it is here.' },
);

export const nodeList = defineMethod({
  name: 'node.list',
  description: 'Connected and known nodes.',
  params: NoParams('NodeListParams'),
  result: Strict(
    { ts: TimestampMs('When.'), nodes: Type.Array(NodeInfo, { description: 'Nodes.' }) },
    { $id: 'NodeListResult', description: 'Nodes.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const nodeDescribe = defineMethod({
  name: 'node.describe',
  description: 'One node in detail.',
  params: Strict(
    { nodeId: NonEmptyString('Node.') },
    { $id: 'NodeDescribeParams', description: 'Which node.' },
  ),
  result: NodeInfo,
  scope: 'operator.read',
  sideEffect: false,
});

export const nodeRename = defineMethod({
  name: 'node.rename',
  description: 'Set the operator label of a node.',
  params: Strict(
    { nodeId: NonEmptyString('Node.'), displayName: NonEmptyString('New name.', { maxLength: 64 }) },
    { $id: 'NodeRenameParams', description: 'Node and name.' },
  ),
  result: Strict(
    { nodeId: NonEmptyString('Node.'), displayName: NonEmptyString('Name.') },
    { $id: 'NodeRenameResult', description: 'The new name.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const NodeInvokeParams = Strict(
  {
    nodeId: NonEmptyString('Node to run the command on.'),
    command: NonEmptyString('Exact command, e.g. system.run or canvas.navigate.'),
    params: Type.Optional(Type.Unknown({ description: 'Command params (any JSON).' })),
    timeoutMs: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 600_000, description: 'End-to-end deadline (default 30 s).' }),
    ),
    idempotencyKey: IdempotencyKey,
  },
  { $id: 'NodeInvokeParams', description: 'Run a command on a node.' },
);

export const NodeCommandError = Strict(
  {
    code: NonEmptyString('Error code from the node.'),
    message: NonEmptyString('Message from the node.'),
  },
  { $id: 'NodeCommandError', description: 'Why the node could not run the command.' },
);

export const NodeInvokeResult = Strict(
  {
    ok: Type.Boolean({ description: 'The command succeeded on the node.' }),
    nodeId: NonEmptyString('Node.'),
    command: NonEmptyString('Command.'),
    invokeId: NonEmptyString('Invoke id.'),
    payload: Type.Optional(Type.Unknown({ description: 'What the command returned.' })),
    payloadJSON: Type.Optional(Type.String({ description: 'The same payload as JSON text.' })),
    error: Type.Optional(NodeCommandError),
    durationMs: Count('End to end.'),
  },
  { $id: 'NodeInvokeResult', description: 'What the node answered.' },
);

export const nodeInvoke = defineMethod({
  name: 'node.invoke',
  description: 'Run an approved command on a connected node and wait for its answer.',
  params: NodeInvokeParams,
  result: NodeInvokeResult,
  scope: 'operator.write',
  sideEffect: true,
});

export const NodeInvokeResultParams = Strict(
  {
    id: NonEmptyString('The invoke id from node.invoke.request.'),
    nodeId: NonEmptyString('This node.'),
    ok: Type.Boolean({ description: 'Succeeded.' }),
    payload: Type.Optional(Type.Unknown({ description: 'Result.' })),
    payloadJSON: Type.Optional(Type.String({ description: 'Result as JSON text (alternative to payload).' })),
    error: Type.Optional(
      Type.Object(
        {
          code: Type.Optional(NonEmptyString('Code.')),
          message: Type.Optional(NonEmptyString('Message.')),
        },
        { additionalProperties: false, description: 'Failure.' },
      ),
    ),
  },
  { $id: 'NodeInvokeResultParams', description: 'A node reports the outcome of an invoke.' },
);

export const nodeInvokeResult = defineMethod({
  name: 'node.invoke.result',
  description: 'Node only: the outcome of an invoke request.',
  params: NodeInvokeResultParams,
  result: Strict(
    {
      ok: Type.Literal(true, { description: 'Received.' }),
      late: Type.Optional(Type.Boolean({ description: 'True when the deadline had passed; recorded only.' })),
    },
    { $id: 'NodeInvokeResultAck', description: 'Acknowledgement.' },
  ),
  scope: 'node',
  sideEffect: false,
});

export const NodeInvokeProgressParams = Strict(
  {
    invokeId: NonEmptyString('Invoke id.'),
    nodeId: NonEmptyString('This node.'),
    seq: Count('Progress sequence.'),
    chunk: Type.String({ maxLength: 16384, description: 'Progress text or output chunk.' }),
  },
  { $id: 'NodeInvokeProgressParams', description: 'Streamed progress of an invoke.' },
);

export const nodeInvokeProgress = defineMethod({
  name: 'node.invoke.progress',
  description: 'Node only: progress of a running invoke, forwarded to the operator who asked.',
  params: NodeInvokeProgressParams,
  result: OkResult,
  scope: 'node',
  sideEffect: false,
});

export const NodeEventParams = Strict(
  {
    event: NonEmptyString('Event name.', { maxLength: 128 }),
    payload: Type.Optional(Type.Unknown({ description: 'Payload.' })),
    payloadJSON: Type.Optional(Type.String({ description: 'Payload as JSON text.' })),
  },
  { $id: 'NodeEventParams', description: 'An event from a node.' },
);

export const nodeEvent = defineMethod({
  name: 'node.event',
  description: 'Node only: publish an event to operators.',
  params: NodeEventParams,
  result: Strict(
    {
      ok: Type.Boolean({ description: 'Accepted.' }),
      event: NonEmptyString('Event name.'),
      handled: Type.Boolean({ description: 'The gateway acted on it.' }),
      reason: Type.Optional(NonEmptyString('Why or why not.')),
    },
    { $id: 'NodeEventResult', description: 'Outcome.' },
  ),
  scope: 'node',
  sideEffect: false,
});

const nodePairRequestFields = {
  requestId: NonEmptyString('Pending approval id.'),
  nodeId: NonEmptyString('Node.'),
  displayName: OptStr('Name.'),
  platform: OptStr('Platform.'),
  caps: Type.Array(NonEmptyString('A capability.'), { description: 'Declared caps.' }),
  commands: Commands('All declared commands.'),
  newCommands: Commands('Commands not yet approved (all of them for a new node).'),
  permissions: Type.Record(Type.String(), Type.Boolean(), { description: 'Declared permissions.' }),
  remoteIp: OptStr('Peer address.'),
  isRepair: Type.Boolean({ description: 'A known node asking for more.' }),
  ts: TimestampMs('When.'),
};

export const NodePairRequestedEvent = Strict(nodePairRequestFields, {
  $id: 'NodePairRequestedEvent',
  description: 'A node asks for approval of its commands.',
});

export const PendingNodeRequest = Strict(
  {
    ...nodePairRequestFields,
    expiresAtMs: TimestampMs('When it lapses.'),
    requiredApproveScopes: Type.Array(NonEmptyString('A scope.'), {
      description:
        'What approving takes: operator.pairing, plus operator.admin for commands that run code, else operator.write.',
    }),
  },
  { $id: 'PendingNodeRequest', description: 'A node approval request.' },
);

export const nodePairList = defineMethod({
  name: 'node.pair.list',
  description: 'Pending node approvals and approved nodes.',
  params: NoParams('NodePairListParams'),
  result: Strict(
    {
      pending: Type.Array(PendingNodeRequest, { description: 'Waiting.' }),
      paired: Type.Array(NodeInfo, { description: 'Approved nodes.' }),
    },
    { $id: 'NodePairListResult', description: 'Node approvals.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const nodePairApprove = defineMethod({
  name: 'node.pair.approve',
  description: 'Approve what a node declared; its commands become invokable.',
  params: Strict(
    { requestId: NonEmptyString('Request.') },
    { $id: 'NodePairApproveParams', description: 'Which.' },
  ),
  result: Strict(
    {
      requestId: NonEmptyString('Request.'),
      nodeId: NonEmptyString('Node.'),
      approvedCommands: Commands('Now approved.'),
    },
    { $id: 'NodePairApproveResult', description: 'Outcome.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const nodePairReject = defineMethod({
  name: 'node.pair.reject',
  description: 'Reject a node approval request; previously approved commands stay approved.',
  params: Strict(
    { requestId: NonEmptyString('Request.') },
    { $id: 'NodePairRejectParams', description: 'Which.' },
  ),
  result: Strict(
    { requestId: NonEmptyString('Request.'), nodeId: NonEmptyString('Node.') },
    { $id: 'NodePairRejectResult', description: 'Outcome.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const nodePairRemove = defineMethod({
  name: 'node.pair.remove',
  description: 'Forget a node and its approvals; it must be approved again.',
  params: Strict({ nodeId: NonEmptyString('Node.') }, { $id: 'NodePairRemoveParams', description: 'Which.' }),
  result: Strict(
    { nodeId: NonEmptyString('Node.'), removed: Type.Boolean({ description: 'False if unknown.' }) },
    { $id: 'NodePairRemoveResult', description: 'Outcome.' },
  ),
  scope: 'operator.pairing',
  sideEffect: false,
});

export const NodeInvokeRequestEvent = Strict(
  {
    id: NonEmptyString('Invoke id; answer with node.invoke.result.'),
    nodeId: NonEmptyString('This node.'),
    command: NonEmptyString('Command to run.'),
    paramsJSON: Type.Optional(Type.String({ description: 'Command params as JSON text.' })),
    timeoutMs: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Time left before the caller gives up.' }),
    ),
    idempotencyKey: Type.Optional(NonEmptyString('The caller idempotency key.')),
  },
  { $id: 'NodeInvokeRequestEvent', description: 'Sent to a node: run this command.' },
);

export const NodePairResolvedEvent = Strict(
  {
    requestId: NonEmptyString('Request.'),
    nodeId: NonEmptyString('Node.'),
    decision: NonEmptyString('approved, rejected or expired.'),
    ts: TimestampMs('When.'),
  },
  { $id: 'NodePairResolvedEvent', description: 'A node approval was decided.' },
);

export const NodeEventBroadcast = Strict(
  {
    nodeId: NonEmptyString('Node.'),
    event: NonEmptyString('Event name.'),
    payload: Type.Optional(Type.Unknown({ description: 'Payload.' })),
    ts: TimestampMs('When received.'),
  },
  { $id: 'NodeEventBroadcast', description: 'An event a node published.' },
);

export const NodeInvokeProgressEvent = Strict(
  {
    invokeId: NonEmptyString('Invoke.'),
    nodeId: NonEmptyString('Node.'),
    seq: Count('Sequence.'),
    chunk: Type.String({ description: 'Chunk.' }),
  },
  { $id: 'NodeInvokeProgressEvent', description: 'Progress of an invoke, sent to the operator who asked.' },
);

export const nodeMethods = [
  nodeList,
  nodeDescribe,
  nodeRename,
  nodeInvoke,
  nodeInvokeResult,
  nodeInvokeProgress,
  nodeEvent,
  nodePairList,
  nodePairApprove,
  nodePairReject,
  nodePairRemove,
] as const;

export type NodeApprovalState = Static<typeof NodeApprovalState>;
export type NodeInfo = Static<typeof NodeInfo>;
export type NodeInvokeParams = Static<typeof NodeInvokeParams>;
export type NodeCommandError = Static<typeof NodeCommandError>;
export type NodeInvokeResult = Static<typeof NodeInvokeResult>;
export type NodeInvokeResultParams = Static<typeof NodeInvokeResultParams>;
export type NodeInvokeProgressParams = Static<typeof NodeInvokeProgressParams>;
export type NodeEventParams = Static<typeof NodeEventParams>;
export type NodePairRequestedEvent = Static<typeof NodePairRequestedEvent>;
export type PendingNodeRequest = Static<typeof PendingNodeRequest>;
export type NodeInvokeRequestEvent = Static<typeof NodeInvokeRequestEvent>;
export type NodePairResolvedEvent = Static<typeof NodePairResolvedEvent>;
export type NodeEventBroadcast = Static<typeof NodeEventBroadcast>;
export type NodeInvokeProgressEvent = Static<typeof NodeInvokeProgressEvent>;
