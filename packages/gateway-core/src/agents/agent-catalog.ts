import type { GatewayConfig, ModelChoice } from '@openclaw/protocol';

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
 * What is true about the agent and its model, read from the live config: `echo` (built in) or
 * the OpenAI-compatible server with its configured model name. Nothing here is guessed.
 */
export class AgentCatalog {
  readonly #config: () => GatewayConfig;
  readonly #hasApiKey: () => Promise<boolean>;

  constructor(config: () => GatewayConfig, hasApiKey: () => Promise<boolean>) {
    this.#config = config;
    this.#hasApiKey = hasApiKey;
  }

  model(): AgentModel {
    const agent = this.#config().agent;
    if (agent.backend === 'echo')
      return { provider: 'echo', id: 'echo', name: 'Echo (built in)', available: true };
    const id = agent.openai.model.trim();
    return {
      provider: 'openai-compatible',
      id: id || 'unset',
      name: id || 'no model set',
      available: id !== '',
    };
  }

  /** `provider/model`, the reference's model reference format. */
  modelRef(): string {
    const m = this.model();
    return `${m.provider}/${m.id}`;
  }

  choices(): ModelChoice[] {
    const m = this.model();
    return [
      {
        id: m.id,
        name: m.name,
        provider: m.provider,
        available: m.available,
        reasoning: false,
        tags: ['default'],
      },
    ];
  }

  /** echo needs no credential; an OpenAI-compatible server has one when the env var or key file holds it. */
  async credentialFound(): Promise<boolean> {
    return this.#config().agent.backend === 'echo' ? true : this.#hasApiKey();
  }
}
