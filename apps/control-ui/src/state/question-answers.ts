import type { QuestionAnswers, QuestionRecord } from '@openclaw/protocol';

/** The form control names of one question's answer: the chosen options, and the typed text. */
export const choiceName = (q: QuestionRecord, questionId: string) => `${q.id}:${questionId}`;
export const otherName = (q: QuestionRecord, questionId: string) => `${q.id}:${questionId}:other`;

export type AnswersRead = { ok: true; answers: QuestionAnswers } | { ok: false; missing: string[] };

/**
 * The answers to a question record from its form's values (`FormData.getAll`): per question, the
 * options picked plus any typed text. Every question needs an answer; the ones without are named.
 */
export function readAnswers(q: QuestionRecord, getAll: (name: string) => readonly unknown[]): AnswersRead {
  const answers: QuestionAnswers['answers'] = {};
  const missing: string[] = [];
  for (const item of q.questions) {
    const allowed = new Set(item.options.map((o) => o.label));
    const picked = getAll(choiceName(q, item.questionId)).filter(
      (v): v is string => typeof v === 'string' && allowed.has(v),
    );
    const typed = getAll(otherName(q, item.questionId))
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.trim())
      .filter(Boolean);
    const given = [...(item.multiSelect ? picked : picked.slice(0, 1)), ...typed];
    if (given.length === 0) missing.push(item.header || item.questionId);
    else answers[item.questionId] = given;
  }
  return missing.length ? { ok: false, missing } : { ok: true, answers: { answers } };
}

/** Whether a question takes typed text: it has no options, or allows another answer. */
export const takesText = (item: QuestionRecord['questions'][number]) =>
  item.options.length === 0 || item.isOther === true;
