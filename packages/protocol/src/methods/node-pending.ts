import { type Static, Type } from '@sinclair/typebox';
import { Count, NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

const WorkType = Type.Union([Type.Literal('status.request'), Type.Literal('location.request')], {
  description: 'What the node is asked for when it next checks in.',
});

export const NodePendingItem = Strict(
  {
    id: NonEmptyString('Item id.'),
    type: WorkType,
    priority: Type.Union([Type.Literal('normal'), Type.Literal('high')], { description: 'Priority.' }),
    createdAtMs: TimestampMs('Queued.'),
    expiresAtMs: Type.Union([TimestampMs('Dropped after.'), Type.Null()], { description: 'Expiry.' }),
  },
  { $id: 'NodePendingItem', description: 'Work waiting for a node.' },
);

const Batch = Strict(
  {
    nodeId: NonEmptyString('Node.'),
    revision: Count('Changes with every enqueue and removal.'),
    items: Type.Array(NodePendingItem, { description: 'Oldest first, high priority first.' }),
    hasMore: Type.Boolean({ description: 'More items wait.' }),
  },
  { $id: 'NodePendingBatch', description: 'Items for the calling node.' },
);

const MaxItems = Strict(
  {
    maxItems: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'At most (default 10).' })),
  },
  { description: 'How many.' },
);

export const nodePendingEnqueue = defineMethod({
  name: 'node.pending.enqueue',
  description: 'Queue work for a node (kept in the gateway store until the node takes it or it expires).',
  params: Strict(
    {
      nodeId: NonEmptyString('Node.'),
      type: WorkType,
      priority: Type.Optional(
        Type.Union([Type.Literal('normal'), Type.Literal('high')], { description: 'Priority.' }),
      ),
      expiresInMs: Type.Optional(
        Type.Integer({ minimum: 1000, maximum: 86_400_000, description: 'Lifetime (default 10 minutes).' }),
      ),
      wake: Type.Optional(Type.Boolean({ description: 'Accepted: this gateway cannot push-wake a node.' })),
    },
    { $id: 'NodePendingEnqueueParams', description: 'The work.' },
  ),
  result: Strict(
    {
      nodeId: NonEmptyString('Node.'),
      revision: Count('Queue revision.'),
      queued: NodePendingItem,
      wakeTriggered: Type.Literal(false, {
        description: 'No push wake here: the node takes it when connected.',
      }),
    },
    { $id: 'NodePendingEnqueueResult', description: 'Queued.' },
  ),
  scope: 'operator.write',
  sideEffect: false,
});

export const nodePendingDrain = defineMethod({
  name: 'node.pending.drain',
  description: 'A node takes its waiting work (removed as it is handed over).',
  params: Type.Object(MaxItems.properties, {
    $id: 'NodePendingDrainParams',
    additionalProperties: false,
    description: 'How many.',
  }),
  result: Batch,
  scope: 'node',
  sideEffect: false,
});

export const nodePendingPull = defineMethod({
  name: 'node.pending.pull',
  description: 'A node reads its waiting work without removing it (then node.pending.ack).',
  params: Type.Object(MaxItems.properties, {
    $id: 'NodePendingPullParams',
    additionalProperties: false,
    description: 'How many.',
  }),
  result: Batch,
  scope: 'node',
  sideEffect: false,
});

export const nodePendingAck = defineMethod({
  name: 'node.pending.ack',
  description: 'A node confirms work it pulled; those items are removed.',
  params: Strict(
    {
      ids: Type.Array(NonEmptyString('Item id.'), { minItems: 1, maxItems: 100, description: 'Items done.' }),
    },
    { $id: 'NodePendingAckParams', description: 'Which.' },
  ),
  result: Strict(
    { nodeId: NonEmptyString('Node.'), revision: Count('Queue revision.'), removed: Count('Items removed.') },
    { $id: 'NodePendingAckResult', description: 'Acknowledged.' },
  ),
  scope: 'node',
  sideEffect: false,
});

export const nodePendingMethods = [
  nodePendingEnqueue,
  nodePendingDrain,
  nodePendingPull,
  nodePendingAck,
] as const;

export type NodePendingItem = Static<typeof NodePendingItem>;
