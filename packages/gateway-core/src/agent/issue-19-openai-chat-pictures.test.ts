// A picture a tool call took reaches a model behind OpenAI's chat API, whose tool messages take
// text only: the request the (fake) server receives carries it as an image part of a user message
// right after the tool results. Providers whose tool messages take pictures keep them there.
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { parseConfig } from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi } from '@openclaw/test-fakes';
import type { ModelMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryTurn } from '../sessions/responder.ts';
import { streamModel } from './model-call.ts';
import { modelMessagesOf } from './model-messages.ts';
import { ModelRegistry, type ResolvedModel } from './model-registry.ts';
import { messagesFor, picturesAfterResults } from './pictures-after-results.ts';
import { toolOutputOf } from './tool-output.ts';

const PNG = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
const DATA_URL = `data:image/png;base64,${Buffer.from(PNG).toString('base64')}`;
const SNAPSHOT = { format: 'png', width: 4, height: 2, bytes: PNG.length, mediaId: 'm1' };

const fakes: FakeOpenAi[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

interface Provider {
  api: 'openai' | 'openai-compatible';
  model(baseURL: string): LanguageModelV4;
}

/** As the model registry builds them: OpenAI's chat model, and an OpenAI-compatible server's. */
const openaiChat: Provider = {
  api: 'openai',
  model: (baseURL) => createOpenAI({ baseURL, apiKey: 'sk-test' }).chat('gpt-test'),
};
const compatible: Provider = {
  api: 'openai-compatible',
  model: (baseURL) =>
    createOpenAICompatible({ name: 'local', baseURL, supportsMultiPartToolContent: true }).chatModel('m'),
};

/** The request body the fake server received for one call with these messages (as the tool loop sends them). */
async function requestFor(provider: Provider, messages: ModelMessage[]): Promise<ChatRequest> {
  return bodyOf(async (baseURL) => ({ model: provider.model(baseURL), api: provider.api }), messages);
}

type Target = Pick<ResolvedModel, 'api' | 'toolResultImages'> & { model: LanguageModelV4 };

/**
 * The request body a fake server received for one call, the model built for the fake's address,
 * with the messages as the tool loop sends them to it.
 */
async function bodyOf(
  build: (baseURL: string) => Promise<Target>,
  messages: ModelMessage[],
): Promise<ChatRequest> {
  const fake = await FakeOpenAi.start({ script: () => ({ text: ['ok'] }) });
  fakes.push(fake);
  const target = await build(fake.baseUrl);
  const parts = streamModel({
    model: target.model,
    messages: messagesFor(target, messages),
    tools: [],
    signal: new AbortController().signal,
  });
  for await (const p of parts) if (p.type === 'error') throw p.error;
  return fake.requests[0]!;
}

/** The snapshot step's request: the tool message keeps the result's facts as text, the picture follows it. */
function expectPictureAfterResult(req: ChatRequest): void {
  expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
  const tool = req.messages[2]!;
  expect(tool.tool_call_id).toBe('call_snap');
  expect(typeof tool.content).toBe('string');
  expect(JSON.parse(tool.content as string)).toEqual(SNAPSHOT);
  expect(req.messages[3]!.content).toEqual([
    { type: 'text', text: 'The picture from the canvas tool call call_snap:' },
    { type: 'image_url', image_url: { url: DATA_URL } },
  ]);
}

/** A turn that asked for a snapshot, and the canvas call's result with its picture. */
function snapshotStep(): ModelMessage[] {
  return [
    { role: 'user', content: 'show me the canvas' },
    {
      role: 'assistant',
      content: [
        { type: 'tool-call', toolCallId: 'call_snap', toolName: 'canvas', input: { action: 'snapshot' } },
      ],
    },
    {
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'call_snap',
          toolName: 'canvas',
          output: toolOutputOf({
            result: SNAPSHOT,
            isError: false,
            images: [{ mediaType: 'image/png', data: PNG }],
          }),
        },
      ],
    },
  ];
}

