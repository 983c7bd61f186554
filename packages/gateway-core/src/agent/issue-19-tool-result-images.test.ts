// Where an OpenAI-compatible server gets the pictures a tool call took, as its provider's
// `toolResultImages` says: inside the tool message (the default: servers extending the spec take
// them there), or — for servers that keep to the chat-completions spec, which allows text only in
// tool messages — as a user message right after the step's tool results. Checked on the request
// body the fake server receives, for models the registry builds from the config.
import { parseConfig } from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi } from '@openclaw/test-fakes';
import type { ModelMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { streamModel } from './model-call.ts';
import { ModelRegistry } from './model-registry.ts';
import { picturesAfterResults, toolResultsCarryPictures } from './pictures-after-results.ts';
import { toolOutputOf } from './tool-output.ts';

const PNG = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
const DATA_URL = `data:image/png;base64,${Buffer.from(PNG).toString('base64')}`;
const SNAPSHOT = { format: 'png', width: 4, height: 2, bytes: PNG.length, mediaId: 'm1' };

const fakes: FakeOpenAi[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

/** A turn that asked for a snapshot, and the canvas call's result with its picture. */
const snapshotStep = (): ModelMessage[] => [
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

/**
 * The request the fake server received for `ref` (the registry resolving it from `agent`), with
 * the messages as the tool loop sends them to that model.
 */
async function requestFor(
  ref: string,
  agent: (baseUrl: string) => Record<string, unknown>,
): Promise<{ req: ChatRequest; mode: string | undefined }> {
  const fake = await FakeOpenAi.start({ script: () => ({ text: ['ok'] }) });
  fakes.push(fake);
  const config = parseConfig({ agent: agent(fake.baseUrl) });
  const registry = new ModelRegistry({ config: () => config.agent, env: { OC_TEST_KEY: 'sk-test' } });
  const target = await registry.resolve(ref);
  const messages = snapshotStep();
  const parts = streamModel({
    model: target.model!,
    messages: toolResultsCarryPictures(target.api, target.toolResultImages)
      ? messages
      : picturesAfterResults(messages),
    tools: [],
    signal: new AbortController().signal,
  });
  for await (const p of parts) if (p.type === 'error') throw p.error;
  return { req: fake.requests[0]!, mode: target.toolResultImages };
}

describe('toolResultImages per provider (issue 19)', () => {
  it('a provider set to user-message gets the picture after the tool result, the tool message text only', async () => {
    const { req, mode } = await requestFor('strict/m', (baseUrl) => ({
      providers: { strict: { api: 'openai-compatible', baseUrl, toolResultImages: 'user-message' } },
    }));
    expect(mode).toBe('user-message');
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    const tool = req.messages[2]!;
    expect(tool.tool_call_id).toBe('call_snap');
    expect(typeof tool.content).toBe('string');
    expect(JSON.parse(tool.content as string)).toEqual(SNAPSHOT);
    expect(req.messages[3]!.content).toEqual([
      { type: 'text', text: 'The picture from the canvas tool call call_snap:' },
      { type: 'image_url', image_url: { url: DATA_URL } },
    ]);
  });

  it('the built-in openai-compatible provider takes the setting from agent.openai', async () => {
    const { req } = await requestFor('openai-compatible/m', (baseUrl) => ({
      backend: 'openai-compatible',
      openai: { baseUrl, model: 'm', toolResultImages: 'user-message' },
    }));
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(req.messages[3]!.content).toContainEqual({ type: 'image_url', image_url: { url: DATA_URL } });
  });

  it('by default an OpenAI-compatible server gets the picture inside the tool message', async () => {
    const { req, mode } = await requestFor('local/m', (baseUrl) => ({
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
    const { req, mode } = await requestFor('oa/gpt-test', (baseUrl) => ({
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
