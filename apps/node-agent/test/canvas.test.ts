import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayRequestError } from '@openclaw/protocol';
import { eventually } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { needs, requirement } from '../../../tooling/vitest/requirements.ts';
import { startWorld } from './harness.ts';

const CHROMIUM = requirement('chromium').path ?? '/usr/bin/chromium';

describe('node-agent canvas commands on a real Chromium', needs('chromium'), () => {
  it('grows its capabilities with a new approval, presents the canvas, snapshots a PNG and renders A2UI', async () => {
    await using w = await startWorld();
    const op = await w.operator();
    // First without a browser: only system.* is declared and approved.
    const first = await w.agent({ args: ['--no-canvas'] });
    await first.waitFor(/connected/);
    const p1 = await eventually(async () => (await op.request('node.pair.list')).pending[0]);
    expect(p1.newCommands.some((c) => c.startsWith('canvas.'))).toBe(false);
    await op.request('node.pair.approve', { requestId: p1.requestId });
    await first.stop();

    // Back with a browser: the canvas commands wait for their own approval.
    const second = await w.agent({ stateDir: first.stateDir, args: ['--chromium', CHROMIUM] });
    await second.waitFor(/connected/);
    const p2 = await eventually(async () => (await op.request('node.pair.list')).pending[0]);
    expect(p2.isRepair).toBe(true);
    expect(p2.newCommands).toEqual([
      'canvas.a2ui.push',
      'canvas.a2ui.reset',
      'canvas.eval',
      'canvas.navigate',
      'canvas.present',
      'canvas.snapshot',
    ]);
    const nodeId = p2.nodeId;
    const early = (await op
      .request('node.invoke', { nodeId, command: 'canvas.snapshot' })
      .catch((e: unknown) => e)) as GatewayRequestError;
    expect(early.detailCode).toBe('NODE_COMMAND_NOT_ALLOWED');
    await op.request('node.pair.approve', { requestId: p2.requestId });

    const canvasDir = join(w.dir, 'gateway', 'canvas');
    await mkdir(canvasDir, { recursive: true });
    await writeFile(
      join(canvasDir, 'hello.html'),
      '<!doctype html><html><head><title>Hello canvas</title></head><body><p id="p">from the canvas folder</p></body></html>',
    );
    const present = await op.request('node.invoke', {
      nodeId,
      command: 'canvas.present',
      params: { path: 'hello.html' },
      timeoutMs: 60_000,
    });
    expect(present.ok).toBe(true);
    expect(present.payload).toMatchObject({ status: 200, title: 'Hello canvas' });
    const text = await op.request('node.invoke', {
      nodeId,
      command: 'canvas.eval',
      params: { script: 'document.querySelector("#p").textContent' },
    });
    expect(text.payload).toEqual({ value: 'from the canvas folder' });

    const shot = await op.request('node.invoke', { nodeId, command: 'canvas.snapshot' });
    const png = Buffer.from((shot.payload as { base64: string }).base64, 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(1000);

    const pushed = await op.request('node.invoke', {
      nodeId,
      command: 'canvas.a2ui.push',
      timeoutMs: 60_000,
      params: {
        messages: [
          {
            version: 'v0.9',
            createSurface: {
              surfaceId: 'card',
              catalogId: 'https://a2ui.org/specification/v0_9/catalogs/basic/catalog.json',
            },
          },
          {
            version: 'v0.9',
            updateComponents: {
              surfaceId: 'card',
              components: [{ id: 'root', component: 'Text', text: 'Pushed through node.invoke' }],
            },
          },
        ],
      },
    });
    expect(pushed.payload).toEqual({ surfaces: ['card'] });
    const visible = await op.request('node.invoke', {
      nodeId,
      command: 'canvas.eval',
      // A2UI components render into shadow roots: collect text through them.
      params: {
        script:
          'new Promise((r) => setTimeout(() => { const walk = (n) => { let t = ""; if (n.shadowRoot) t += walk(n.shadowRoot); for (const c of n.childNodes) t += c.nodeType === 3 ? c.textContent : walk(c); return t; }; r(walk(document.body)); }, 300))',
      },
    });
    expect((visible.payload as { value: string }).value).toContain('Pushed through node.invoke');
    const reset = await op.request('node.invoke', { nodeId, command: 'canvas.a2ui.reset' });
    expect(reset.payload).toEqual({ surfaces: [] });
  });
});
