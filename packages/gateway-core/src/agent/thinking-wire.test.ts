// What a thinking level puts on the wire, through each AI SDK provider the registry builds: the
// request bodies real servers (the fake OpenAI-compatible one, a recording Anthropic endpoint)
// receive, and the reasoning an OpenAI-compatible server streams coming back as reasoning parts.
import { createServer } from 'node:http';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { ThinkingLevel } from '@openclaw/protocol';
import { FakeOpenAi } from '@openclaw/test-fakes';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { afterEach, describe, expect, it } from 'vitest';
import { type ModelPart, streamModel } from './model-call.ts';
import type { ResolvedModel } from './model-registry.ts';
import { thinkingOptions } from './thinking.ts';
import { runToolLoop } from './tool-loop.ts';
import type { AgentTool } from './tools/agent-tool.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function call(model: LanguageModelV4, api: ResolvedModel['api'], level: ThinkingLevel) {
  const parts: ModelPart[] = [];
  for await (const p of streamModel({
    model,
    messages: [{ role: 'user', content: 'hi' }],
    tools: [],
    providerOptions: thinkingOptions(level, api),
    signal: new AbortController().signal,
  }))
    parts.push(p);
  return parts;
}

async function fakeOpenAi(reasoning?: string[]): Promise<FakeOpenAi> {
  const fake = await FakeOpenAi.start({
    script: () => ({ ...(reasoning ? { reasoning } : {}), text: ['ok'] }),
  });
  closers.push(() => fake.close());
  return fake;
}

describe('thinking levels on the wire', () => {
  it('an OpenAI-compatible server gets reasoning_effort (none for off) and its reasoning_content comes back', async () => {
    const fake = await fakeOpenAi(['weighing ', 'it']);
    const model = createOpenAICompatible({ name: 'local', baseURL: fake.baseUrl }).chatModel('qwen');
    const parts = await call(model, 'openai-compatible', 'high');
    expect(fake.requests[0]!.reasoning_effort).toBe('high');
    expect(parts.filter((p) => p.type === 'reasoning').map((p) => (p as { delta: string }).delta)).toEqual([
      'weighing ',
      'it',
    ]);
    await call(model, 'openai-compatible', 'max');
    expect(fake.requests[1]!.reasoning_effort).toBe('high');
    await call(model, 'openai-compatible', 'off');
    expect(fake.requests[2]).not.toHaveProperty('reasoning_effort');
  });

  it("OpenAI's chat API gets reasoning_effort for its levels, xhigh included", async () => {
    const fake = await fakeOpenAi();
    const model = createOpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-test' }).chat('o4-mini');
    await call(model, 'openai', 'xhigh');
    await call(model, 'openai', 'minimal');
    expect(fake.requests.map((r) => r.reasoning_effort)).toEqual(['xhigh', 'minimal']);
  });

  it('Anthropic gets extended thinking with the budget of the level, or adaptive thinking', async () => {
    const bodies: Record<string, unknown>[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        // Only the request matters here: the call fails after it was made.
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'seen' } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const { port } = server.address() as { port: number };
    const model = createAnthropic({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'k' })(
      'claude-sonnet-4-5',
    );
    for (const level of ['medium', 'adaptive', 'off'] as const)
      await expect(call(model, 'anthropic', level)).rejects.toThrow(/seen/);
    expect(bodies[0]!.thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(bodies[1]!.thinking).toMatchObject({ type: 'adaptive' });
    expect(bodies[2]).not.toHaveProperty('thinking');
  });
});

describe('reasoning in a tool loop', () => {
  it("streams each step's reasoning, stores it with the step, and shows it to the model again within the turn", async () => {
    const fake = await FakeOpenAi.start({
      script: (req) =>
        req.messages.some((m) => m.role === 'tool')
          ? { reasoning: ['now answer'], text: ['done'] }
          : { reasoning: ['look it ', 'up'], toolCalls: [{ id: 'c1', name: 'lookup', arguments: {} }] },
    });
    closers.push(() => fake.close());
    const model = createOpenAICompatible({ name: 'local', baseURL: fake.baseUrl }).chatModel('qwen');
    const schema = Type.Object({});
    const tool: AgentTool<typeof schema> = {
      name: 'lookup',
      description: 'Looks it up.',
      schema,
      methodFor: () => 'health',
      run: async () => 'found',
    };
    const seen: [string, string][] = [];
    const steps: { text: string; reasoning?: string | undefined }[] = [];
    const result = await runToolLoop({
      candidates: ['local/qwen'],
      resolve: async () => ({
        ref: 'local/qwen',
        provider: 'local',
        modelId: 'qwen',
        api: 'openai-compatible',
        model,
      }),
      messages: [{ role: 'user', content: 'find it' }],
      tools: [{ tool, check: TypeCompiler.Compile(schema), parameters: schema }],
      maxSteps: 4,
      thinking: 'low',
      signal: new AbortController().signal,
      scopes: ['operator.read'],
      context: (toolCallId) => ({
        runId: 'r',
        sessionKey: 's',
        agentId: 'main',
        toolCallId: toolCallId,
        scopes: ['operator.read'],
        unattended: false,
        idempotencyKey: `agent:r:${toolCallId}`,
        signal: new AbortController().signal,
        attach: () => {},
      }),
      onDelta: () => {},
      onReasoning: (delta, text) => seen.push([delta, text]),
      onFailover: () => {},
      onToolStart: () => {},
      onToolUpdate: () => {},
      onToolResult: () => {},
      onStepStart: async (step) => {
        steps.push(step);
      },
      onToolDone: async () => {},
    });
    expect(result).toMatchObject({ text: 'done', reasoning: 'now answer', steps: 2 });
    expect(seen).toEqual([
      ['look it ', 'look it '],
      ['up', 'look it up'],
      ['now answer', 'now answer'],
    ]);
    expect(steps).toEqual([
      { text: '', calls: [{ id: 'c1', name: 'lookup', args: {} }], reasoning: 'look it up' },
    ]);
    expect(fake.requests.map((r) => r.reasoning_effort)).toEqual(['low', 'low']);
    // The step's reasoning went back with its tool call (as reasoning_content).
    expect(fake.requests[1]!.messages.find((m) => m.role === 'assistant')).toMatchObject({
      reasoning_content: 'look it up',
    });
  });
});
