import type { GatewayConfig } from '@openclaw/protocol';
import { agentProfile } from '../agents/agent-catalog.ts';
import type { Logger } from '../logging/logger.ts';
import { echoResponder, type Responder } from '../sessions/responder.ts';
import type { Store } from '../store/types.ts';
import type { RunUsageSink } from './agent-runtime.ts';
import { ECHO_MODEL_REF, type ModelRegistry } from './model-registry.ts';
import type { SessionCompactor } from './session-compactor.ts';
import { sessionModel } from './session-model.ts';
import { sessionThinking } from './session-thinking.ts';
import { type AgentToolServices, agentTools } from './tools/agent-tools.ts';
import { turnCandidates } from './turn-options.ts';

export interface ConfiguredResponderOptions {
  config: () => GatewayConfig;
  models: ModelRegistry;
  compactor: SessionCompactor;
  store: Store;
  /** The agent a session belongs to (its model, tools and prompt answer it). */
  agentOf: (sessionKey: string) => string;
  /** Where each run's model calls are accounted. */
  usage?: RunUsageSink | undefined;
  stateDir?: string | undefined;
  log: Logger;
  /** What the tools drive; read on the first model turn, when every service exists. */
  tools: () => AgentToolServices;
}

/**
 * What answers a turn: `echo/echo` at once, any other model through the agent runtime (models,
 * tools, tool loop), which is loaded and built on the first turn a model answers — a gateway whose
 * turns all go to echo never loads the AI SDK.
 */
export function configuredResponder(o: ConfiguredResponderOptions): () => Responder {
  let runtime: Promise<Responder> | undefined;
  let loaded: Responder | undefined;
  const load = () =>
    import('./agent-runtime.ts')
      .then(({ createAgentRuntime }) =>
        createAgentRuntime({
          config: () => o.config().agent,
          models: o.models,
          tools: agentTools(o.tools()),
          sessionModel: (key) => sessionModel(o.store.kv, key),
          sessionThinking: (key) => sessionThinking(o.store.kv, key),
          agent: (key) => agentProfile(o.config(), o.agentOf(key))!,
          compactor: o.compactor,
          usage: o.usage,
          stateDir: o.stateDir,
          log: o.log,
        }),
      )
      .then((r) => {
        loaded = r;
        return r;
      });
  const responder: Responder = {
    name: 'models',
    prepare: (sessionKey) => loaded?.prepare?.(sessionKey),
    respond: async (input, onDelta) => {
      const model = turnCandidates(
        o.models,
        await sessionModel(o.store.kv, input.sessionKey),
        o.agentOf(input.sessionKey),
        input.turn,
      )[0];
      if (model === ECHO_MODEL_REF) return echoResponder.respond(input, onDelta);
      runtime ??= load();
      return (await runtime).respond(input, onDelta);
    },
  };
  return () => responder;
}
