// Issue 15: every secret-bearing field is marked in the schema itself, and the schema the
// gateway composes (its own sections plus every provider's account schema) is read without
// loading any platform library.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET_KEYWORD, schemaHints } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { channelProviders, gatewayConfig } from './channel-providers.ts';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Words that make a field name look like it holds a secret (the name split at camelCase).
 * A name whose last word is one of REFERENCE_WORDS says where a secret is (a file, a path, an
 * environment variable, a key prefix), not the secret itself: `tokenFile`, `apiKeyEnv`,
 * `apiKeyFile`, `keyPath` (TLS), `keyPrefix` (Redis) are references and need no mark.
 */
const SECRET_WORDS = new Set([
  'token',
  'tokens',
  'secret',
  'secrets',
  'password',
  'passwd',
  'passphrase',
  'key',
  'keys',
  'apikey',
  'signing',
  'credential',
  'credentials',
  'cookie',
  'private',
]);
const REFERENCE_WORDS = new Set(['file', 'path', 'dir', 'env', 'prefix', 'id']);
/** Endpoint names: a URL can carry a password in its userinfo, so it must be a URL secret. */
const URL_WORDS = new Set(['url', 'uri', 'root']);

const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());

const holdsString = (s: Node): boolean =>
  s.type === 'string' ||
  (Array.isArray(s.type) && s.type.includes('string')) ||
  (Array.isArray(s.anyOf) && s.anyOf.some((b) => isNode(b) && holdsString(b))) ||
  (s.type === 'array' && isNode(s.items) && holdsString(s.items));

interface Field {
  path: string;
  name: string;
  schema: Node;
}

/** Every named property of the schema, records and unions included. */
function fields(schema: Node, path = '', out: Field[] = []): Field[] {
  if (isNode(schema.properties)) {
    for (const [name, child] of Object.entries(schema.properties)) {
      if (!isNode(child)) continue;
      const p = path ? `${path}.${name}` : name;
      out.push({ path: p, name, schema: child });
      fields(child, p, out);
    }
  }
  if (isNode(schema.patternProperties))
    for (const child of Object.values(schema.patternProperties))
      if (isNode(child)) fields(child, `${path}.*`, out);
  if (isNode(schema.additionalProperties)) fields(schema.additionalProperties, `${path}.*`, out);
  if (isNode(schema.items)) fields(schema.items, `${path}[]`, out);
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    if (Array.isArray(schema[k])) for (const b of schema[k] as unknown[]) if (isNode(b)) fields(b, path, out);
  return out;
}

/** The fields that look secret (or are endpoints) but carry no mark, with why. */
function unmarked(schema: Node): string[] {
  const problems: string[] = [];
  for (const f of fields(schema)) {
    if (!holdsString(f.schema)) continue;
    const w = words(f.name);
    const last = w.at(-1) ?? '';
    const mark = f.schema[SECRET_KEYWORD];
    if (w.some((x) => SECRET_WORDS.has(x)) && !REFERENCE_WORDS.has(last) && !mark)
      problems.push(`${f.path}: looks like a secret but is not marked ${SECRET_KEYWORD}`);
    if (URL_WORDS.has(last) && mark !== 'url-password' && mark !== true)
      problems.push(`${f.path}: an endpoint URL can carry a password, mark it SecretUrl`);
  }
  return problems;
}

const json = JSON.parse(JSON.stringify(gatewayConfig)) as Node;

describe('issue 15: secrets are marked in the config schema', () => {
  it('no string field whose name looks secret is unmarked, in the gateway and every provider', () => {
    expect(unmarked(json)).toEqual([]);
    // The walk really covers the providers' schemas (accounts included) and the gateway's sections.
    const hints = schemaHints(gatewayConfig);
    for (const path of [
      'auth.token',
      'auth.password',
      'channels.telegram.botToken',
      'channels.telegram.accounts.*.botToken',
      'channels.telegram.webhook.secretToken',
      'channels.slack.botToken',
      'channels.slack.appToken',
      'channels.slack.signingSecret',
      'channels.discord.botToken',
      'channels.imessage.password',
      'channels.imessage.webhookSecret',
    ])
      expect(hints[path], path).toMatchObject({ sensitive: true, secret: 'value' });
    for (const path of ['cluster.redisUrl', 'agent.openai.baseUrl', 'channels.signal.baseUrl'])
      expect(hints[path], path).toMatchObject({ sensitive: true, secret: 'url-password' });
    const channels = ((json.properties as Node).channels as { properties: Node }).properties;
    // Every provider, and the defaults they fall back to (no secrets there).
    expect(Object.keys(channels)).toEqual([...channelProviders.map((c) => c.id), 'defaults']);
  });

  it('the walk catches an unmarked secret, and takes references to secrets for what they are', () => {
    const schema = {
      type: 'object',
      properties: {
        apiKey: { type: 'string' },
        nested: { type: 'object', properties: { signingSecret: { type: 'string' } } },
        accounts: {
          type: 'object',
          patternProperties: {
            '^(.*)$': {
              type: 'object',
              properties: { password: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
            },
          },
        },
        serverUrl: { type: 'string' },
        tokenFile: { type: 'string' },
        apiKeyEnv: { type: 'string' },
        keyPath: { type: 'string' },
        maxTokens: { type: 'integer' },
        marked: { type: 'string', [SECRET_KEYWORD]: true },
      },
    };
    expect(unmarked(schema)).toEqual([
      'apiKey: looks like a secret but is not marked x-secret',
      'nested.signingSecret: looks like a secret but is not marked x-secret',
      'accounts.*.password: looks like a secret but is not marked x-secret',
      'serverUrl: an endpoint URL can carry a password, mark it SecretUrl',
    ]);
  });

  it('the agent API key itself can never be written into the config', () => {
    const openai = ((json.properties as Node).agent as { properties: Node }).properties.openai as Node;
    expect(openai.additionalProperties).toBe(false);
    expect(Object.keys(openai.properties as Node)).not.toContain('apiKey');
  });

  it("reading every provider's descriptor (schema, capabilities, libraries) loads no platform library", () => {
    const specifiers = channelProviders.map((c) => `@openclaw/provider-${c.id}`);
    // A child process that records every module it resolves while importing the descriptors.
    const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
      for (const s of ${JSON.stringify(specifiers)}) await import(s);
      process.stdout.write(JSON.stringify(seen));
    `;
    const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
    const r = spawnSync(
      process.execPath,
      ['--conditions=@openclaw/source', '--input-type=module', '-e', script],
      { cwd: appDir, encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const loaded = JSON.parse(r.stdout) as string[];
    // It really read the descriptors (TypeBox and each provider's index, schema and capabilities)...
    expect(loaded.some((u) => u.includes('/@sinclair/typebox/'))).toBe(true);
    for (const file of ['index', 'config-schema', 'capabilities'])
      expect(
        new Set(loaded.filter((u) => /\/provider-[a-z]+\/src\//.test(u) && u.endsWith(`/src/${file}.ts`))),
      ).toHaveProperty('size', specifiers.length);
    // ...and nothing of a platform library.
    const platform =
      /\/node_modules\/(?:\.pnpm\/)?(?:telegraf|discord\.js|@discordjs|@slack|@whiskeysockets|baileys|axios|ws|qrcode|undici|libsignal)[@/+]/;
    expect(loaded.filter((u) => platform.test(u))).toEqual([]);
  });
});
