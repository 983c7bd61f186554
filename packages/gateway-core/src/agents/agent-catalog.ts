import { gatewayError, type ModelChoice } from '@openclaw/protocol';
import { ECHO_MODEL_REF, type ModelRegistry, parseModelRef } from '../agent/model-registry.ts';
import { modelDetails } from './model-details.ts';

/** The one agent this gateway runs: the configured backend answers every session. */
export const MAIN_AGENT_ID = 'main';
/** Name of an agent's main session: `agent:<id>:main` (the reference layout). */
export const MAIN_SESSION_NAME = 'main';
export const MAIN_SESSION_KEY = `agent:${MAIN_AGENT_ID}:${MAIN_SESSION_NAME}`;
/** The agent's display name when none is configured (the reference's default). */
export const DEFAULT_AGENT_NAME = 'Assistant';

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

  constructor(models: ModelRegistry) {
    this.#models = models;
  }

  model(): AgentModel {
    return this.#describe(this.#models.defaultRef());
  }

  /** `provider/model`, the reference's model reference format. */
  modelRef(): string {
    return this.#models.defaultRef();
  }

  /**
   * The default model, then the fallbacks in the order they are tried; only `provider`'s when
   * given (one the config does not name is refused), with each row's details when asked.
   */
  async choices(
    options: { provider?: string | undefined; details?: boolean | undefined } = {},
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
    const refs = this.#models.candidates();
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
        reasoning: false,
        tags: i === 0 ? ['default'] : ['fallback'],
        ...(options.details
          ? modelDetails(ref, m.provider, providers[m.provider]?.baseUrl, this.#models.agentConfig())
          : {}),
      });
    }
    return rows;
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
