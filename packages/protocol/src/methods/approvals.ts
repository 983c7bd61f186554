import { type Static, Type } from '@sinclair/typebox';
import { NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

const Security = Type.Union([Type.Literal('deny'), Type.Literal('allowlist'), Type.Literal('full')], {
  description: 'deny: no system.run; allowlist: only allowlisted programs (others ask, per ask); full: any.',
});
const Ask = Type.Union([Type.Literal('off'), Type.Literal('on-miss'), Type.Literal('always')], {
  description: 'off: never ask; on-miss: ask for programs not on the allowlist; always: ask every time.',
});

export const ExecAllowlistEntry = Strict(
  {
    id: Type.Optional(NonEmptyString('Entry id.')),
    pattern: Type.String({ description: 'Program: a bare name (as found on PATH) or an absolute path.' }),
    source: Type.Optional(
      Type.Literal('allow-always', { description: 'Added by an allow-always decision.' }),
    ),
    lastUsedAt: Type.Optional(TimestampMs('When a run last matched it.')),
  },
  { $id: 'ExecAllowlistEntry', description: 'One allowed program.' },
);

const PolicyFields = {
  security: Type.Optional(Type.String({ description: 'deny, allowlist or full.' })),
  ask: Type.Optional(Type.String({ description: 'off, on-miss or always.' })),
  askFallback: Type.Optional(
    Type.String({ description: 'What an unanswered request becomes: deny, allowlist or full.' }),
  ),
  autoAllowSkills: Type.Optional(Type.Boolean({ description: 'Unused here (there are no skills).' })),
};

export const ExecApprovalsFile = Strict(
  {
    version: Type.Literal(1, { description: 'Format version.' }),
    defaults: Type.Optional(Strict(PolicyFields, { description: 'Policy for every agent.' })),
    agents: Type.Optional(
      Type.Record(
        Type.String(),
        Strict(
          {
            ...PolicyFields,
            allowlist: Type.Optional(Type.Array(ExecAllowlistEntry, { description: 'Allowed programs.' })),
          },
          { description: 'Policy of one agent (main).' },
        ),
        { description: 'Per agent.' },
      ),
    ),
  },
  {
    $id: 'ExecApprovalsFile',
    description: 'The exec approval policy document (the reference layout, version 1).',
  },
);

export const ExecApprovalsSnapshot = Strict(
  {
    path: NonEmptyString('Where the document lives (a locator in the gateway store).'),
    exists: Type.Boolean({ description: 'An operator has saved a document.' }),
    hash: NonEmptyString('SHA-256 of the document; pass as baseHash to exec.approvals.set.'),
    file: ExecApprovalsFile,
    resolvedDefaults: Strict(
      {
        security: Security,
        ask: Ask,
        askFallback: Security,
        autoAllowSkills: Type.Boolean({ description: 'Unused.' }),
      },
      { description: 'The defaults in effect (document defaults over built-in ones).' },
    ),
  },
  { $id: 'ExecApprovalsSnapshot', description: 'The exec approval policy.' },
);

export const execApprovalsGet = defineMethod({
  name: 'exec.approvals.get',
  description:
    'The exec approval policy for system.run on nodes: security, ask, ask fallback and the allowlist.',
  params: Strict({}, { $id: 'ExecApprovalsGetParams', description: 'No params.' }),
  result: ExecApprovalsSnapshot,
  scope: 'operator.admin',
  sideEffect: false,
});

export const execApprovalsSet = defineMethod({
  name: 'exec.approvals.set',
  description: 'Replace the exec approval policy (compare-and-swap with baseHash).',
  params: Strict(
    {
      file: ExecApprovalsFile,
      baseHash: Type.Optional(
        NonEmptyString('The hash read with exec.approvals.get; refused when it changed since.'),
      ),
    },
    { $id: 'ExecApprovalsSetParams', description: 'The new document.' },
  ),
  result: ExecApprovalsSnapshot,
  scope: 'operator.admin',
  sideEffect: false,
});

export const ExecApprovalDecision = Type.Union(
  [Type.Literal('allow-once'), Type.Literal('allow-always'), Type.Literal('deny')],
  { description: 'allow-once: this run; allow-always: this run and the program from now on; deny.' },
);

export const ExecApproval = Strict(
  {
    id: NonEmptyString('Approval id.'),
    status: Type.Union([Type.Literal('pending'), Type.Literal('resolved'), Type.Literal('expired')], {
      description: 'Where it stands.',
    }),
    command: Type.String({ description: 'The command line, for display.' }),
    commandArgv: Type.Array(Type.String(), { description: 'The exact argv that will run.' }),
    cwd: Type.Union([Type.String(), Type.Null()], { description: 'Working directory, if given.' }),
    nodeId: Type.Union([NonEmptyString('Node that will run it.'), Type.Null()], {
      description: 'Target node.',
    }),
    host: Type.Literal('node', { description: 'Where it runs (always a node here).' }),
    agentId: Type.Union([Type.String(), Type.Null()], { description: 'Agent, if any.' }),
    sessionKey: Type.Union([Type.String(), Type.Null()], { description: 'Session, if any.' }),
    requestedBy: Type.Optional(Type.String({ description: 'Device or client that asked.' })),
    createdAtMs: TimestampMs('Asked.'),
    expiresAtMs: TimestampMs('Unanswered after this, the ask fallback decides.'),
    decision: Type.Optional(ExecApprovalDecision),
    resolvedAtMs: Type.Optional(TimestampMs('Decided.')),
    resolvedBy: Type.Optional(Type.String({ description: 'Who decided.' })),
  },
  {
    $id: 'ExecApproval',
    description: 'A request to run a command on a node, waiting for (or with) an operator decision.',
  },
);

export const ExecApprovalRequestParams = Strict(
  {
    id: Type.Optional(NonEmptyString('Caller-chosen id.')),
    command: Type.Optional(Type.String({ description: 'The command line.' })),
    commandArgv: Type.Optional(Type.Array(Type.String(), { description: 'The argv.' })),
    systemRunPlan: Type.Optional(
      Type.Object(
        {
          argv: Type.Array(Type.String(), { description: 'The argv.' }),
          cwd: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Working directory.' })),
          commandText: Type.Optional(Type.String({ description: 'The command line.' })),
          agentId: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Agent.' })),
          sessionKey: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Session.' })),
        },
        { additionalProperties: true, description: 'The canonical run plan (its argv is what will run).' },
      ),
    ),
    cwd: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Working directory.' })),
    nodeId: Type.Optional(
      Type.Union([NonEmptyString('Node.'), Type.Null()], { description: 'Target node.' }),
    ),
    host: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'node (the only host here).' }),
    ),
    agentId: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Agent.' })),
    sessionKey: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Session.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'How long to wait for a decision.' })),
  },
  { $id: 'ExecApprovalRequestParams', description: 'What would run, and where.' },
);

