import type { QuestionAnswers, QuestionRecord } from '@openclaw/protocol';
import { html, nothing, type TemplateResult } from 'lit';
import { ago } from '../format.ts';
import { choiceName, otherName, readAnswers, takesText } from '../state/question-answers.ts';
import { copyable } from './copy-button.ts';

export interface QuestionHandlers {
  answer(q: QuestionRecord, answers: QuestionAnswers): void;
  cancel(q: QuestionRecord): void;
  /** The form found questions without an answer (their headers), or undefined once fixed. */
  problem(q: QuestionRecord, missing: string[] | undefined): void;
}

/**
 * A question an agent or automation put to the operators (question.request), answered in place:
 * options as radio buttons (checkboxes when several may be picked), a text box when it takes
 * free text, then Answer or Dismiss.
 */
export function questionItem(
  q: QuestionRecord,
  now: number,
  on: QuestionHandlers,
  missing: readonly string[] | undefined,
): TemplateResult {
  const title = q.questions.length === 1 ? q.questions[0]!.question : `${q.questions.length} questions`;
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const r = readAnswers(q, (name) => data.getAll(name));
    if (r.ok) {
      on.problem(q, undefined);
      on.answer(q, r.answers);
    } else on.problem(q, r.missing);
  };
  const errorId = `question-${q.id}-error`;
  return html`<li data-question-id=${q.id} data-testid="question">
    <form class="question grow" @submit=${submit} aria-describedby=${errorId} novalidate
      @input=${() => missing && on.problem(q, undefined)}>
      <span class="detail">question${q.agentId ? ` from agent ${q.agentId}` : ''}${q.sessionKey ? html` about <code>${q.sessionKey}</code>` : nothing} · ${ago(q.createdAtMs, now)} · lapses ${ago(q.expiresAtMs, now)}</span>
      ${q.questions.map((item) => {
        const name = choiceName(q, item.questionId);
        return html`<fieldset>
          <legend><span class="tag">${item.header}</span> ${item.question}</legend>
          ${item.options.map(
            (o) => html`<label class="choice">
              <input type=${item.multiSelect ? 'checkbox' : 'radio'} name=${name} value=${o.label} /> ${o.label}
            </label>`,
          )}
          ${
            takesText(item)
              ? html`<label class="choice-text">${item.options.length ? 'Other' : 'Answer'}
                  <input type="text" name=${otherName(q, item.questionId)} autocomplete="off"
                    aria-label=${`${item.options.length ? 'Other answer' : 'Answer'}: ${item.question}`} /></label>`
              : nothing
          }
        </fieldset>`;
      })}
      <p id=${errorId} class="field-error" role=${missing ? 'alert' : nothing}>${
        missing ? `Answer ${missing.join(', ')} first, or dismiss the question.` : ''
      }</p>
      <span class="detail">${copyable(q.id, 'question id')}</span>
      <span class="actions">
        <button type="submit" class="primary" aria-label=${`Answer: ${title}`}>Answer</button>
        <button type="button" aria-label=${`Dismiss: ${title}`} @click=${() => on.cancel(q)}>Dismiss</button>
      </span>
    </form>
  </li>`;
}
