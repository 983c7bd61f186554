import {
  DEFAULT_AGENT_ID,
  type GatewayConfig,
  gatewayError,
  type ModelChoice,
  type ReasoningLevel,
  type ThinkingLevel,
} from '@openclaw/protocol';
import { ECHO_MODEL_REF, type ModelRegistry, parseModelRef } from '../agent/model-registry.ts';
import { apiOf } from '../agent/session-thinking.ts';
import { levelFor, levelsFor } from '../agent/thinking.ts';
import { agentIdInKey } from './agent-routing.ts';
import { modelDetails } from './model-details.ts';

/** The default agent: the `agent` section's models, tools and prompt, and every unrouted chat. */
export const MAIN_AGENT_ID = DEFAULT_AGENT_ID;
/** Name of an agent's main session: `agent:<id>:main` (the reference layout). */
export const MAIN_SESSION_NAME = 'main';
export const MAIN_SESSION_KEY = `agent:${MAIN_AGENT_ID}:${MAIN_SESSION_NAME}`;
/** The agent's display name when none is configured (the reference's default). */
export const DEFAULT_AGENT_NAME = 'Assistant';

/** One agent as a turn needs it: what its entry in agents.list says, over the agent section. */
export interface AgentProfile {
  id: string;
  /** Configured display name, if any. */
  name: string | undefined;
  /** Its own model and fallbacks; undefined: the agent section's. */
  model: { primary: string; fallbacks: string[] } | undefined;
  /** Its own tool lists; undefined: agent.tools. */
  tools: { allow?: string[] | undefined; deny: string[] } | undefined;
  /** Its own system prompt; undefined: agent.openai.systemPrompt. */
  systemPrompt: string | undefined;
  /** Its own default thinking level; undefined: agent.thinkingDefault. */
  thinkingDefault?: ThinkingLevel | undefined;
  /** Its own default reasoning visibility; undefined: agent.reasoningDefault. */
  reasoningDefault?: ReasoningLevel | undefined;
}

/** The agent `id` as configured (main always exists), or undefined for an id no one configured. */
export function agentProfile(config: GatewayConfig, id: string): AgentProfile | undefined {
  const entry = config.agents.list.find((a) => a.id === id);
  if (!entry)
    return id === MAIN_AGENT_ID
      ? { id, name: undefined, model: undefined, tools: undefined, systemPrompt: undefined }
      : undefined;
  const m = entry.model;
  return {
    id,
    name: entry.name,
    model:
      m === undefined
        ? undefined
        : typeof m === 'string'
          ? { primary: m, fallbacks: [] }
          : { primary: m.primary, fallbacks: m.fallbacks ?? [] },
    tools: entry.tools ? { allow: entry.tools.allow, deny: entry.tools.deny ?? [] } : undefined,
    systemPrompt: entry.systemPrompt,
    ...(entry.thinkingDefault ? { thinkingDefault: entry.thinkingDefault } : {}),
    ...(entry.reasoningDefault ? { reasoningDefault: entry.reasoningDefault } : {}),
  };
}

/** The agent that answers a session: the one its key names when configured, else main. */
export function sessionAgentId(config: GatewayConfig, sessionKey: string): string {
  const id = agentIdInKey(sessionKey);
  return id !== undefined && config.agents.list.some((a) => a.id === id) ? id : MAIN_AGENT_ID;
}

/** The thinking fields of an agent's or a model's row, in the reference's names. */
export interface ThinkingFields {
  /** Thinking levels are sent to the model (its provider's API takes them; echo ignores them). */
  reasoning: boolean;
  thinkingLevels: { id: ThinkingLevel; label: ThinkingLevel }[];
  thinkingOptions: ThinkingLevel[];
  /** The level a turn runs at when neither it nor its session names one, as this model takes it. */
  thinkingDefault: ThinkingLevel;
}

export interface AgentModel {
  provider: string;
  id: string;
  name: string;
  /** Configured well enough to answer (a model name is set). */
  available: boolean;
}

/**
 * What is true about the agent and its models, read from the live config: the default model
 * (`echo/echo` built in, or `provider/model` through the AI SDK) and the fallbacks after it.
 * Nothing here is guessed.
 */
export class AgentCatalog {
  readonly #models: ModelRegistry;
  readonly #config: () => GatewayConfig;

  constructor(models: ModelRegistry, config: () => GatewayConfig) {
    this.#models = models;
    this.#config = config;
  }

