// Opt-in (`pnpm test:interop`): the reference OpenClaw clients — its CLI, its headless node host
// and its web Control UI — do their common jobs against our gateway. Needs Node 24 on PATH
// (./run provides it), the npm registry (the reference package is installed on first run) and
// Chromium for the UI part.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeTelegram, WebhookReceiver, waitFor } from '@openclaw/test-fakes';
import { cliEntry, type GatewayProcess, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { artifactPath, launchBrowser } from './browser.ts';
import {
  cronRunWaitArgs,
  ensureReference,
  quietWebSocket,
  ref,
  refProcess,
  serveReferenceUi,
} from './reference-clients.ts';

const TOKEN = 'interop-token-0123456789abcdef';
const HOOK_TOKEN = 'interop-hook-token-6a1f93c2';

async function ours(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@openclaw/source', cliEntry, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** Poll an async check until it returns something truthy. */
async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function startGateway(config: Record<string, unknown>): Promise<GatewayProcess> {
  const stateDir = await tempStateDir();
  await writeFile(join(stateDir, 'openclaw.json'), JSON.stringify(config));
  return spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: TOKEN }, timeoutMs: 60_000 });
}

describe('the reference CLI and node host against our gateway (loopback approval off)', () => {
  let gw: GatewayProcess;
  let tg: FakeTelegram;
  const dirs: string[] = [];
  const dir = async () => {
    const d = await tempStateDir();
    dirs.push(d);
    return d;
  };
  let home: string;
  let url: string;
  // The gateway the reference CLI talks to, from its environment (every command honours it).
  const cli = (args: string[]) =>
    ref(args, home, { OPENCLAW_GATEWAY_URL: url, OPENCLAW_GATEWAY_TOKEN: TOKEN });
  /** `cron run <id> --wait`, polling fast enough for a test. */
  const runAndWait = (id: string) => cli(cronRunWaitArgs(id));

  beforeAll(async () => {
    await ensureReference();
    tg = await FakeTelegram.start({ holdMs: 100 });
    gw = await startGateway({
      pairing: { autoApproveLoopback: false },
      channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: 'open' } },
      // Job webhooks may reach the test's receiver on loopback, with a bearer token.
      cron: { webhookToken: HOOK_TOKEN, webhookSsrfPolicy: { allowedHostnames: ['127.0.0.1'] } },
    });
    url = gw.url;
    home = await dir();
  });
  afterAll(async () => {
    await gw?.stop();
    await tg?.close();
    await rm(gw.stateDir, { recursive: true, force: true });
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('gateway health says OK with a real duration', async () => {
    const r = await cli(['gateway', 'health']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/\bOK \((\d+)ms\)/);
    expect(Number(/OK \((\d+)ms\)/.exec(r.out)?.[1])).toBeGreaterThan(0);
    // The Telegram account on the fake server, in the reference's words (not "unknown").
    expect(r.out).toMatch(/^Telegram: healthy$/m);
  });

  it('skills list and hooks list say there are none (not "unknown method")', async () => {
    const skills = await cli(['skills', 'list']);
    expect(skills.code, skills.out).toBe(0);
    expect(skills.out).toMatch(/No skills found\./);
    const skillsJson = await cli(['skills', 'list', '--json']);
    expect(skillsJson.code, skillsJson.out).toBe(0);
    expect(JSON.parse(skillsJson.out.slice(skillsJson.out.indexOf('{')))).toMatchObject({ skills: [] });
    const hooks = await cli(['hooks', 'list']);
    expect(hooks.code, hooks.out).toBe(0);
    expect(hooks.out).toMatch(/No hooks found\./);
  });

  it('status reaches the gateway (a remote config, the way the reference CLI is pointed elsewhere)', async () => {
    const statusHome = await dir();
    await mkdir(join(statusHome, '.openclaw'), { recursive: true });
    await writeFile(
      join(statusHome, '.openclaw', 'openclaw.json'),
      JSON.stringify({ gateway: { mode: 'remote', remote: { url, token: TOKEN } } }),
    );
    const r = await ref(['status'], statusHome);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/reachable/);
    expect(r.out).not.toMatch(/unreachable/);
    // --deep adds the Health table: the gateway, and the Telegram account as the reference words it.
    const deep = await ref(['status', '--deep'], statusHome);
    expect(deep.code, deep.out).toBe(0);
    expect(deep.out).toMatch(/│ Telegram\s+│ OK\s+│ healthy/);
  });

  it('devices list shows a pending device and devices approve lets it in, with loopback approval off', async () => {
    const device = await dir();
    const env = { OPENCLAW_STATE_DIR: device, OPENCLAW_GATEWAY_URL: url, OPENCLAW_GATEWAY_TOKEN: TOKEN };
    const pending = await ours(['gateway', 'health', '--scopes', 'operator.read'], env);
    expect(pending.code, pending.out).toBe(4);
    const requestId = /request (pair_[\w-]+)/.exec(pending.out)?.[1];
    expect(requestId).toBeDefined();
    const list = await cli(['devices', 'list']);
    expect(list.code, list.out).toBe(0);
    expect(list.out).toContain(requestId);
    const approve = await cli(['devices', 'approve', requestId!]);
    expect(approve.code, approve.out).toBe(0);
    const after = await ours(['gateway', 'health', '--scopes', 'operator.read'], env);
    expect(after.code, after.out).toBe(0);
  });

  it('openclaw node run as a real node: paired, approved, listed, described and invoked', async () => {
    const nodeHome = await dir();
    const port = String(gw.port);
    const node = refProcess(
      ['node', 'run', '--host', '127.0.0.1', '--port', port, '--no-tls', '--display-name', 'ref-node'],
      nodeHome,
      {
        OPENCLAW_GATEWAY_TOKEN: TOKEN,
      },
    );
    try {
      // Loopback approval is off: the node's device waits for an operator first.
      const deviceRequest = await poll(
        async () => {
          const r = await cli(['devices', 'list', '--json']);
          const j = JSON.parse(r.out.slice(r.out.indexOf('{'))) as {
            pending?: { requestId: string; role?: string; roles?: string[] }[];
          };
          return j.pending?.find((p) => p.role === 'node' || p.roles?.includes('node'))?.requestId;
        },
        120_000,
        'the node device pairing request',
      );
      const approveDevice = await cli(['devices', 'approve', deviceRequest]);
      expect(approveDevice.code, approveDevice.out).toBe(0);
      await node.waitFor(/connected/);
      // Then its commands wait for node approval.
      const requestId = await poll(
        async () => {
          const r = await cli(['nodes', 'pending', '--json']);
          const j = JSON.parse(r.out.slice(r.out.indexOf('['))) as {
            requestId: string;
            displayName?: string;
          }[];
          return j.find((p) => p.displayName === 'ref-node')?.requestId;
        },
        120_000,
        'the node approval request',
      );
      const approve = await cli(['nodes', 'approve', requestId]);
      expect(approve.code, approve.out).toBe(0);
      const list = await cli(['nodes', 'list']);
      expect(list.code, list.out).toBe(0);
      expect(list.out).toMatch(/ref-node/);
      const nodeId = /([0-9a-f]{64})/.exec(list.out)?.[1];
      expect(nodeId).toBeDefined();
      const describe = await cli(['nodes', 'describe', '--node', nodeId!]);
      expect(describe.code, describe.out).toBe(0);
      expect(describe.out).toMatch(/system\.which/);
      expect(describe.out).not.toMatch(/approval pending/);
      const invoke = await cli([
        'nodes',
        'invoke',
        '--node',
        nodeId!,
        '--command',
        'system.which',
        '--params',
        '{"bins":["uname"]}',
      ]);
      expect(invoke.code, invoke.out).toBe(0);
      expect(invoke.out).toMatch(/"payloadJSON"/);
      expect(invoke.out).toMatch(/uname/);
    } finally {
      await node.stop();
    }
  });

  it('agent --session-key … --message gets the final reply instead of hanging', async () => {
    const r = await cli(['agent', '--session-key', 'interop-1', '--message', 'hello']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/echo: hello/);
  });

  it('message send through a Telegram account on the fake Telegram server', async () => {
    const r = await cli([
      'message',
      'send',
      '--channel',
      'telegram',
      '--target',
      '4242',
      '--message',
      'hi from the reference cli',
    ]);
    expect(r.code, r.out).toBe(0);
    await waitFor(
      () => tg.sentTexts('4242').includes('hi from the reference cli'),
      30_000,
      'the message on Telegram',
    );
  });

  it('message react, edit and delete on a message the gateway sent to Telegram', async () => {
    const sent = await cli([
      'message',
      'send',
      '--channel',
      'telegram',
      '--target',
      '4243',
      '--message',
      'to be edited',
    ]);
    expect(sent.code, sent.out).toBe(0);
    const ours = await waitFor(
      () => tg.sent.find((s) => s.chatId === '4243' && s.text === 'to be edited'),
      30_000,
      'the message on Telegram',
    );
    const on = ['--channel', 'telegram', '--target', '4243', '--message-id', String(ours.messageId)];
    const react = await cli(['message', 'react', ...on, '--emoji', '👍']);
    expect(react.code, react.out).toBe(0);
    expect(tg.reactions.filter((r) => r.messageId === ours.messageId).map((r) => r.emoji)).toEqual([['👍']]);
    const edit = await cli(['message', 'edit', ...on, '--message', 'edited']);
    expect(edit.code, edit.out).toBe(0);
    expect(ours.editedText).toBe('edited');
    const del = await cli(['message', 'delete', ...on]);
    expect(del.code, del.out).toBe(0);
    expect(ours.deleted).toBe(true);
  });

  it('cron list', async () => {
    const r = await cli(['cron', 'list']);
    expect(r.code, r.out).toBe(0);
  });

  it('cron add (the reference layout) makes a job that cron list shows, cron edit changes and cron run runs', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-ref',
      '--every',
      '1h',
      '--message',
      'ref tick',
      '--no-deliver',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = /"id": "(job_[\w-]+)"/.exec(add.out)?.[1];
    expect(id, add.out).toBeDefined();
    expect(add.out).toMatch(/"sessionTarget": "isolated"/);
    const row = async () => {
      const list = await cli(['cron', 'list']);
      expect(list.code, list.out).toBe(0);
      return list.out.split('\n').find((l) => l.startsWith(id!)) ?? '';
    };
    // The table's columns as the reference CLI fills them: name, schedule, next, status, target,
    // delivery (from the page's delivery previews) and agent.
    const before = await row();
    expect(before).toMatch(
      /\binterop-ref\b.*\bevery 1h\b.*\bin \d+[mh]\b.*\bidle\b.*\bisolated\b.*\bnone\b.*\bmain\b/,
    );
    const edit = await cli(['cron', 'edit', id!, '--message', 'ref tock']);
    expect(edit.code, edit.out).toBe(0);
    expect(edit.out).toMatch(/"message": "ref tock"/);
    const run = await cli(['cron', 'run', id!, '--wait', '--wait-timeout', '60s']);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/"completionStatus": "succeeded"/);
    expect(await row()).toMatch(/\binterop-ref\b.*<1m ago\s+ok\b.*\bisolated\b/);
    const rm = await cli(['cron', 'rm', id!]);
    expect(rm.code, rm.out).toBe(0);
  });

  it('cron add --announce --channel telegram --to …: cron run sends the reply to that chat', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-announce',
      '--cron',
      '0 7 * * *',
      '--tz',
      'UTC',
      '--message',
      'ref announce',
      '--announce',
      '--channel',
      'telegram',
      '--to',
      '4250',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = /"id": "(job_[\w-]+)"/.exec(add.out)?.[1];
    const list = await cli(['cron', 'list']);
    expect(list.out.split('\n').find((l) => l.startsWith(id!))).toMatch(
      /\bcron 0 7 \* \* \* @ UTC \(exact\).*announce -> telegram:4250/,
    );
    const run = await cli(['cron', 'run', id!]);
    expect(run.code, run.out).toBe(0);
    await waitFor(() => tg.sentTexts('4250').includes('echo: ref announce'), 30_000, 'the reply on Telegram');
  });

  it('cron run --wait on an announce job exits 0 once the reply is delivered, 1 with the reason when it was not', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-announce-wait',
      '--every',
      '1h',
      '--message',
      'ref wait',
      '--announce',
      '--channel',
      'telegram',
      '--to',
      '4251',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = /"id": "(job_[\w-]+)"/.exec(add.out)?.[1];
    const wait = await runAndWait(id!);
    expect(wait.code, wait.out).toBe(0);
    expect(wait.out).toMatch(/"deliveryStatus": "delivered"/);
    expect(wait.out).toMatch(/"completionStatus": "succeeded"/);
    // Delivered means on the platform, before the CLI said so.
    expect(tg.sentTexts('4251')).toEqual(['echo: ref wait']);

    // Telegram refuses the chat: the outbox gives up, and the run failed for that reason.
    tg.failNext({ method: 'sendMessage', status: 400, description: 'Bad Request: chat not found' });
    const refused = await runAndWait(id!);
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out).toMatch(/"deliveryStatus": "not-delivered"/);
    expect(refused.out).toMatch(/"deliveryError": "[^"]*chat not found/);
    expect(refused.out).toMatch(/"completionStatus": "failed"/);
    expect(tg.sentTexts('4251')).toEqual(['echo: ref wait']);
    const rm = await cli(['cron', 'rm', id!]);
    expect(rm.code, rm.out).toBe(0);

    // A job of ours that sends (no agent turn): its run waits for its send the same way.
    const send = await cli([
      'gateway',
      'call',
      'cron.add',
      '--params',
      JSON.stringify({
        name: 'interop-send-wait',
        schedule: { kind: 'every', everyMs: 3_600_000 },
        action: { kind: 'send', channel: 'telegram', to: '4252', message: 'plain send' },
      }),
    ]);
    const sendId = /"id": "(job_[\w-]+)"/.exec(send.out)?.[1];
    expect(sendId, send.out).toBeDefined();
    const sent = await runAndWait(sendId!);
    expect(sent.code, sent.out).toBe(0);
    expect(sent.out).toMatch(/"deliveryStatus": "delivered"/);
    expect(tg.sentTexts('4252')).toEqual(['plain send']);
    expect((await cli(['cron', 'rm', sendId!])).code).toBe(0);
  });

  it('cron add --webhook <url>: cron run --wait exits 0 once the receiver took the POST, 1 when it refused', async () => {
    const rx = await WebhookReceiver.start();
    try {
      const add = await cli([
        'cron',
        'add',
        '--name',
        'interop-webhook',
        '--every',
        '1h',
        '--message',
        'ref hook',
        '--webhook',
        rx.url('/hook'),
      ]);
      expect(add.code, add.out).toBe(0);
      expect(add.out).toMatch(/"mode": "webhook"/);
      const id = /"id": "(job_[\w-]+)"/.exec(add.out)?.[1];
      expect(id, add.out).toBeDefined();
      const list = await cli(['cron', 'list']);
      expect(list.out.split('\n').find((l) => l.startsWith(id!))).toMatch(
        /webhook -> http:\/\/127\.0\.0\.1:\d+\/hook/,
      );
      const wait = await runAndWait(id!);
      expect(wait.code, wait.out).toBe(0);
      expect(wait.out).toMatch(/"deliveryStatus": "delivered"/);
      expect(wait.out).toMatch(/"completionStatus": "succeeded"/);
      // Delivered means the receiver took it, before the CLI said so: the finished run, once.
      expect(rx.acceptedBodies()).toMatchObject([
        { jobId: id, action: 'finished', status: 'ok', summary: 'echo: ref hook' },
      ]);
      expect(rx.hits[0]!.headers.authorization).toBe(`Bearer ${HOOK_TOKEN}`);

      // The receiver refuses: given up at once, and the run failed for that reason.
      rx.answer(400);
      const refused = await runAndWait(id!);
      expect(refused.code, refused.out).toBe(1);
      expect(refused.out).toMatch(/"deliveryStatus": "not-delivered"/);
      expect(refused.out).toMatch(/"deliveryError": "the receiver answered HTTP 400"/);

      // cron edit --webhook moves the job to another URL.
      const edit = await cli(['cron', 'edit', id!, '--webhook', rx.url('/moved')]);
      expect(edit.code, edit.out).toBe(0);
      expect(edit.out).toContain(`"to": "${rx.url('/moved')}"`);
      expect((await cli(['cron', 'rm', id!])).code).toBe(0);
    } finally {
      await rx.close();
    }
  });

  it('cron add "<schedule>" "<message>" (announce to channel last): delivered to the chat of --session-key, else not, with the reason', async () => {
    // A direct message makes the chat's session; its key is what `--session-key` names.
    await tg.pushMessage({ chatId: 4260, from: { id: 4260, first_name: 'Ann' }, text: 'ref hi' });
    await waitFor(() => tg.sentTexts('4260').includes('echo: ref hi'), 30_000, 'the reply to the DM');
    const sessions = await cli(['gateway', 'call', 'sessions.list', '--params', '{}']);
    const chat = /"key": "(telegram:[^"]*:4260)"/.exec(sessions.out)?.[1];
    expect(chat, sessions.out).toBeDefined();

    // The plainest form: no chat named, so there is no last route. Accepted; the run says why.
    const plain = await cli(['cron', 'add', '0 7 * * *', 'ref last plain', '--name', 'interop-last-plain']);
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out).toMatch(/"channel": "last"/);
    const plainId = /"id": "(job_[\w-]+)"/.exec(plain.out)?.[1];
    const list = await cli(['cron', 'list']);
    expect(list.out.split('\n').find((l) => l.startsWith(plainId!))).toMatch(/announce -> last/);
    const lost = await runAndWait(plainId!);
    expect(lost.code, lost.out).toBe(1);
    expect(lost.out).toMatch(/"deliveryStatus": "not-delivered"/);
    expect(lost.out).toMatch(
      /"deliveryError": "no last route: the job runs in its own session and names no chat session/,
    );

    // With the chat's session as the job's session key, the reply goes to that chat.
    const keyed = await cli([
      'cron',
      'add',
      '0 7 * * *',
      'ref last',
      '--name',
      'interop-last',
      '--session-key',
      chat!,
    ]);
    expect(keyed.code, keyed.out).toBe(0);
    expect(keyed.out).toContain(`"sessionKey": "${chat}"`);
    const keyedId = /"id": "(job_[\w-]+)"/.exec(keyed.out)?.[1];
    const sent = await runAndWait(keyedId!);
    expect(sent.code, sent.out).toBe(0);
    expect(sent.out).toMatch(/"deliveryStatus": "delivered"/);
    expect(tg.sentTexts('4260')).toEqual(['echo: ref hi', 'echo: ref last']);
    for (const id of [plainId!, keyedId!]) expect((await cli(['cron', 'rm', id])).code).toBe(0);
  });

  it('cron show finds a job by id or by name; cron run --due runs only a due job; cron runs filters', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-show',
      '--every',
      '1h',
      '--message',
      'ref show',
      '--no-deliver',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = /"id": "(job_[\w-]+)"/.exec(add.out)?.[1];
    // By id: cron.get, then cron.list {query: id} for the delivery line.
    const byId = await cli(['cron', 'show', id!]);
    expect(byId.code, byId.out).toBe(0);
    expect(byId.out).toMatch(/interop-show/);
    // By name: cron.get answers "cron job not found", so the CLI looks the name up in the list.
    const byName = await cli(['cron', 'show', 'interop-show', '--json']);
    expect(byName.code, byName.out).toBe(0);
    expect(byName.out).toContain(`"id": "${id}"`);
    const nobody = await cli(['cron', 'show', 'interop-nobody']);
    expect(nobody.code, nobody.out).not.toBe(0);
    // Its next run is an hour away: --due leaves it alone (and the CLI exits 1, as nothing ran).
    const due = await cli(['cron', 'run', id!, '--due']);
    expect(due.code, due.out).toBe(1);
    expect(due.out).toMatch(/"ran": false/);
    expect(due.out).toMatch(/"reason": "not-due"/);
    const runs = await cli(['cron', 'runs', '--id', id!]);
    expect(runs.out).not.toMatch(/"runId"/);
    // cron runs filters: one forced run, which succeeded with nothing to deliver.
    const forced = await runAndWait(id!);
    expect(forced.code, forced.out).toBe(0);
    const ok = await cli([
      'cron',
      'runs',
      '--id',
      id!,
      '--status',
      'ok',
      '--delivery-status',
      'not-requested',
    ]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out.match(/"runId"/g)).toHaveLength(2); // entries and runs, one run each
    const errors = await cli(['cron', 'runs', '--id', id!, '--status', 'error']);
    expect(errors.code, errors.out).toBe(0);
    expect(errors.out).not.toMatch(/"runId"/);
    const rm = await cli(['cron', 'rm', id!]);
    expect(rm.code, rm.out).toBe(0);
  });

  it('cron add refuses, by field, what this gateway cannot run, and stores nothing', async () => {
    const command = await cli(['cron', 'add', '--name', 'interop-no-1', '--every', '1h', '--command', 'ls']);
    expect(command.code, command.out).not.toBe(0);
    expect(command.out).toMatch(/\/payload\/kind: command and script jobs are not run here/);
    // A provider-prefixed target with channel last (the reference's channel selector) is not served.
    const prefixed = await cli([
      'cron',
      'add',
      '0 7 * * *',
      'hello',
      '--name',
      'interop-no-2',
      '--to',
      'telegram:1',
    ]);
    expect(prefixed.code, prefixed.out).not.toBe(0);
    expect(prefixed.out).toMatch(
      /\/delivery\/channel: announce names a chat with both channel and to, or neither/,
    );
    const all = await cli(['cron', 'list', '--all', '--json']);
    expect(all.code, all.out).toBe(0);
    expect(all.out).not.toMatch(/interop-no-/);
  });

  it('cron run queues a run and exits 0; cron rm removes the job', async () => {
    // Added in our layout, through gateway call.
    const add = await cli([
      'gateway',
      'call',
      'cron.add',
      '--params',
      JSON.stringify({
        name: 'interop-run',
        schedule: { kind: 'every', everyMs: 3_600_000 },
        action: { kind: 'agent', message: 'tick', sessionKey: 'interop-cron' },
      }),
    ]);
    expect(add.code, add.out).toBe(0);
    const id = /"id": "(job_[\w-]+)"/.exec(add.out)?.[1];
    expect(id, add.out).toBeDefined();
    const run = await cli(['cron', 'run', id!]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/"enqueued": true/);
    const runs = await cli(['cron', 'runs', '--id', id!]);
    expect(runs.code, runs.out).toBe(0);
    expect(runs.out).toContain(/"runId": "(cron_[\w-]+)"/.exec(run.out)?.[1]);
    // --wait polls cron.runs until the run finishes; an agent turn with nothing to deliver succeeded.
    const wait = await cli(['cron', 'run', id!, '--wait', '--wait-timeout', '60s']);
    expect(wait.code, wait.out).toBe(0);
    expect(wait.out).toMatch(/"completionStatus": "succeeded"/);
    const rm = await cli(['cron', 'rm', id!]);
    expect(rm.code, rm.out).toBe(0);
    expect(rm.out).toMatch(/"removed": true/);
  });

  it('models list reads the catalog with its details (the published-model-catalog contract)', async () => {
    const r = await cli(['models', 'list', '--json']);
    expect(r.code, r.out).toBe(0);
    const listed = JSON.parse(r.out.slice(r.out.indexOf('{'))) as { models: Record<string, unknown>[] };
    expect(listed.models).toEqual([
      expect.objectContaining({
        key: 'echo/echo',
        input: 'text',
        local: true,
        available: true,
        tags: ['default'],
      }),
    ]);
  });
});