export const execApprovalRequest = defineMethod({
  name: 'exec.approval.request',
  description: 'Ask the operators to approve running a command on a node; exec.approval.requested goes out.',
  params: ExecApprovalRequestParams,
  result: Strict(
    { id: NonEmptyString('Approval id.'), expiresAtMs: TimestampMs('When it lapses.') },
    { $id: 'ExecApprovalRequestResult', description: 'The pending approval.' },
  ),
  scope: 'operator.approvals',
  sideEffect: false,
});

export const execApprovalResolve = defineMethod({
  name: 'exec.approval.resolve',
  description:
    'Decide a pending approval: allow-once, allow-always (adds the program to the allowlist) or deny.',
  params: Strict(
    {
      id: NonEmptyString('Approval id.'),
      decision: NonEmptyString('allow-once, allow-always or deny.'),
    },
    { $id: 'ExecApprovalResolveParams', description: 'The decision.' },
  ),
  result: ExecApproval,
  scope: 'operator.approvals',
  sideEffect: false,
});

export const execApprovalList = defineMethod({
  name: 'exec.approval.list',
  description: 'Pending exec approvals, oldest first.',
  params: Strict({}, { $id: 'ExecApprovalListParams', description: 'No params.' }),
  result: Type.Array(ExecApproval, { $id: 'ExecApprovalListResult', description: 'Pending approvals.' }),
  scope: 'operator.approvals',
  sideEffect: false,
});

export const execApprovalGet = defineMethod({
  name: 'exec.approval.get',
  description: 'One exec approval (pending, or recently decided).',
  params: Strict(
    { id: NonEmptyString('Approval id.') },
    { $id: 'ExecApprovalGetParams', description: 'Which.' },
  ),
  result: ExecApproval,
  scope: 'operator.approvals',
  sideEffect: false,
});

export const ExecApprovalWaitResult = Strict(
  {
    id: NonEmptyString('Approval id.'),
    decision: Type.Union([ExecApprovalDecision, Type.Null()], {
      description: 'The decision; null while pending.',
    }),
    status: Type.Union([Type.Literal('pending'), Type.Literal('resolved'), Type.Literal('expired')], {
      description: 'Where it stands.',
    }),
  },
  { $id: 'ExecApprovalWaitResult', description: 'The decision, or that there is none yet.' },
);

export const execApprovalWaitDecision = defineMethod({
  name: 'exec.approval.waitDecision',
  description: 'Wait for the decision on an approval (or the timeout).',
  params: Strict(
    {
      id: NonEmptyString('Approval id.'),
      timeoutMs: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 600_000, description: 'Longest wait (default 30 s).' }),
      ),
    },
    { $id: 'ExecApprovalWaitDecisionParams', description: 'Which.' },
  ),
  result: ExecApprovalWaitResult,
  scope: 'operator.approvals',
  sideEffect: false,
});

export const ExecApprovalResolvedEvent = Strict(
  {
    id: NonEmptyString('Approval id.'),
    decision: Type.Union([ExecApprovalDecision, Type.Null()], { description: 'null: it lapsed.' }),
    status: Type.Union([Type.Literal('resolved'), Type.Literal('expired')], { description: 'How it ended.' }),
    ts: TimestampMs('When.'),
  },
  { $id: 'ExecApprovalResolvedEvent', description: 'An approval was decided or lapsed.' },
);

export const approvalsMethods = [
  execApprovalsGet,
  execApprovalsSet,
  execApprovalRequest,
  execApprovalResolve,
  execApprovalList,
  execApprovalGet,
  execApprovalWaitDecision,
] as const;

export type ExecApprovalsFile = Static<typeof ExecApprovalsFile>;
export type ExecApprovalsSnapshot = Static<typeof ExecApprovalsSnapshot>;
export type ExecApproval = Static<typeof ExecApproval>;
export type ExecApprovalDecision = Static<typeof ExecApprovalDecision>;
export type ExecApprovalWaitResult = Static<typeof ExecApprovalWaitResult>;
export type ExecApprovalResolvedEvent = Static<typeof ExecApprovalResolvedEvent>;
export type ExecApprovalRequestParams = Static<typeof ExecApprovalRequestParams>;
