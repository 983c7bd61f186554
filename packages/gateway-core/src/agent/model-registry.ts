import { join } from 'node:path';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { DEFAULT_AGENT_ID, type GatewayConfig } from '@openclaw/protocol';
import { RecentFiles } from '../util/recent-files.ts';
import { BackendError } from './backend-error.ts';
import { type ToolResultImages, toolResultImagesOf } from './tool-result-images.ts';

type AgentConfig = GatewayConfig['agent'];

/** The built-in deterministic model (`agent.backend: echo`). */
export const ECHO_MODEL_REF = 'echo/echo';

interface ProviderSettings {
  api: 'openai-compatible' | 'openai' | 'anthropic';
  baseUrl?: string | undefined;
  toolResultImages?: ToolResultImages | undefined;
  apiKeyEnv?: string | undefined;
  apiKeyFile?: string | undefined;
}

/** One model ready to call, or the echo model. */
export interface ResolvedModel {
  ref: string;
  provider: string;
  modelId: string;
  /** The provider's API (undefined for the echo model). */
  api?: ProviderSettings['api'] | undefined;
  /** Undefined for the echo model. */
  model: LanguageModelV4 | undefined;
  baseUrl?: string | undefined;
  /** Where its tool results carry pictures (see toolResultImagesOf); undefined for echo. */
  toolResultImages?: ToolResultImages | undefined;
}

export interface ModelRegistryOptions {
  config: () => AgentConfig;
  /** An agent's own model and fallbacks (agents.list); undefined: the agent section's. */
  agentModel?: ((agentId: string) => { primary: string; fallbacks: string[] } | undefined) | undefined;
  /** Where the default key file of the `openai-compatible` provider lives (`<state dir>/agent-api-key`). */
  stateDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

/** Splits `provider/model`; the model part may itself contain slashes (`openrouter/meta/llama`). */
export function parseModelRef(ref: string): { provider: string; modelId: string } | undefined {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return undefined;
  return { provider: ref.slice(0, slash), modelId: ref.slice(slash + 1) };
}

/**
 * Models by name (`provider/model`) through the AI SDK: the configured default, the fallbacks in
 * order, and the providers they live at. Keys are read on each resolve (env var, or a file read at
 * most once a second; a turn resolves its models once), so a rotated key applies without a
 * restart, and never come from the config file.
 */
export class ModelRegistry {
  readonly #o: ModelRegistryOptions;
  /**
   * Models built before, by everything they were built from (key included, so a rotated key builds
   * a new one): a provider's model compiles its stream schemas when it is made, which a turn should
   * not pay for each time.
   */
  readonly #built = new Map<string, LanguageModelV4>();
  /** Key files, read at most once a second each (a turn resolves its models on its path). */
  readonly #files = new RecentFiles();

  constructor(options: ModelRegistryOptions) {
    this.#o = options;
  }

  /** The agent settings the models are read from (live). */
  agentConfig(): AgentConfig {
    return this.#o.config();
  }

  /** The model a session of the agent (main unless named) uses when it names none. */
  defaultRef(agentId: string = DEFAULT_AGENT_ID): string {
    return this.#o.agentModel?.(agentId)?.primary ?? this.#sectionDefault();
  }

