import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSilentLogger } from '../logging/logger.ts';
import { ChatActionError, ChatActions } from './chat-actions.ts';
import type { ChannelAdapter, ChannelCapabilities } from './sdk/types.ts';

const caps = (typing: boolean, reactions: boolean): ChannelCapabilities => ({
  chatKinds: ['direct'],
  text: { max: 100, unit: 'utf16', markdown: 'none' },
  media: { inbound: false, outbound: false },
  typing,
  reactions,
  threads: false,
  mentionDetection: false,
});

function adapter(extra: Partial<ChannelAdapter>, typing = true, reactions = true) {
  const calls: string[] = [];
  const a: ChannelAdapter = {
    capabilities: caps(typing, reactions),
    start: async () => {},
    stop: async () => {},
    send: async () => ({ ids: [], at: 0 }),
    setTyping: async (chat, on) => {
      calls.push(`typing ${chat} ${on}`);
    },
    ...extra,
  };
  return { a, calls };
}

const t = { channel: 'x', accountId: 'default', chatId: 'c1' };

describe('ChatActions', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('typing: on at once, renewed until the last turn in the chat ends, then off', async () => {
    vi.useFakeTimers();
    const { a, calls } = adapter({});
    const actions = new ChatActions({ adapter: () => a, log: createSilentLogger(), typingRenewMs: 1000 });
    actions.typing(t, true);
    actions.typing(t, true); // a second turn in the same chat
    await vi.advanceTimersByTimeAsync(2500);
    expect(calls).toEqual(['typing c1 true', 'typing c1 true', 'typing c1 true']);
    actions.typing(t, false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.at(-1)).toBe('typing c1 true'); // still one turn going
    actions.typing(t, false);
    expect(calls.at(-1)).toBe('typing c1 false');
    const n = calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(n);
    actions.close();
  });

  it('a platform without typing gets no calls; a failing indicator never throws', async () => {
    const none = adapter({}, false);
    const quiet = new ChatActions({ adapter: () => none.a, log: createSilentLogger() });
    quiet.typing(t, true);
    quiet.typing(t, false);
    expect(none.calls).toEqual([]);
    const failing = adapter({ setTyping: async () => Promise.reject(new Error('down')) });
    const actions = new ChatActions({ adapter: () => failing.a, log: createSilentLogger() });
    expect(() => actions.typing(t, true)).not.toThrow();
    actions.typing(t, false);
    actions.close();
  });

  it('react, edit and delete go to the adapter, or refuse with typed codes', async () => {
    const done: string[] = [];
    const { a } = adapter({
      react: async (c, m, e) => {
        done.push(`react ${c} ${m} ${e}`);
      },
      edit: async (c, m, text) => {
        done.push(`edit ${c} ${m} ${text}`);
      },
    });
    const actions = new ChatActions({ adapter: () => a, log: createSilentLogger() });
    await actions.react(t, 'm1', '👍');
    await actions.edit(t, 'm1', 'new');
    expect(done).toEqual(['react c1 m1 👍', 'edit c1 m1 new']);
    await expect(actions.delete(t, 'm1')).rejects.toMatchObject({ code: 'ACTION_UNSUPPORTED' });
    await expect(actions.react(t, 'm1', '👍', true)).rejects.toMatchObject({ code: 'ACTION_UNSUPPORTED' });
    const off = new ChatActions({ adapter: () => undefined, log: createSilentLogger() });
    await expect(off.edit(t, 'm1', 'x')).rejects.toBeInstanceOf(ChatActionError);
    await expect(off.edit(t, 'm1', 'x')).rejects.toMatchObject({ code: 'CHANNEL_NOT_RUNNING' });
  });
});
