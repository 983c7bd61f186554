import { parseConfig } from '@openclaw/protocol';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { importReferenceConfig } from './config-import.ts';

// A reference openclaw.json with several agents and bindings, in the older roster shape its
// multi-agent docs show (agents.list with a default marker), as the operator's file would read.
const legacyRoster = `{
  agents: {
    defaults: { model: { primary: "local/qwen3" }, heartbeat: { every: "30m" }, thinkingDefault: "x-high",
      reasoningDefault: "stream", compaction: { keepRecentTokens: 8000, reserveTokens: 4000 } },
    list: [
      { id: "home", default: true, name: "Home", workspace: "~/.openclaw/workspace-home", thinkingDefault: "low",
        reasoningDefault: "on" },
      { id: "Work", model: { primary: "local/qwen3-32b", fallbacks: ["anthropic/claude-sonnet"] },
        identity: { name: "Work bot", emoji: "W" }, tools: { allow: ["exec"] } },
      { id: "research", model: "google/gemini-pro", heartbeat: { every: "1h" }, thinkingDefault: "ultra",
        reasoningDefault: "loud" },
      { id: "bad id!" },
    ],
  },
  models: { providers: { local: { baseUrl: "http://127.0.0.1:1234/v1", api: "openai-completions" } } },
  channels: {
    discord: { botToken: "discord-token" },
    slack: { botToken: "xoxb-1", appToken: "xapp-1" },
  },
  bindings: [
    { agentId: "work", comment: "the work account", match: { channel: "whatsapp", accountId: "biz" } },
    { agentId: "work", match: { channel: "discord", guildId: "123", roles: ["9"] } },
    { agentId: "research", match: { channel: "slack", teamId: "T1", peer: { kind: "dm", id: "D1" } },
      session: { dmScope: "per-peer" } },
    { agentId: "home", match: { channel: "discord", peer: { kind: "channel", id: "*" } } },
    { agentId: "work", match: { channel: "telegram", guildId: "123" } },
    { agentId: "nobody", match: { channel: "discord" } },
    { agentId: "home", type: "acp", match: { channel: "discord", peer: { kind: "channel", id: "5" } } },
    { agentId: "home", match: { channel: "matrix" } },
    { agentId: "home", match: { channel: "discord", parentPeer: { kind: "channel", id: "5" } } },
  ],
}`;

describe('config import: agents and bindings of a reference config', () => {
  it('carries the roster over as agents.list and the route bindings as ours, dropping what cannot hold', () => {
    const r = importReferenceConfig(JSON5.parse(legacyRoster));
    const cfg = parseConfig(r.config);
    expect(cfg.agents.list).toEqual([
      { id: 'home', name: 'Home', thinkingDefault: 'low', reasoningDefault: 'on' },
      {
        id: 'work',
        name: 'Work bot',
        model: { primary: 'openai-compatible/qwen3-32b', fallbacks: ['anthropic/claude-sonnet'] },
      },
      // The reference ran it every hour to the owner's DM, the default target in both: so it does
      // here, with no target written (the first alert to that implicit default carries the note).
      { id: 'research', heartbeat: { every: '1h' } },
    ]);
    expect(cfg.agent.heartbeat).toEqual({ every: '30m' });
    // Thinking defaults by the names here; one that names no level here is dropped with why.
    expect(cfg.agent.thinkingDefault).toBe('xhigh');
    expect(cfg.agent.reasoningDefault).toBe('stream');
    // The tail /compact keeps carries; the reference's other compaction settings have none here.
    expect(cfg.agent.compaction).toEqual({ keepRecentTokens: 8000 });
    expect(cfg.bindings).toEqual([
      { agentId: 'work', comment: 'the work account', match: { channel: 'whatsapp', accountId: 'biz' } },
      { agentId: 'work', match: { channel: 'discord', guildId: '123', roles: ['9'] } },
      { agentId: 'research', match: { channel: 'slack', teamId: 'T1', peer: { kind: 'direct', id: 'D1' } } },
      { agentId: 'home', match: { channel: 'discord', peer: { kind: 'channel', id: '*' } } },
      // The reference's default agent answered the rest; here main would, so it is bound.
      { agentId: 'home', match: { channel: 'discord', accountId: '*' } },
      { agentId: 'home', match: { channel: 'slack', accountId: '*' } },
    ]);
    const dropped = Object.fromEntries(r.dropped.map((d) => [d.from, d.why]));
    expect(dropped).toMatchObject({
      'agents.list.0.default': expect.stringMatching(/main answers/),
      'agents.defaults.compaction.reserveTokens': expect.stringMatching(/only keepRecentTokens/),
      'agents.list.2.thinkingDefault': expect.stringMatching(/not a thinking level here/),
      'agents.list.2.reasoningDefault': expect.stringMatching(/not a reasoning visibility/),
      'agents.list.0.workspace': expect.stringMatching(/SYSTEM\.md/),
      'agents.list.1.identity.emoji': expect.any(String),
      'agents.list.1.tools': expect.stringMatching(/tool names/),
      'agents.list.2.model': expect.stringMatching(/no provider here serves it/),
      'agents.list.3': expect.stringMatching(/only lower-case letters/),
      'bindings.2.session': expect.stringMatching(/session scopes are not honoured/),
      'bindings.4': expect.stringMatching(/guildId can only match discord messages/),
      'bindings.5': expect.stringMatching(/"nobody" is not carried over/),
      'bindings.6': expect.stringMatching(/only route bindings/),
      'bindings.7': expect.stringMatching(/no matrix provider/),
      'bindings.8': expect.stringMatching(/match.parentPeer is not honoured/),
    });
    expect(r.carried.find((c) => c.to === 'bindings')?.why).toMatch(/"home", the reference's default agent/);
  });

  it('takes the keyed agents.entries roster too; one agent alone is the default, main stays main', () => {
    const r = importReferenceConfig(
      JSON5.parse(`{
        agents: { ownership: "explicit", entries: { main: { name: "Main" }, support: { model: "openai/gpt-5" } } },
        bindings: [{ agentId: "support", match: { channel: "telegram", accountId: "*" } }],
        channels: { telegram: { botToken: "123:abc" } },
      }`),
    );
    const cfg = parseConfig(r.config);
    expect(cfg.agents.list).toEqual([
      { id: 'main', name: 'Main' },
      { id: 'support', model: 'openai/gpt-5' },
    ]);
    // main is the reference's default as well as ours: no binding is added.
    expect(cfg.bindings).toEqual([{ agentId: 'support', match: { channel: 'telegram', accountId: '*' } }]);
    expect(Object.fromEntries(r.dropped.map((d) => [d.from, d.why]))['agents.ownership']).toMatch(
      /main answers what no binding routes/,
    );

    const single = importReferenceConfig(
      JSON5.parse(`{ agents: { entries: { home: {} } }, channels: { telegram: { botToken: "123:abc" } } }`),
    );
    expect(parseConfig(single.config).bindings).toEqual([
      { agentId: 'home', match: { channel: 'telegram', accountId: '*' } },
    ]);
  });
});
