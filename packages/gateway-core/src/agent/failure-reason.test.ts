import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { FakeOpenAi, freePort } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientError } from '../cron/run-retry.ts';
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

  it('no reason where the error carries no provider answer: the text decides, as before', () => {
    expect(failureReasonOf(new Error('socket hang up'))).toBeUndefined();
    expect(isTransientError('socket hang up', undefined)).toBe(true);
    expect(isTransientError('invalid api key', undefined)).toBe(false);
  });
});