describe("pictures on OpenAI's chat API (issue 19)", () => {
  it('the picture follows the tool result as an image part of a user message', async () => {
    expectPictureAfterResult(await requestFor(openaiChat, snapshotStep()));
  });

  it('the pictures of several calls in a step go in one message, each after the call it came from', async () => {
    const step = snapshotStep();
    const calls = step[1] as Extract<ModelMessage, { role: 'assistant' }>;
    (calls.content as unknown[]).push(
      { type: 'tool-call', toolCallId: 'call_cam', toolName: 'nodes', input: { action: 'invoke' } },
      { type: 'tool-call', toolCallId: 'call_list', toolName: 'nodes', input: { action: 'list' } },
    );
    const results = step[2] as Extract<ModelMessage, { role: 'tool' }>;
    results.content.push(
      {
        type: 'tool-result',
        toolCallId: 'call_cam',
        toolName: 'nodes',
        output: toolOutputOf({
          result: { shots: 2 },
          isError: false,
          images: [
            { mediaType: 'image/jpeg', data: PNG },
            { mediaType: 'image/png', data: PNG },
          ],
        }),
      },
      {
        type: 'tool-result',
        toolCallId: 'call_list',
        toolName: 'nodes',
        output: { type: 'json', value: [] },
      },
    );
    const req = await requestFor(openaiChat, step);
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'tool', 'user']);
    expect(req.messages[3]!.content).toBe('{"shots":2}');
    expect(req.messages[4]!.content).toBe('[]');
    const jpegUrl = `data:image/jpeg;base64,${Buffer.from(PNG).toString('base64')}`;
    expect(req.messages[5]!.content).toEqual([
      { type: 'text', text: 'The picture from the canvas tool call call_snap:' },
      { type: 'image_url', image_url: { url: DATA_URL } },
      { type: 'text', text: 'The 2 pictures from the nodes tool call call_cam:' },
      { type: 'image_url', image_url: { url: jpegUrl } },
      { type: 'image_url', image_url: { url: DATA_URL } },
    ]);
  });

  it('a resumed turn shows the picture read back from the media store the same way', async () => {
    // The stored steps of a turn cut off after its snapshot, and the picture resumedImages read back.
    const steps: HistoryTurn[] = [
      {
        role: 'assistant',
        text: '',
        toolCalls: [{ id: 'call_snap', name: 'canvas', args: { action: 'snapshot' } }],
      },
      {
        role: 'toolResult',
        text: JSON.stringify(SNAPSHOT),
        toolCallId: 'call_snap',
        toolName: 'canvas',
        isError: false,
      },
    ];
    const shown = new Map([['call_snap', [{ mediaType: 'image/png', data: PNG }]]]);
    const resumed = await requestFor(openaiChat, [
      { role: 'user', content: 'show me the canvas' },
      ...modelMessagesOf(steps, shown),
    ]);
    expect(resumed.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(resumed.messages[3]!.content).toContainEqual({ type: 'image_url', image_url: { url: DATA_URL } });
    // Exactly what the turn had sent before it was cut off.
    const live = await requestFor(openaiChat, snapshotStep());
    expect(resumed.messages).toEqual(live.messages);
  });

  it('an OpenAI-compatible server gets the picture inside the tool message, with no extra message', async () => {
    const req = await requestFor(compatible, snapshotStep());
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(req.messages[2]!.content).toEqual([
      { type: 'text', text: JSON.stringify(SNAPSHOT) },
      { type: 'image_url', image_url: { url: DATA_URL } },
    ]);
  });

  it('a step without pictures goes unchanged', () => {
    const messages: ModelMessage[] = [
      { role: 'user', content: 'hi' },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c',
            toolName: 'nodes',
            output: { type: 'json', value: { a: 1 } },
          },
        ],
      },
    ];
    expect(picturesAfterResults(messages)).toEqual(messages);
  });
});

// Where an OpenAI-compatible server gets the pictures, as its provider's `toolResultImages` says:
// inside the tool message (the default: servers extending the spec take them there), or, for
// servers that keep to the chat-completions spec, as a user message right after the step's tool
// results. Checked for models the registry builds from the config.
/**
 * The request the fake server received for `ref` (the registry resolving it from `agent`), with
 * the messages as the tool loop sends them to that model.
 */
async function requestForRef(
  ref: string,
  agent: (baseUrl: string) => Record<string, unknown>,
): Promise<{ req: ChatRequest; mode: string | undefined }> {
  let mode: string | undefined;
  const req = await bodyOf(async (baseUrl) => {
    const config = parseConfig({ agent: agent(baseUrl) });
    const registry = new ModelRegistry({ config: () => config.agent, env: { OC_TEST_KEY: 'sk-test' } });
    const target = await registry.resolve(ref);
    mode = target.toolResultImages;
    return { ...target, model: target.model! };
  }, snapshotStep());
  return { req, mode };
}

describe('toolResultImages per provider (issue 19)', () => {
  it('a provider set to user-message gets the picture after the tool result, the tool message text only', async () => {
    const { req, mode } = await requestForRef('strict/m', (baseUrl) => ({
      providers: { strict: { api: 'openai-compatible', baseUrl, toolResultImages: 'user-message' } },
    }));
    expect(mode).toBe('user-message');
    expectPictureAfterResult(req);
  });

  it('the built-in openai-compatible provider takes the setting from agent.openai', async () => {
    const { req } = await requestForRef('openai-compatible/m', (baseUrl) => ({
      backend: 'openai-compatible',
      openai: { baseUrl, model: 'm', toolResultImages: 'user-message' },
    }));
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(req.messages[3]!.content).toContainEqual({ type: 'image_url', image_url: { url: DATA_URL } });
  });

  it('by default an OpenAI-compatible server gets the picture inside the tool message', async () => {
    const { req, mode } = await requestForRef('local/m', (baseUrl) => ({
      providers: { local: { api: 'openai-compatible', baseUrl } },
    }));
    expect(mode).toBe('inline');
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(req.messages[2]!.content).toEqual([
      { type: 'text', text: JSON.stringify(SNAPSHOT) },
      { type: 'image_url', image_url: { url: DATA_URL } },
    ]);
  });

  it("OpenAI's own API always gets a user message, whatever the setting says", async () => {
    const { req, mode } = await requestForRef('oa/gpt-test', (baseUrl) => ({
      providers: { oa: { api: 'openai', baseUrl, apiKeyEnv: 'OC_TEST_KEY', toolResultImages: 'inline' } },
    }));
    expect(mode).toBe('user-message');
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
  });

  it('any other value is refused by the config', () => {
    expect(() =>
      parseConfig({ agent: { providers: { x: { api: 'openai-compatible', toolResultImages: 'both' } } } }),
    ).toThrow(/toolResultImages/);
  });
});