  /**
   * The models a turn tries, in order: the session's (or its agent's default), then the agent's
   * fallbacks (an agent with its own model has only its own), or `fallbacks` when given.
   */
  candidates(
    preferred?: string | undefined,
    agentId: string = DEFAULT_AGENT_ID,
    fallbacks?: readonly string[] | undefined,
  ): string[] {
    const own = this.#o.agentModel?.(agentId);
    const after = fallbacks ?? (own ? own.fallbacks : this.#o.config().fallbacks);
    return [...new Set([preferred ?? own?.primary ?? this.#sectionDefault(), ...after])];
  }

  /** The agent section's default model. */
  #sectionDefault(): string {
    const a = this.#o.config();
    if (a.model) return a.model;
    if (a.backend === 'echo') return ECHO_MODEL_REF;
    return `openai-compatible/${a.openai.model.trim() || 'unset'}`;
  }

  /** Providers by name: the built-in ones, overridden by `agent.providers`. */
  providers(): Record<string, ProviderSettings> {
    const a = this.#o.config();
    return {
      'openai-compatible': {
        api: 'openai-compatible',
        baseUrl: a.openai.baseUrl,
        apiKeyEnv: a.openai.apiKeyEnv,
        apiKeyFile:
          a.openai.apiKeyFile ?? (this.#o.stateDir ? join(this.#o.stateDir, 'agent-api-key') : undefined),
        toolResultImages: a.openai.toolResultImages,
      },
      openai: { api: 'openai', apiKeyEnv: 'OPENAI_API_KEY' },
      anthropic: { api: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY' },
      ...a.providers,
    };
  }

  /** Whether a key is found for the default model's provider (echo needs none). */
  async credentialFound(): Promise<boolean> {
    const parsed = parseModelRef(this.defaultRef());
    if (!parsed || parsed.provider === 'echo') return true;
    const p = this.providers()[parsed.provider];
    return p ? (await this.#key(p)) !== undefined : false;
  }

  /**
   * Whether a model of `provider` can be called for want of a key: false only for a hosted API
   * (OpenAI's, Anthropic's) with no key found; an OpenAI-compatible server may need none.
   */
  async keyMissing(provider: string): Promise<boolean> {
    const p = this.providers()[provider];
    if (!p || p.api === 'openai-compatible') return false;
    return (await this.#key(p)) === undefined;
  }

  async resolve(ref: string): Promise<ResolvedModel> {
    const parsed = parseModelRef(ref);
    if (!parsed)
      throw new BackendError('BACKEND_CONFIG', `"${ref}" is not a model name (expected provider/model)`);
    const { provider, modelId } = parsed;
    if (provider === 'echo') return { ref, provider, modelId, model: undefined };
    const p = this.providers()[provider];
    if (!p)
      throw new BackendError(
        'BACKEND_CONFIG',
        `no model provider "${provider}" (agent.providers names ${Object.keys(this.providers()).join(', ')})`,
      );
    if (provider === 'openai-compatible' && modelId === 'unset')
      throw new BackendError('BACKEND_CONFIG', 'agent.openai.model is not set');
    const apiKey = await this.#key(p);
    const { url: baseURL, headers } = credentialsApart(p.baseUrl?.replace(/\/+$/, ''), apiKey);
    const cacheKey = JSON.stringify([p.api, provider, modelId, baseURL, apiKey, headers]);
    const cached = this.#built.get(cacheKey);
    const described = {
      ref,
      provider,
      modelId,
      api: p.api,
      baseUrl: p.baseUrl?.replace(/\/+$/, ''),
      toolResultImages: toolResultImagesOf(p.api, p.toolResultImages),
    };
    if (cached) return { ...described, model: cached };
    let model: LanguageModelV4;
    // Provider packages load on first use, like the platform SDKs of channels.
    const { modelFetch: fetch } = await import('./model-fetch.ts');
    switch (p.api) {
      case 'openai-compatible': {
        const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
        model = createOpenAICompatible({
          name: provider,
          baseURL: baseURL ?? 'http://127.0.0.1:11434/v1',
          ...(apiKey ? { apiKey } : {}),
          ...(headers ? { headers } : {}),
          includeUsage: true,
          fetch,
          // A tool result may carry a picture (a canvas snapshot) as an image part.
          supportsMultiPartToolContent: true,
        }).chatModel(modelId);
        break;
      }
      case 'openai': {
        const { createOpenAI } = await import('@ai-sdk/openai');
        model = createOpenAI({
          fetch,
          ...(baseURL ? { baseURL } : {}),
          ...(apiKey ? { apiKey } : {}),
          ...(headers ? { headers } : {}),
        }).chat(modelId);
        break;
      }
      case 'anthropic': {
        const { createAnthropic } = await import('@ai-sdk/anthropic');
        model = createAnthropic({
          fetch,
          ...(baseURL ? { baseURL } : {}),
          ...(apiKey ? { apiKey } : {}),
          ...(headers ? { headers } : {}),
        })(modelId);
        break;
      }
    }
    // A handful of models in practice; the bound only guards against keys rotating without end.
    if (this.#built.size >= 32) this.#built.clear();
    this.#built.set(cacheKey, model);
    return { ...described, model };
  }

  async #key(p: ProviderSettings): Promise<string | undefined> {
    const env = this.#o.env ?? process.env;
    const fromEnv = p.apiKeyEnv ? env[p.apiKeyEnv]?.trim() : undefined;
    if (fromEnv) return fromEnv;
    if (!p.apiKeyFile) return undefined;
    return (await this.#files.read(p.apiKeyFile))?.trim() || undefined;
  }
}

/**
 * fetch refuses a URL with credentials in it, so `http://user:pass@host/v1` (a server behind basic
 * auth) becomes the bare URL and, unless an API key is configured, an Authorization header.
 */
function credentialsApart(
  base: string | undefined,
  apiKey: string | undefined,
): { url: string | undefined; headers: Record<string, string> | undefined } {
  if (!base) return { url: base, headers: undefined };
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    return { url: base, headers: undefined };
  }
  if (!u.username && !u.password) return { url: base, headers: undefined };
  const basic = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString(
    'base64',
  );
  u.username = '';
  u.password = '';
  return {
    url: u.toString().replace(/\/+$/, ''),
    headers: apiKey ? undefined : { Authorization: `Basic ${basic}` },
  };
}
