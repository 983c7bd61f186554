/** Where a provider's tool results carry pictures: in the tool message, or in a user message after it. */
export type ToolResultImages = 'inline' | 'user-message';

/**
 * Where a provider's tool results carry pictures. `@ai-sdk/openai`'s chat model turns a
 * multi-part result into one JSON string, so there the bytes would reach the model as base64 text,
 * never as a picture (OpenAI's chat API takes text only in `tool` messages): always a user
 * message. Elsewhere the provider's setting (`toolResultImages`), by default inline: Anthropic's
 * tool results take image blocks, and `@ai-sdk/openai-compatible` sends multi-part tool content
 * (the registry turns `supportsMultiPartToolContent` on), which servers extending the spec take.
 */
export function toolResultImagesOf(
  api: string | undefined,
  setting?: ToolResultImages | undefined,
): ToolResultImages {
  return api === 'openai' ? 'user-message' : (setting ?? 'inline');
}
