// What a scheduled agent turn may ask for itself, beyond the agent's own settings: its model and
// fallbacks, a time ceiling, fewer tools, no prompt file. Each applies to that job's runs only
// (a session's own model, `sessions.patch`, is left as it is). The same names as the reference's
// `agentTurn` payload, so a job reads the same in either layout.
import { Type } from '@sinclair/typebox';
import { NonEmptyString } from '../schema/primitives.ts';
import { thinkingLevelSchema } from '../schema/thinking.ts';

/** A `provider/model` a job's turns use (a provider the config names; checked when the job is saved). */
const ModelName = (description: string) => NonEmptyString(description, { maxLength: 256 });

/** The per-run options of an agent action (our layout); all optional. */
export const CronTurnOptions = {
  model: Type.Optional(
    ModelName(
      "The model the job's turns start on (provider/model), over the session's and the agent's; its provider must be configured.",
    ),
  ),
  fallbacks: Type.Optional(
    Type.Array(ModelName('A fallback model (provider/model).'), {
      maxItems: 16,
      description:
        "Models tried in order when the one before fails with a retryable error, instead of the agent's fallbacks; [] tries none.",
    }),
  ),
  timeoutSeconds: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 2_147_483,
      description:
        'A run that has not ended after this many seconds ends with a timeout error; 0 or absent: the agent deadline (agent.timeoutMs).',
    }),
  ),
  toolsAllow: Type.Optional(
    Type.Array(Type.String(), {
      maxItems: 64,
      description:
        'Only these of the agent\'s tools are offered to its turns (["*"]: all of them; []: none); never a tool agent.tools.allow/deny leaves out.',
    }),
  ),
  thinking: Type.Optional(
    thinkingLevelSchema(
      "The thinking level of the job's turns, over the session's and the agent's (off, minimal, low, medium, high, xhigh, adaptive, max); a model whose provider cannot take it gets the nearest level it can.",
    ),
  ),
  lightContext: Type.Optional(
    Type.Boolean({
      description:
        "true: the turns leave out the agent's prompt file (<state dir>/agents/<id>/SYSTEM.md), the reference's bootstrap context.",
    }),
  ),
};
