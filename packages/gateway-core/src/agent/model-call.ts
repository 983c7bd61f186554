import type {
  LanguageModelV4,
  LanguageModelV4FilePart,
  LanguageModelV4FunctionTool,
  LanguageModelV4Message,
  LanguageModelV4Prompt,
  LanguageModelV4ReasoningPart,
  LanguageModelV4StreamPart,
  LanguageModelV4TextPart,
  LanguageModelV4ToolCallPart,
  LanguageModelV4ToolResultOutput,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
  SharedV4ProviderOptions,
} from '@ai-sdk/provider';
import type { ModelMessage } from 'ai';

/** What one model call streams back, as the tool loop uses it. */
export type ModelPart =
  | { type: 'text'; delta: string }
  /** Reasoning text; `meta`: what the provider needs to be shown it again (Anthropic's signature). */
  | { type: 'reasoning'; delta: string; meta?: SharedV4ProviderMetadata | undefined }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'error'; error: unknown }
  | { type: 'usage'; usage: TokenUsage };

/** The tokens one call used, as the provider reported them (what it left out counts 0). */
export interface TokenUsage {
  /** Prompt tokens not read from the provider's cache. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface ModelCall {
  model: LanguageModelV4;
  system?: string | undefined;
  messages: readonly ModelMessage[];
  tools: readonly LanguageModelV4FunctionTool[];
  temperature?: number | undefined;
  /** Provider settings of the call (its thinking level: see thinking.ts). */
  providerOptions?: SharedV4ProviderOptions | undefined;
  signal: AbortSignal;
}

/**
 * One streamed call through the provider's own stream (`doStream`: the provider builds the
 * request and parses the server's events), without `streamText`'s layers on top — step
 * stitching, tool execution, telemetry — that this gateway's tool loop does itself. Measured on
 * the agent bench, those layers cost about 1 ms of CPU per call. A failed request throws (the
 * provider's APICallError); a failure inside the stream arrives as an `error` part.
 */
export async function* streamModel(call: ModelCall): AsyncGenerator<ModelPart> {
  const { stream } = await call.model.doStream({
    prompt: providerPrompt(call.system, call.messages),
    ...(call.tools.length ? { tools: [...call.tools] } : {}),
    ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
    ...(call.providerOptions ? { providerOptions: call.providerOptions } : {}),
    abortSignal: call.signal,
  });
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const part = modelPartOf(value);
      if (part) yield part;
    }
  } finally {
    // Stopping early (an abort, an error) cancels the request instead of leaving it running.
    await reader.cancel().catch(() => {});
  }
}

function modelPartOf(p: LanguageModelV4StreamPart): ModelPart | undefined {
  switch (p.type) {
    case 'text-delta':
      return p.delta ? { type: 'text', delta: p.delta } : undefined;
    case 'reasoning-start':
    case 'reasoning-delta':
    case 'reasoning-end': {
      const delta = p.type === 'reasoning-delta' ? p.delta : '';
      return delta || p.providerMetadata ? { type: 'reasoning', delta, meta: p.providerMetadata } : undefined;
    }
    case 'tool-call':
      return {
        type: 'tool-call',
        toolCallId: p.toolCallId,
        toolName: p.toolName,
        input: parsedInput(p.input),
      };
    case 'error':
      return { type: 'error', error: p.error };
    case 'finish':
      return usageOf(p.usage);
    default:
      return undefined;
  }
}

/** The finish part's counts; none when the provider reported no usage at all. */
function usageOf(u: LanguageModelV4Usage): ModelPart | undefined {
  const { total, noCache, cacheRead = 0, cacheWrite = 0 } = u.inputTokens;
  const output = u.outputTokens.total;
  if (total === undefined && noCache === undefined && output === undefined) return undefined;
  // The SDK's input total includes cached tokens; prices separate them.
  const input = noCache ?? Math.max(0, (total ?? 0) - cacheRead - cacheWrite);
  return { type: 'usage', usage: { input, output: output ?? 0, cacheRead, cacheWrite } };
}

/** Tool input arrives as JSON text; input that does not parse is handed on as the text (the schema check refuses it). */
function parsedInput(input: string): unknown {
  if (input.trim() === '') return {};
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

/** The conversation in the provider's layout (the standardisation `streamText` does for the messages this gateway builds). */
export function providerPrompt(
  system: string | undefined,
  messages: readonly ModelMessage[],
): LanguageModelV4Prompt {
  const out: LanguageModelV4Prompt = system ? [{ role: 'system', content: system }] : [];
  for (const m of messages) out.push(providerMessage(m));
  return out;
}

function providerMessage(m: ModelMessage): LanguageModelV4Message {
  switch (m.role) {
    case 'system':
      return { role: 'system', content: m.content };
    case 'user':
      if (typeof m.content === 'string')
        return { role: 'user', content: [{ type: 'text', text: m.content }] };
      return {
        role: 'user',
        content: m.content.map((p): LanguageModelV4TextPart | LanguageModelV4FilePart => {
          if (p.type === 'text') return { type: 'text', text: p.text };
          if (p.type === 'image' && p.image instanceof Uint8Array)
            return {
              type: 'file',
              mediaType: p.mediaType ?? 'image/jpeg',
              data: { type: 'data', data: p.image },
            };
          throw new Error(`unsupported user content part: ${p.type}`);
        }),
      };
    case 'assistant':
      if (typeof m.content === 'string')
        return { role: 'assistant', content: [{ type: 'text', text: m.content }] };
      return {
        role: 'assistant',
        content: m.content.map(
          (p): LanguageModelV4TextPart | LanguageModelV4ToolCallPart | LanguageModelV4ReasoningPart => {
            if (p.type === 'text') return { type: 'text', text: p.text };
            if (p.type === 'reasoning')
              return {
                type: 'reasoning',
                text: p.text,
                ...(p.providerOptions ? { providerOptions: p.providerOptions } : {}),
              };
            if (p.type === 'tool-call')
              return { type: 'tool-call', toolCallId: p.toolCallId, toolName: p.toolName, input: p.input };
            throw new Error(`unsupported assistant content part: ${p.type}`);
          },
        ),
      };
    case 'tool':
      return {
        role: 'tool',
        content: m.content.flatMap((p) =>
          p.type === 'tool-result'
            ? [
                {
                  type: 'tool-result' as const,
                  toolCallId: p.toolCallId,
                  toolName: p.toolName,
                  output: p.output as LanguageModelV4ToolResultOutput,
                },
              ]
            : [],
        ),
      };
  }
}
