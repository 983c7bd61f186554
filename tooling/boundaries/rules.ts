// The dependency direction, as data: apps → libraries → protocol, never back.
// Checked by boundaries.test.ts over every production source file.

export interface PackageRule {
  /** Workspace folder, e.g. packages/protocol. */
  folder: string;
  /** Bare import specifiers (package names, or prefixes ending in /) this package's source may use. */
  allow: (specifier: string) => boolean;
  /** Why, for the failure message. */
  rule: string;
}

const nodeBuiltin = (s: string) => s.startsWith('node:');
const workspace = (s: string) => s.startsWith('@openclaw/');
const isProvider = (s: string) => s.startsWith('@openclaw/provider-');
const isApp = (s: string) => /^@openclaw\/(gateway|cli|node-agent|control-ui)(\/|$)/.test(s);

export const rules: PackageRule[] = [
  {
    folder: 'packages/protocol',
    // Runtime-neutral: TypeBox only (src/node may use node built-ins).
    allow: (s) =>
      s === '@sinclair/typebox' || s.startsWith('@sinclair/typebox/') || s === '@openclaw/protocol',
    rule: 'protocol imports only TypeBox (node built-ins only under src/node)',
  },
  {
    folder: 'packages/gateway-core',
    allow: (s) =>
      nodeBuiltin(s) ||
      s === '@openclaw/protocol' ||
      s.startsWith('@sinclair/typebox') ||
      // The AI SDK: model providers for agent turns and tool calls.
      s === 'ai' ||
      s.startsWith('@ai-sdk/') ||
      // undici: the HTTP client under the model providers' fetch (agent/model-fetch.ts).
      s === 'undici' ||
      // file-type: MIME sniffing of stored media from its bytes.
      ['json5', 'pino', 'croner', 'prom-client', 'file-type'].includes(s),
    rule: 'gateway-core imports protocol, typebox, node built-ins and small focused libraries — no ws, fastify or platform SDK',
  },
  {
    folder: 'packages/channel-rest',
    allow: (s) => nodeBuiltin(s) || s === '@openclaw/gateway-core/channel' || s === 'axios',
    rule: "channel-rest is a kit for providers: axios, node built-ins and the core's adapter subpath only",
  },
  {
    folder: 'packages/store-redis',
    allow: (s) =>
      nodeBuiltin(s) || s === '@openclaw/gateway-core' || s === '@openclaw/protocol' || s === 'ioredis',
    rule: 'store-redis implements the core store and cluster seams on ioredis; nothing else',
  },
  {
    folder: 'packages/test-harness',
    // Test-only: it starts the apps by their entry files and imports none of them. The platform
    // fakes (test-only too, importing no app) back its gateway-with-a-scripted-model fixture.
    allow: (s) => nodeBuiltin(s) || s === '@openclaw/protocol' || s === '@openclaw/test-fakes' || s === 'ws',
    rule: 'the test harness spawns apps as processes and imports only the protocol, the platform fakes and ws',
  },
  {
    folder: 'apps/cli',
    allow: (s) =>
      nodeBuiltin(s) ||
      s === '@openclaw/protocol' ||
      s === '@openclaw/protocol/node' ||
      ['commander', 'json5', 'qrcode-terminal', 'string-width'].includes(s),
    rule: 'the CLI talks to the gateway through the protocol only (gateway run loads the gateway app lazily)',
  },
  {
    folder: 'apps/node-agent',
    allow: (s) =>
      nodeBuiltin(s) ||
      s === '@openclaw/protocol' ||
      s === '@openclaw/protocol/node' ||
      s === 'playwright-core',
    rule: 'node-agent imports only the protocol',
  },
  {
    folder: 'apps/control-ui',
    // Browser code: no Node built-ins, no gateway code; the gateway only through the protocol.
    // The one other import is the bundled typeface's stylesheet (CSS and font files, no code).
    allow: (s) =>
      s === '@openclaw/protocol' || s === 'lit' || s.startsWith('lit/') || s === '@fontsource-variable/inter',
    rule: 'the Control UI talks to the gateway through the protocol only, renders with lit, and ships its typeface',
  },
  {
    folder: 'apps/gateway',
    allow: (s) => nodeBuiltin(s) || (workspace(s) && !isApp(s)) || !workspace(s),
    rule: 'the gateway app composes libraries; it never imports another app',
  },
];

/** The apps' package names: no package, and no other app, may import one. */
export const appPackages = [
  '@openclaw/gateway',
  '@openclaw/cli',
  '@openclaw/node-agent',
  '@openclaw/control-ui',
];

/**
 * Providers: only the adapter subpath of gateway-core (and the REST kit beside it), their platform
 * library, node built-ins.
 */
export const providerRule = (specifier: string): boolean =>
  nodeBuiltin(specifier) ||
  specifier === '@openclaw/gateway-core/channel' ||
  specifier === '@openclaw/channel-rest' ||
  specifier === '@openclaw/protocol' ||
  (!workspace(specifier) && !isProvider(specifier));

/** Files allowed a dynamic import that would otherwise break the rule, and what they may load. */
export const lazyExceptions: Record<string, string[]> = {
  'apps/cli/src/commands/gateway-run.ts': ['@openclaw/gateway/main'],
};
