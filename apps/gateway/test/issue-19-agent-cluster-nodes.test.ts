// The agent's node tools across a cluster: two real gateway processes share a real Redis; a real
// node agent (Chromium canvas) is connected to gateway A only, and gateway B owns the Telegram
// account, so a DM's turn runs on B. Its scripted model lists the nodes (the node shows as held by
// A), presents a page and snapshots it on that node: the calls go through A, and the reply with
// the snapshot arrives on Telegram from B. A system.run there asks for one approval (on B, seen
// on both), decided on A. Another turn waits on a canvas call while A is killed:
// the tool result names the gateway that left (NODE_GATEWAY_GONE), long before the call's deadline,
// and the turn still answers.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayClient } from '@openclaw/protocol';
import { type RedisServer, startRedisServer } from '@openclaw/store-redis/testing';
import {
  type ChatRequest,
  FakeOpenAi,
  FakeTelegram,
  messageText,
  type ScriptedTurn,
  waitFor,
} from '@openclaw/test-fakes';
import {
  type CleanupList,
  channelAccount,
  connectOperator,
  eventually,
  type GatewayProcess,
  newToken,
  runCleanup,
  spawnGateway,
  spawnNodeAgent,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs, requirement } from '../../../tooling/vitest/requirements.ts';

const CHROMIUM = requirement('chromium').path ?? '/usr/bin/chromium';
const LEASE_MS = 3000;
const CHAT = 7301;

type Step = NonNullable<ScriptedTurn['toolCalls']>;

/** Turn 1 draws and snapshots; turn 2 waits on the canvas; each answers from its tool results. */
function script(req: ChatRequest): ScriptedTurn {
  const users = req.messages.filter((m) => m.role === 'user');
  const asked = messageText(users.at(-1)!);
  const since = req.messages.slice(req.messages.lastIndexOf(users.at(-1)!));
  const results = since.filter((m) => m.role === 'tool').map((m) => messageText(m));
  if (asked === 'run echo') {
    if (results.length === 0) {
      const run = { action: 'invoke', command: 'system.run', params: { argv: ['echo', 'ran on the node'] } };
      return { toolCalls: [{ name: 'nodes', arguments: run }] };
    }
    // An error result is text, not JSON: the answer quotes it.
    const out = results[0]?.startsWith('{')
      ? (JSON.parse(results[0]) as { result?: { stdout?: string } })
      : {};
    return { text: [`system.run said: ${out.result?.stdout?.trim() ?? results[0]}`] };
  }
  if (asked === 'wait on the canvas') {
    if (results.length === 0) {
      const hang = "document.title = 'waiting'; new Promise(() => {})";
      return { toolCalls: [{ name: 'canvas', arguments: { action: 'eval', script: hang } }] };
    }
    return { text: [`the canvas said: ${results[0]}`] };
  }
  const steps: Step[] = [
    [{ name: 'nodes', arguments: { action: 'list' } }],
    [{ name: 'canvas', arguments: { action: 'present', path: 'hello.html' } }],
    [{ name: 'canvas', arguments: { action: 'snapshot' } }],
  ];
  const next = steps[results.length];
  if (next) return { toolCalls: next };
  const [list, shown, shot] = results.map((r) => JSON.parse(r || 'null'));
  const node = list.nodes[0] as { connected: boolean; gatewayId?: string; commands: string[] };
  const { width, height, bytes } = shot.result as { width: number; height: number; bytes: number };
  return {
    text: [
      `held by ${node.gatewayId ?? 'this gateway'} (connected: ${node.connected}); `,
      `"${shown.result.title}" ${width}x${height}, ${bytes} bytes of PNG`,
    ],
  };
}