const PAGES: [name: string, path: string][] = [
  ['overview', '/'],
  ['chat', '/chat/main'],
  ['sessions', '/sessions'],
  ['devices', '/settings/devices'],
  ['nodes', '/nodes'],
  ['channels', '/settings/channels'],
  ['cron', '/automations'],
  ['logs', '/logs'],
];

describe('the reference Control UI against our gateway', needs('chromium'), () => {
  it('connects; every page renders with no error banner and no unknown method; chat streams a reply', async () => {
    await ensureReference();
    await using gw = await startGateway({});
    const ui = await serveReferenceUi(gw.port);
    await using browser = await launchBrowser();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const consoleLines: string[] = [];
      const frames: string[] = [];
      page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
      page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
      const hellos = () => frames.filter((f) => f.includes('"hello-ok"')).length;
      // The first visit hands the UI the gateway token, as the documented #token link does.
      for (const [name, path] of PAGES) {
        const before = hellos();
        await page.goto(path === '/' ? `${ui.url}/#token=${TOKEN}` : `${ui.url}${path}`, {
          waitUntil: 'domcontentloaded',
        });
        // Each page load connects afresh: wait for its hello-ok, then for its requests to settle.
        await waitFor(() => hellos() > before, 90_000, `hello-ok on ${name}`);
        await quietWebSocket(frames).catch(() => undefined);
        if (name === 'chat') {
          const box = page.locator('textarea[aria-label="Chat composer"]');
          await box.waitFor({ timeout: 60_000 });
          await box.fill('hello from the reference control ui');
          await box.press('Enter');
          await page
            .getByText('echo: hello from the reference control ui')
            .first()
            .waitFor({ timeout: 60_000 });
          // The reply streamed in as chat deltas before it was final.
          expect(frames.some((f) => f.includes('"state":"delta"'))).toBe(true);
          // Events and the reloaded history are one transcript: each message shows once.
          await quietWebSocket(frames).catch(() => undefined);
          expect(
            await page.getByText('echo: hello from the reference control ui', { exact: true }).count(),
          ).toBe(1);
          expect(await page.getByText('hello from the reference control ui', { exact: true }).count()).toBe(
            1,
          );
        }
        await quietWebSocket(frames).catch(() => undefined);
        const banners = await page.locator('.callout.danger:visible, [role="alert"]:visible').allInnerTexts();
        expect(banners, `${name}: ${banners.join(' | ')}`).toEqual([]);
        await page.screenshot({ path: await artifactPath(`reference-ui-${name}.png`) });
      }
      const unknown = [...consoleLines, ...frames].filter((l) => /unknown method/i.test(l));
      expect(unknown).toEqual([]);
    } finally {
      await ui.close();
    }
  });
});
