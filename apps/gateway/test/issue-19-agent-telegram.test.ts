// A Telegram DM asks for the canvas: the agent (a fake OpenAI-compatible model scripting tool
// calls) presents a page and snapshots it on a real node-agent in Chromium, tells the chat it is
// working through the message tool (after an acknowledgement reaction, with typing shown), and the reply with the snapshot's description arrives on
// Telegram with the snapshot itself. The model is a vision model reached through OpenAI's chat API
// (whose tool messages take text only), so the snapshot reaches it as an image in a user message
// after the tool result, a message the session's history never shows. Every part is a real
// process or a wire-level fake.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChatRequest, messageText, type ScriptedTurn } from '@openclaw/test-fakes';
import {
  type CleanupList,
  channelSessionKey,
  eventually,
  runCleanup,
  spawnNodeAgent,
  telegramAgentGateway,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { needs, requirement } from '../../../tooling/vitest/requirements.ts';

const CHROMIUM = requirement('chromium').path ?? '/usr/bin/chromium';

describe('the agent on a Telegram DM (issue 19)', needs('chromium'), () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it('asked for the canvas, it presents and snapshots it on a real node and answers on Telegram', async () => {
    const steps: NonNullable<ScriptedTurn['toolCalls']>[] = [
      [{ name: 'message', arguments: { action: 'send', text: 'Looking at the canvas…' } }],
      [{ name: 'canvas', arguments: { action: 'present', path: 'hello.html' } }],
      [{ name: 'canvas', arguments: { action: 'snapshot' } }],
    ];
    const script = (req: ChatRequest): ScriptedTurn => {
      const results = req.messages
        .filter((m) => m.role === 'tool')
        .map((m) => JSON.parse(messageText(m) || 'null'));
      const next = steps[results.length];
      if (next) return { toolCalls: next };
      const title = results[1].result.title as string;
      const shot = results[2].result as { width: number; height: number; bytes: number };
      return {
        text: [`The canvas shows "${title}" `, `(${shot.width}x${shot.height}, ${shot.bytes} bytes of PNG).`],
      };
    };
    const { llm, tg, stateDir, token, gw, op } = await telegramAgentGateway(cleanup, {
      model: { script },
      agent: { openai: { vision: true }, ackReaction: '👀' },
      prepare: async (dir) => {
        await mkdir(join(dir, 'canvas'), { recursive: true });
        await writeFile(
          join(dir, 'canvas', 'hello.html'),
          '<!doctype html><html><head><title>Hello canvas</title></head><body><h1>a drawing</h1></body></html>',
        );
        // The agent's own system prompt, from the state dir.
        await mkdir(join(dir, 'agents', 'main'), { recursive: true });
        await writeFile(join(dir, 'agents', 'main', 'SYSTEM.md'), 'You draw on the canvas for people.\n');
      },
    });

    const nodeDir = await mkdtemp(join(stateDir, 'node-'));
    const node = spawnNodeAgent({ url: gw.url, stateDir: nodeDir, token, args: ['--chromium', CHROMIUM] });
    cleanup.push(() => node.stop('SIGKILL'));
    await node.waitFor(/connected to .* as node/);
    const pending = await eventually(async () => (await op.request('node.pair.list')).pending[0]);
    await op.request('node.pair.approve', { requestId: pending.requestId });

    const asked = await tg.pushMessage({
      chatId: 902,
      from: { id: 902, first_name: 'Ann' },
      text: 'send me a picture of the canvas',
    });
    await tg.waitForSent(2, 90_000);
    const sent = tg.sentTexts('902');
    // The message that started the turn got the acknowledgement reaction; typing was shown.
    expect(tg.reactions).toContainEqual({
      chatId: '902',
      messageId: (asked.message as { message_id: number }).message_id,
      emoji: ['👀'],
    });
    expect(tg.chatActions).toContainEqual({ chatId: '902', action: 'typing' });
    expect(sent[0]).toBe('Looking at the canvas…');
    expect(sent[1]).toMatch(/^The canvas shows "Hello canvas" \(\d+x\d+, \d+ bytes of PNG\)\.$/);
    const bytes = Number(/, (\d+) bytes/.exec(sent[1] ?? '')?.[1]);
    expect(bytes).toBeGreaterThan(1000);
    // The snapshot itself goes out with the answer: the same PNG the node took.
    const photo = tg.sent.find((x) => x.chatId === '902' && x.method === 'sendPhoto');
    expect(photo?.caption).toBe(sent[1]);
    expect(photo?.file?.size).toBe(bytes);
    expect(photo?.file?.data.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(llm.requests[0]!.messages[0]).toEqual({
      role: 'system',
      content: 'You draw on the canvas for people.',
    });
    // The model saw the snapshot: after the snapshot's tool result (text only on this API), a user
    // message carries the same PNG as an image part.
    const last = llm.requests.at(-1)!.messages;
    const shotAt = last.findLastIndex((m) => m.role === 'tool');
    expect(JSON.parse(messageText(last[shotAt]!)).result.bytes).toBe(bytes);
    expect(last[shotAt + 1]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: `The picture from the canvas tool call ${last[shotAt]!.tool_call_id}:` },
        {
          type: 'image_url',
          image_url: { url: `data:image/png;base64,${photo!.file!.data.toString('base64')}` },
        },
      ],
    });
    // The session shows the turn's tool steps.
    const sessionKey = await channelSessionKey(op, 'telegram');
    expect(sessionKey).toBeDefined();
    await eventually(
      async () => (await op.request('chat.history', { sessionKey: sessionKey! })).messages.length === 8,
    );
    const history = await op.request('chat.history', { sessionKey: sessionKey! });
    // The picture's user message was the model's only: the history has the one user message.
    expect(history.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'toolResult',
      'assistant',
      'toolResult',
      'assistant',
      'toolResult',
      'assistant',
    ]);
  }, 120_000);
});
