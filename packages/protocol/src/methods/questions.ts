import { type Static, Type } from '@sinclair/typebox';
import { NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

const QuestionKey = Type.String({
  pattern: '^[a-z][a-z0-9_]*$',
  description: 'Answer key: lowercase, digits, _.',
});

export const QuestionItem = Strict(
  {
    questionId: QuestionKey,
    header: Type.String({ maxLength: 12, description: 'A short tag.' }),
    question: NonEmptyString('The question.', { maxLength: 2000 }),
    options: Type.Array(
      Strict({ label: NonEmptyString('An option.', { maxLength: 200 }) }, { description: 'A choice.' }),
      {
        maxItems: 4,
        description: 'Choices (none: free text).',
      },
    ),
    multiSelect: Type.Optional(Type.Boolean({ description: 'Several choices may be picked.' })),
    isOther: Type.Optional(
      Type.Boolean({ description: 'A free-text answer is allowed besides the choices.' }),
    ),
  },
  { $id: 'QuestionItem', description: 'One question (secret questions are not supported here).' },
);

export const QuestionAnswers = Strict(
  {
    answers: Type.Record(QuestionKey, Type.Array(Type.String({ maxLength: 10_000 }), { maxItems: 16 }), {
      description: 'questionId → the chosen labels or typed text.',
    }),
  },
  { $id: 'QuestionAnswers', description: 'Answers by question.' },
);

export const QuestionStatus = Type.Union(
  [Type.Literal('pending'), Type.Literal('answered'), Type.Literal('cancelled'), Type.Literal('expired')],
  { description: 'Where it stands.' },
);

export const QuestionRecord = Strict(
  {
    id: NonEmptyString('Question id.'),
    questions: Type.Array(QuestionItem, { minItems: 1, maxItems: 3, description: 'The questions.' }),
    agentId: Type.Optional(NonEmptyString('Agent it is for.')),
    sessionKey: Type.Optional(NonEmptyString('Session it is about.')),
    runId: Type.Optional(NonEmptyString('Run it is about.')),
    createdAtMs: TimestampMs('Asked.'),
    expiresAtMs: TimestampMs('Lapses.'),
    status: QuestionStatus,
    answers: Type.Optional(QuestionAnswers),
    resolvedBy: Type.Optional(NonEmptyString('Who answered or cancelled.')),
  },
  { $id: 'QuestionRecord', description: 'A question put to the operators.' },
);

export const questionRequest = defineMethod({
  name: 'question.request',
  description: 'Ask the operators up to three questions; question.requested goes out to operator.questions.',
  params: Strict(
    {
      id: Type.Optional(NonEmptyString('Caller-chosen id.', { maxLength: 128 })),
      questions: Type.Array(QuestionItem, { minItems: 1, maxItems: 3, description: 'The questions.' }),
      agentId: Type.Optional(NonEmptyString('Agent.')),
      sessionKey: Type.Optional(NonEmptyString('Session.')),
      runId: Type.Optional(NonEmptyString('Run.')),
      timeoutMs: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 86_400_000, description: 'Lapses after (default 10 min).' }),
      ),
    },
    { $id: 'QuestionRequestParams', description: 'The questions.' },
  ),
  result: Strict(
    { id: NonEmptyString('Question id.'), expiresAtMs: TimestampMs('Lapses.') },
    { $id: 'QuestionRequestResult', description: 'Asked.' },
  ),
  scope: 'operator.questions',
  sideEffect: false,
});

export const questionWaitAnswer = defineMethod({
  name: 'question.waitAnswer',
  description: 'Wait for the answer (or the timeout: status pending).',
  params: Strict(
    {
      id: NonEmptyString('Question id.'),
      timeoutMs: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 600_000, description: 'Longest wait (default 30 s).' }),
      ),
    },
    { $id: 'QuestionWaitAnswerParams', description: 'Which.' },
  ),
  result: Strict(
    { status: QuestionStatus, answers: Type.Optional(QuestionAnswers) },
    { $id: 'QuestionWaitAnswerResult', description: 'The answer, or where it stands.' },
  ),
  scope: 'operator.questions',
  sideEffect: false,
});

export const questionResolve = defineMethod({
  name: 'question.resolve',
  description: 'Answer a pending question, or cancel it.',
  params: Strict(
    {
      id: NonEmptyString('Question id.'),
      answers: Type.Optional(QuestionAnswers),
      cancel: Type.Optional(Type.Literal(true, { description: 'Cancel instead of answering.' })),
    },
    { $id: 'QuestionResolveParams', description: 'The answers (or cancel).' },
  ),
  result: Strict(
    {
      status: Type.Union([Type.Literal('answered'), Type.Literal('cancelled')], { description: 'Outcome.' }),
      answers: Type.Optional(QuestionAnswers),
    },
    { $id: 'QuestionResolveResult', description: 'Resolved.' },
  ),
  scope: 'operator.questions',
  sideEffect: false,
});

export const questionGet = defineMethod({
  name: 'question.get',
  description: 'One question (pending or recently resolved).',
  params: Strict({ id: NonEmptyString('Question id.') }, { $id: 'QuestionGetParams', description: 'Which.' }),
  result: Strict({ question: QuestionRecord }, { $id: 'QuestionGetResult', description: 'The question.' }),
  scope: 'operator.questions',
  sideEffect: false,
});

export const questionList = defineMethod({
  name: 'question.list',
  description: 'Pending questions, oldest first.',
  params: Strict({}, { $id: 'QuestionListParams', description: 'No params.' }),
  result: Strict(
    { questions: Type.Array(QuestionRecord, { description: 'Pending questions.' }) },
    { $id: 'QuestionListResult', description: 'Pending questions.' },
  ),
  scope: 'operator.questions',
  sideEffect: false,
});

export const QuestionResolvedEvent = Strict(
  {
    id: NonEmptyString('Question id.'),
    status: Type.Union([Type.Literal('answered'), Type.Literal('cancelled'), Type.Literal('expired')], {
      description: 'How it ended.',
    }),
    answers: Type.Optional(QuestionAnswers),
  },
  { $id: 'QuestionResolvedEvent', description: 'A question was answered, cancelled or lapsed.' },
);

export const questionsMethods = [
  questionRequest,
  questionWaitAnswer,
  questionResolve,
  questionGet,
  questionList,
] as const;

export type QuestionItem = Static<typeof QuestionItem>;
export type QuestionAnswers = Static<typeof QuestionAnswers>;
export type QuestionRecord = Static<typeof QuestionRecord>;
export type QuestionStatus = Static<typeof QuestionStatus>;
export type QuestionResolvedEvent = Static<typeof QuestionResolvedEvent>;
