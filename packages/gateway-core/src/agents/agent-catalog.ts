import type { ModelChoice } from '@openclaw/protocol';
import { ECHO_MODEL_REF, type ModelRegistry, parseModelRef } from '../agent/model-registry.ts';

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

  /** The default model, then the fallbacks in the order they are tried. */
  choices(): ModelChoice[] {
    return this.#models.candidates().map((ref, i) => {
      const m = this.#describe(ref);
      return {
        id: m.id,
        name: m.name,
        provider: m.provider,
        available: m.available,
        reasoning: false,
        tags: i === 0 ? ['default'] : ['fallback'],
      };
    });
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
