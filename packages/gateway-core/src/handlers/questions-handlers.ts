import type { questionsMethods } from '@openclaw/protocol';
import type { QuestionService } from '../questions/question-service.ts';
import type { FamilyHandlers } from '../router/router.ts';

export interface QuestionsDeps {
  questions: QuestionService;
}

/** question.*: put questions to the operators and collect their answers. */
export function createQuestionsHandlers({
  questions,
}: QuestionsDeps): FamilyHandlers<typeof questionsMethods> {
  return {
    'question.request': (p) => {
      const r = questions.request(p);
      return { id: r.id, expiresAtMs: r.expiresAtMs };
    },
    'question.waitAnswer': ({ id, timeoutMs }) => questions.wait(id, timeoutMs ?? 30_000),
    'question.resolve': ({ id, answers, cancel }, ctx) => {
      const r = questions.resolve(id, ctx.caller.id, answers, cancel === true);
      return r.status === 'answered' && r.answers
        ? { status: 'answered' as const, answers: r.answers }
        : { status: 'cancelled' as const };
    },
    'question.get': ({ id }) => ({ question: questions.get(id) }),
    'question.list': () => ({ questions: questions.list() }),
  };
}
