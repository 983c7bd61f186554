import type { QuestionRecord } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { choiceName, otherName, readAnswers, takesText } from './question-answers.ts';

const q: QuestionRecord = {
  id: 'q1',
  createdAtMs: 1,
  expiresAtMs: 2,
  status: 'pending',
  questions: [
    {
      questionId: 'env',
      header: 'Target',
      question: 'Where?',
      options: [{ label: 'staging' }, { label: 'prod' }],
    },
    {
      questionId: 'checks',
      header: 'Checks',
      question: 'Which?',
      options: [{ label: 'lint' }, { label: 'tests' }],
      multiSelect: true,
      isOther: true,
    },
    { questionId: 'note', header: 'Note', question: 'Anything else?', options: [] },
  ],
};

const form = (values: Record<string, string[]>) => (name: string) => values[name] ?? [];

describe('question answers', () => {
  it('collects the options picked and the text typed, per question', () => {
    const r = readAnswers(
      q,
      form({
        [choiceName(q, 'env')]: ['prod'],
        [choiceName(q, 'checks')]: ['lint', 'tests'],
        [otherName(q, 'checks')]: ['  e2e '],
        [otherName(q, 'note')]: ['ship it'],
      }),
    );
    expect(r).toEqual({
      ok: true,
      answers: { answers: { env: ['prod'], checks: ['lint', 'tests', 'e2e'], note: ['ship it'] } },
    });
  });

  it('names every question left unanswered, and takes no label the question does not offer', () => {
    const r = readAnswers(
      q,
      form({ [choiceName(q, 'env')]: ['everywhere'], [otherName(q, 'note')]: ['  '] }),
    );
    expect(r).toEqual({ ok: false, missing: ['Target', 'Checks', 'Note'] });
  });

  it('one choice for a single-select question', () => {
    const r = readAnswers(
      { ...q, questions: [q.questions[0]!] },
      form({ [choiceName(q, 'env')]: ['staging', 'prod'] }),
    );
    expect(r).toEqual({ ok: true, answers: { answers: { env: ['staging'] } } });
  });

  it('text is asked for when there are no options or another answer is allowed', () => {
    expect(q.questions.map(takesText)).toEqual([false, true, true]);
  });
});
