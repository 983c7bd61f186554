import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { FakeOpenAi, freePort } from '@openclaw/test-fakes';
import { streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientError } from '../cron/run-retry.ts';
import { BackendError } from './backend-error.ts';
import { failureReasonOf } from './failure-reason.ts';
import { backendErrorOf } from './model-errors.ts';
import { modelFetch } from './model-fetch.ts';

// The reason of a failed model call, read off the errors the AI SDK really throws: a fake
// OpenAI-compatible server answers each call with the status the case names (its error body in
// OpenAI's shape), or nothing listens at all. Both the SDK's own error and the BackendError the
// agent makes of it (what a run ends with) give the same reason, and the scheduler's verdict
// follows the reason, not the words of the message.
let fake: FakeOpenAi;
beforeAll(async () => {
  fake = await FakeOpenAi.start();
});
afterAll(() => fake.close());

/** What one streamed call to `baseUrl` fails with. */
async function failureOf(baseUrl: string): Promise<unknown> {
  const model = createOpenAICompatible({ name: 'fake', baseURL: baseUrl, fetch: modelFetch }).chatModel('m');
  try {
    await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
  } catch (e) {
    return e;
  }
  return expect.unreachable('the call succeeded');
}

describe('why a model call failed', () => {
  it('an HTTP answer gives the reason whatever its message says: 429, 5xx and 529 are transient; 401, 403, 400, 404 and an empty account are not', async () => {
    const cases = [
      [429, 'Rate limit reached for requests', 'rate_limit', true],
      [429, 'You exceeded your current quota: insufficient_quota', 'billing', false],
      [500, 'The server had an error while processing your request. Sorry about that!', 'server_error', true],
      [503, 'The engine is currently overloaded, please try again later', 'overloaded', true],
      [529, 'busy', 'overloaded', true],
      [504, 'upstream', 'timeout', true],
      [401, 'Incorrect API key provided (request timed out while checking it)', 'auth', false],
      [403, 'Project does not have access to model', 'auth', false],
      [400, 'Unrecognized request argument supplied: timeout', 'format', false],
      [404, 'The model `m` does not exist', 'model_not_found', false],
    ] as const;
    for (const [status, description, reason, transient] of cases) {
      fake.failNext({ status, description });
      const error = await failureOf(fake.baseUrl);
      expect(error).toMatchObject({ name: 'AI_APICallError', statusCode: status });
      const backend = backendErrorOf(error, { ref: 'fake/m', baseUrl: fake.baseUrl });
      // The verdict on what a failed run records: its message and this reason.
      expect([status, description, failureReasonOf(error), failureReasonOf(backend)]).toEqual([
        status,
        description,
        reason,
        reason,
      ]);
      expect([status, description, isTransientError(backend.message, failureReasonOf(backend))]).toEqual([
        status,
        description,
        transient,
      ]);
    }
  });

  it('a server that cannot be reached: a timeout (transient), as the reference counts network failures', async () => {
    const url = `http://127.0.0.1:${await freePort()}/v1`;
    const error = await failureOf(url);
    expect(error).toMatchObject({ name: 'AI_APICallError', isRetryable: true });
    expect((error as { statusCode?: number }).statusCode).toBeUndefined();
    expect(failureReasonOf(error)).toBe('timeout');
    const backend = backendErrorOf(error, { ref: 'fake/m', baseUrl: url });
    expect(backend.code).toBe('BACKEND_UNREACHABLE');
    expect(failureReasonOf(backend)).toBe('timeout');
  });

  it('an error event inside the stream: its code or its words give the reason, as the reference reads them', async () => {
    const cases = [
      [{ message: 'Rate limit reached for gpt-x', code: 'rate_limit_exceeded' }, 'rate_limit', true],
      [{ message: 'slow down', code: 'rate_limit_exceeded', type: 'requests' }, 'rate_limit', true],
      [{ message: 'Overloaded', type: 'overloaded_error' }, 'overloaded', true],
      [{ message: 'upstream request timed out' }, 'timeout', true],
      [{ message: 'Incorrect API key provided' }, 'auth', false],
      [{ message: 'You exceeded your current quota', code: 'insufficient_quota' }, 'billing', false],
      [
        { message: "This model's maximum context length is 8192 tokens", code: 'context_length_exceeded' },
        'context_overflow',
        false,
      ],
      [{ message: 'The model `m` does not exist' }, 'model_not_found', false],
      [{ message: 'something odd happened' }, undefined, false],
    ] as const;
    for (const [body, reason, transient] of cases) {
      fake.failMidStream(1, body);
      const error = await streamFailureOf(fake.baseUrl);
      expect(error).toMatchObject({ name: 'AI_StreamProviderError' });
      const backend = backendErrorOf(error, { ref: 'fake/m', baseUrl: fake.baseUrl });
      expect(backend.status).toBeUndefined();
      expect([body, failureReasonOf(error), failureReasonOf(backend)]).toEqual([body, reason, reason]);
      expect([body, isTransientError(backend.message, failureReasonOf(backend))]).toEqual([body, transient]);
    }
  });

  it('a connection reset in the middle of the stream: a timeout (transient)', async () => {
    fake.failMidStream(1, 'reset');
    const error = await streamFailureOf(fake.baseUrl);
    expect(error).toMatchObject({ name: 'AI_APICallError', cause: { code: 'ECONNRESET' } });
    expect(failureReasonOf(error)).toBe('timeout');
    expect(failureReasonOf(backendErrorOf(error, { ref: 'fake/m', baseUrl: fake.baseUrl }))).toBe('timeout');
  });

  it("an error without an answer: its code or words give the reason, a status's words never override it", () => {
    const reset = Object.assign(new TypeError('terminated'), { cause: { code: 'UND_ERR_SOCKET' } });
    expect(failureReasonOf(reset)).toBe('timeout');
    expect(failureReasonOf(Object.assign(new Error('read failed'), { code: 'ECONNRESET' }))).toBe('timeout');
    expect(failureReasonOf(new Error('socket hang up'))).toBe('timeout');
    expect(failureReasonOf(new Error('429 Too Many Requests'))).toBe('rate_limit');
    expect(failureReasonOf(new Error('no model configured for this agent'))).toBeUndefined();
    // A 401 saying "rate limit" is still the key; a 500 saying "invalid api key" still a server error.
    expect(failureReasonOf(new BackendError('BACKEND_AUTH', 'rate limit reached', { status: 401 }))).toBe(
      'auth',
    );
    expect(failureReasonOf(new BackendError('BACKEND_ERROR', 'invalid api key', { status: 500 }))).toBe(
      'server_error',
    );
  });
});

/** What a stream that starts well fails with, as the agent's tool loop reads it (an error part, or thrown). */
async function streamFailureOf(baseUrl: string): Promise<unknown> {
  const model = createOpenAICompatible({ name: 'fake', baseURL: baseUrl, fetch: modelFetch }).chatModel('m');
  const result = streamText({ model, prompt: 'hi', maxRetries: 0, onError: () => {} });
  try {
    for await (const part of result.fullStream) if (part.type === 'error') return part.error;
  } catch (e) {
    return e;
  }
  return expect.unreachable('the stream ended well');
}