describe(
  'the agent reaches a node held by another gateway (issue 19)',
  needs('redis-server', 'chromium'),
  () => {
    const token = newToken();
    const cleanup: CleanupList = [];
    let redis: RedisServer;
    let llm: FakeOpenAi;
    let tg: FakeTelegram;
    let a: GatewayProcess;
    let opA: GatewayClient;
    let opB: GatewayClient;
    let nodeId: string;

    async function gateway(tag: string): Promise<GatewayProcess> {
      const stateDir = await tempStateDir();
      cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
      await mkdir(join(stateDir, 'canvas'), { recursive: true });
      await writeFile(
        join(stateDir, 'canvas', 'hello.html'),
        `<!doctype html><html><head><title>Drawn on ${tag}</title></head><body><h1>${tag}</h1></body></html>`,
      );
      await writeFile(
        join(stateDir, 'openclaw.json'),
        JSON.stringify({
          cluster: { redisUrl: redis.url, keyPrefix: 'oc-agent-nodes:', leaseTtlMs: LEASE_MS },
          agent: {
            backend: 'openai-compatible',
            openai: { baseUrl: llm.baseUrl, model: 'test-model', apiKeyEnv: 'OC_TEST_NO_KEY' },
          },
          channels: {
            telegram: {
              botToken: tg.token,
              apiRoot: await tg.apiRootVia(tag),
              dmPolicy: 'open',
              pacing: { perChatMs: 0, perAccountMs: 0 },
            },
          },
        }),
      );
      const gw = await spawnGateway({ stateDir, token });
      cleanup.push(() => gw.stop());
      return gw;
    }

    async function operator(gw: GatewayProcess): Promise<GatewayClient> {
      const op = await connectOperator(gw.url, token, { scopes: ['operator.admin'] });
      cleanup.push(() => op.close());
      return op;
    }

    beforeAll(async () => {
      redis = await startRedisServer();
      cleanup.push(() => redis.stop());
      llm = await FakeOpenAi.start({ script });
      cleanup.push(() => llm.close());
      tg = await FakeTelegram.start({ holdMs: 100 });
      cleanup.push(() => tg.close());
      // B starts first, so it owns the account and runs the DM's turns.
      const b = await gateway('gw-b');
      opB = await operator(b);
      await eventually(
        async () => (await channelAccount(opB, 'telegram'))?.connected,
        15_000,
        'B to own the account',
      );
      a = await gateway('gw-a');
      opA = await operator(a);
      await eventually(
        async () => (await channelAccount(opA, 'telegram'))?.healthState === 'held-elsewhere',
        15_000,
        'A to see the account held by B',
      );
      // The node connects to A only; its approval (in the shared store) is given through B.
      const nodeDir = await mkdtemp(join(a.stateDir, 'node-'));
      // Its owner lets a run an operator approved on the gateway through (see the node agent's README).
      await writeFile(
        join(nodeDir, 'allowlist.json'),
        JSON.stringify({ commands: ['uname'], ask: 'on-miss' }),
      );
      const node = spawnNodeAgent({ url: a.url, stateDir: nodeDir, token, args: ['--chromium', CHROMIUM] });
      cleanup.push(() => node.stop('SIGKILL'));
      await node.waitFor(/connected to .* as node/);
      const pending = await eventually(async () => (await opB.request('node.pair.list')).pending[0]);
      await opB.request('node.pair.approve', { requestId: pending.requestId });
      nodeId = pending.nodeId;
    }, 90_000);

    afterAll(() => runCleanup(cleanup));

    it('a turn on B presents and snapshots the canvas of a node connected to A; the snapshot reaches Telegram', async () => {
      const aId = (await readFile(join(a.stateDir, 'gateway.id'), 'utf8')).trim();
      await tg.pushMessage({ chatId: CHAT, from: { id: CHAT, first_name: 'Ann' }, text: 'draw it' });
      const answer = await waitFor(
        () => tg.sent.find((s) => s.chatId === String(CHAT) && s.method === 'sendPhoto'),
        60_000,
        'the answer with the snapshot',
      );
      // The list showed the node as connected, held by A; the page came from A's canvas folder.
      expect(answer.caption).toMatch(
        new RegExp(`^held by ${aId} \\(connected: true\\); "Drawn on gw-a" \\d+x\\d+, \\d+ bytes of PNG$`),
      );
      expect(answer.via).toBe('gw-b');
      const bytes = Number(/, (\d+) bytes/.exec(answer.caption ?? '')?.[1]);
      expect(bytes).toBeGreaterThan(1000);
      expect(answer.file?.size).toBe(bytes);
      expect(answer.file?.data.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      // Four model calls (list, present, snapshot, answer), and one message to the chat, from B.
      expect(llm.requests).toHaveLength(4);
      expect(tg.sent.filter((s) => s.chatId === String(CHAT)).map((s) => s.via)).toEqual(['gw-b']);
    }, 90_000);

    it('a system.run on the node held by A asks for one approval; decided on A, the turn on B goes on', async () => {
      const snap = await opB.request('exec.approvals.get', {});
      await opB.request('exec.approvals.set', {
        file: { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
        baseHash: snap.hash,
      });
      const seenOnA: string[] = [];
      const seenOnB: string[] = [];
      opA.on('exec.approval.requested', (e) => seenOnA.push(e.id));
      opB.on('exec.approval.requested', (e) => seenOnB.push(e.id));
      const before = tg.sent.length;
      await tg.pushMessage({ chatId: CHAT, from: { id: CHAT, first_name: 'Ann' }, text: 'run echo' });
      const asked = await eventually(
        async () => (await opA.request('exec.approval.list', {}))[0],
        30_000,
        'the approval the turn asks for',
      );
      expect(asked).toMatchObject({ commandArgv: ['echo', 'ran on the node'], nodeId, status: 'pending' });
      expect(await opB.request('exec.approval.list', {})).toEqual([asked]);
      // Decided on A, the gateway holding the node; the turn waiting on B goes on.
      await opA.request('exec.approval.resolve', { id: asked.id, decision: 'allow-once' });
      const said = await waitFor(
        () => tg.sent.slice(before).find((s) => s.chatId === String(CHAT)),
        30_000,
        'the answer after the approval',
      );
      expect(said.text).toBe('system.run said: ran on the node');
      expect(said.via).toBe('gw-b');
      // One request in all, announced once (by B, the turn's gateway), seen on both.
      expect(seenOnB).toEqual([asked.id]);
      expect(seenOnA).toEqual([asked.id]);
    }, 90_000);

    it('A killed while the turn waits on its node: the tool result says the gateway is gone and the turn answers', async () => {
      const before = tg.sent.length;
      await tg.pushMessage({
        chatId: CHAT,
        from: { id: CHAT, first_name: 'Ann' },
        text: 'wait on the canvas',
      });
      // The turn's canvas call reached the node through A (the page's title is set, the call hangs).
      await eventually(
        async () => {
          const r = await opA.request('node.invoke', {
            nodeId,
            command: 'canvas.eval',
            params: { script: 'document.title' },
            idempotencyKey: `probe-${Date.now()}`,
          });
          return (r.payload as { value?: unknown } | undefined)?.value === 'waiting';
        },
        30_000,
        'the canvas call to reach the node',
      );
      const killedAt = Date.now();
      a.child.kill('SIGKILL');
      await a.waitForExit();
      const said = await waitFor(
        () => tg.sent.slice(before).find((s) => s.chatId === String(CHAT)),
        30_000,
        'the answer after A is gone',
      );
      expect(said.text).toMatch(/^the canvas said: .*NODE_GATEWAY_GONE: gateway gw-[\w-]+ left the cluster/);
      expect(said.via).toBe('gw-b');
      // Found out from A's presence running out (a lease time), not the call's 60 s deadline.
      expect(Date.now() - killedAt).toBeLessThan(LEASE_MS * 5);
    }, 90_000);
  },
);
