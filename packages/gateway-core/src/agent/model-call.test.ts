import { describe, expect, it } from 'vitest';
import { providerPrompt } from './model-call.ts';

describe('providerPrompt', () => {
  it('puts the system prompt first and every message in the provider layout', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const prompt = providerPrompt('be brief', [
      { role: 'user', content: 'hi' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'this photo' },
          { type: 'image', image: png, mediaType: 'image/png' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'looking' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'canvas', input: { action: 'snapshot' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            toolName: 'canvas',
            output: {
              type: 'content',
              value: [
                { type: 'text', text: '{"bytes":4}' },
                { type: 'file', mediaType: 'image/png', data: { type: 'data', data: png } },
              ],
            },
          },
        ],
      },
      { role: 'assistant', content: 'done' },
    ]);
    expect(prompt).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'this photo' },
          { type: 'file', mediaType: 'image/png', data: { type: 'data', data: png } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'looking' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'canvas', input: { action: 'snapshot' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'c1',
            toolName: 'canvas',
            output: {
              type: 'content',
              value: [
                { type: 'text', text: '{"bytes":4}' },
                { type: 'file', mediaType: 'image/png', data: { type: 'data', data: png } },
              ],
            },
          },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
    ]);
  });

  it('without a system prompt starts with the first message', () => {
    expect(providerPrompt(undefined, [{ role: 'user', content: 'x' }])).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'x' }] },
    ]);
  });
});