  /** Every agent: main first, then the others in the order configured. */
  list(): AgentProfile[] {
    const cfg = this.#config();
    const ids = [MAIN_AGENT_ID, ...cfg.agents.list.map((a) => a.id).filter((id) => id !== MAIN_AGENT_ID)];
    return ids.map((id) => agentProfile(cfg, id)!);
  }

  /** One agent, or undefined when no agent has that id. */
  profile(id: string): AgentProfile | undefined {
    return agentProfile(this.#config(), id);
  }

  /** The agent a session belongs to (see sessionAgentId). */
  agentOf(sessionKey: string): string {
    return sessionAgentId(this.#config(), sessionKey);
  }

  model(): AgentModel {
    return this.#describe(this.#models.defaultRef());
  }

  /** `provider/model`, the reference's model reference format (of main, or of the agent named). */
  modelRef(agentId?: string): string {
    return this.#models.defaultRef(agentId);
  }

  /** The fallbacks of an agent, in the order they are tried. */
  fallbacks(agentId?: string): string[] {
    return this.#models.candidates(undefined, agentId).slice(1);
  }

  /**
   * An agent's (main's unless named) default model, then its fallbacks in the order they are tried; only `provider`'s when
   * given (one the config does not name is refused), with each row's details when asked.
   */
  async choices(
    options: {
      agentId?: string | undefined;
      provider?: string | undefined;
      details?: boolean | undefined;
    } = {},
  ): Promise<ModelChoice[]> {
    const providers = this.#models.providers();
    if (options.provider !== undefined && options.provider !== 'echo' && !(options.provider in providers)) {
      throw gatewayError(
        'INVALID_REQUEST',
        'PROVIDER_UNKNOWN',
        `unknown model provider "${options.provider}"`,
        {
          details: { provider: options.provider, known: ['echo', ...Object.keys(providers)] },
        },
      );
    }
    const rows: ModelChoice[] = [];
    const refs = this.#models.candidates(undefined, options.agentId);
    for (const [i, ref] of refs.entries()) {
      const m = this.#describe(ref);
      if (options.provider !== undefined && m.provider !== options.provider) continue;
      const noKey = m.available && (await this.#models.keyMissing(m.provider));
      rows.push({
        id: m.id,
        name: m.name,
        provider: m.provider,
        available: m.available && !noKey,
        ...(noKey ? { unavailableReason: 'missing-auth' as const } : {}),
        ...modelThinking(this.thinking(ref, options.agentId)),
        tags: i === 0 ? ['default'] : ['fallback'],
        ...(options.details
          ? modelDetails(ref, m.provider, providers[m.provider]?.baseUrl, this.#models.agentConfig())
          : {}),
      });
    }
    return rows;
  }

  /**
   * What thinking a model (`ref`) takes as an agent (main's unless named) uses it: the levels of
   * its provider's API and the agent's default level (its own, else agent.thinkingDefault, else
   * off) as that model takes it. No per-model knowledge: whether a model of an OpenAI-compatible
   * server actually reasons is not known here.
   */
  thinking(ref: string, agentId?: string): ThinkingFields {
    const api = ref === ECHO_MODEL_REF ? undefined : apiOf(this.#models, ref);
    const levels = levelsFor(api);
    const own = this.profile(agentId ?? MAIN_AGENT_ID)?.thinkingDefault;
    return {
      reasoning: api !== undefined,
      thinkingLevels: levels.map((id) => ({ id, label: id })),
      thinkingOptions: [...levels],
      thinkingDefault: levelFor(own ?? this.#config().agent.thinkingDefault ?? 'off', api),
    };
  }

  /** The model providers the config names (the built-in echo aside). */
  providerNames(): string[] {
    return Object.keys(this.#models.providers());
  }

  /** echo needs no credential; a provider has one when its env var or key file holds it. */
  credentialFound(): Promise<boolean> {
    return this.#models.credentialFound();
  }

  #describe(ref: string): AgentModel {
    if (ref === ECHO_MODEL_REF)
      return { provider: 'echo', id: 'echo', name: 'Echo (built in)', available: true };
    const parsed = parseModelRef(ref);
    const provider = parsed?.provider ?? 'unknown';
    const id = parsed?.modelId ?? 'unset';
    const known = provider in this.#models.providers();
    return {
      provider,
      id,
      name: id === 'unset' ? 'no model set' : id,
      available: known && id !== 'unset',
    };
  }
}

/** A model row's thinking fields (the reference's ModelChoice has no thinkingOptions). */
function modelThinking({ thinkingOptions: _options, ...fields }: ThinkingFields) {
  return fields;
}
