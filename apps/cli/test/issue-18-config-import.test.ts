// A switching operator brings their reference openclaw.json: `openclaw config import` writes a
// config this gateway starts with, and says what it carried over and what it dropped.
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { describe, expect, it, onTestFinished } from 'vitest';

const reference = `// a reference OpenClaw config (JSON5)
{
  gateway: { mode: "local", port: 18789, bind: "loopback", auth: { mode: "token" }, tailscale: { mode: "off" } },
  agents: {
    defaults: { model: { primary: "local/qwen3" } },
    list: [{ id: "support", name: "Support", model: "local/qwen3-small", workspace: "~/ws-support" }],
  },
  bindings: [{ agentId: "support", match: { channel: "telegram", peer: { kind: "direct", id: "42" } } }],
  models: { providers: { local: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-imported", api: "openai-completions" } } },
  logging: { level: "debug" },
  skills: { entries: {} },
}`;

describe('openclaw config import', () => {
  it('writes a config the gateway starts with, the API key beside it, and lists what was dropped', async () => {
    const refDir = await tempStateDir('oc-cli-');
    const cli = await tempStateDir('oc-cli-');
    onTestFinished(async () => {
      await rm(refDir, { recursive: true, force: true });
      await rm(cli, { recursive: true, force: true });
    });
    const refFile = join(refDir, 'openclaw.json');
    await writeFile(refFile, reference);
    let report:
      | { written: string[]; dropped: { from: string; why: string }[]; carried: { to: string }[] }
      | undefined;
    await using gw = await spawnGateway({
      token: true,
      prepare: async (stateDir: string) => {
        const r = await runCli(['config', 'import', refFile, '--json'], { OPENCLAW_STATE_DIR: stateDir });
        expect(r.code, r.stderr).toBe(0);
        report = JSON.parse(r.stdout);
        // Without --force an existing config is never replaced.
        const again = await runCli(['config', 'import', refFile], { OPENCLAW_STATE_DIR: stateDir });
        expect(again.code).not.toBe(0);
        expect(again.stderr).toMatch(/exists: pass --force/);
      },
    });
    expect(report?.carried.map((c) => c.to)).toEqual(
      expect.arrayContaining([
        'gateway.port',
        'gateway.bind',
        'auth.mode',
        'agent.backend',
        'agent.openai.model',
        'logging.level',
        'agents.list',
        'bindings',
      ]),
    );
    expect(report?.dropped.map((d) => d.from)).toEqual(
      expect.arrayContaining(['gateway.mode', 'gateway.tailscale', 'skills', 'agents.list.0.workspace']),
    );
    const written = await readFile(join(gw.stateDir, 'openclaw.json'), 'utf8');
    expect(written).not.toContain('sk-imported');
    expect((await stat(join(gw.stateDir, 'openclaw.json'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(gw.stateDir, 'agent-api-key'), 'utf8')).trim()).toBe('sk-imported');
    expect((await stat(join(gw.stateDir, 'agent-api-key'))).mode & 0o777).toBe(0o600);

    // The gateway started with it, and runs the imported settings.
    const got = await runCli(['config', 'get', 'agent', '--json'], gw.cliEnv(cli));
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({
      backend: 'openai-compatible',
      openai: { model: 'qwen3' },
    });
    // Its agents and bindings too: the reference's agent runs here, on its model.
    const agents = await runCli(['gateway', 'call', 'agents.list', '--json'], gw.cliEnv(cli));
    expect(agents.code, agents.stderr).toBe(0);
    expect(JSON.parse(agents.stdout).agents).toEqual([
      expect.objectContaining({ id: 'main' }),
      expect.objectContaining({
        id: 'support',
        name: 'Support',
        model: { primary: 'openai-compatible/qwen3-small' },
      }),
    ]);
    const bindings = await runCli(['config', 'get', 'bindings', '--json'], gw.cliEnv(cli));
    expect(JSON.parse(bindings.stdout)).toEqual([
      { agentId: 'support', match: { channel: 'telegram', peer: { kind: 'direct', id: '42' } } },
    ]);
  });
});
