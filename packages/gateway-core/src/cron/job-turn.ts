import { type CronPayloadInput, gatewayError } from '@openclaw/protocol';
import { ECHO_MODEL_REF, parseModelRef } from '../agent/model-registry.ts';
import { parseThinkingLevel } from '../agent/thinking.ts';
import type { CronJobRecord, JobTurnOptions, RunTurnOptions } from '../store/types.ts';
import { CronError } from './cron-error.ts';

type AgentAction = Extract<CronJobRecord['action'], { kind: 'agent' }>;
type TurnPayload = Extract<CronPayloadInput, { kind: 'agentTurn' }>;

/** The longest ceiling a run timer can hold (setTimeout's limit), in seconds. */
const MAX_TIMEOUT_SECONDS = 2_147_483;

/**
 * The options a reference `agentTurn` payload sets for the job's own turns, as the agent action
 * keeps them. Its thinking level is kept by its canonical name (a spelling that names no level is
 * refused with its path); unsafe external content is refused by name: it is always wrapped here.
 */
export function turnOptionsFromPayload(
  payload: Omit<TurnPayload, 'kind' | 'message'>,
  at: string,
): JobTurnOptions {
  const refuse = (field: string, why: string, value: unknown) =>
    new CronError('CRON_FIELD_UNSUPPORTED', `${at}/payload/${field}: ${why}`, {
      details: { path: `${at}/payload/${field}`, value },
    });
  if (payload.allowUnsafeExternalContent === true)
    throw refuse('allowUnsafeExternalContent', 'only false is served', true);
  const out: JobTurnOptions = {};
  if (payload.model !== undefined) out.model = payload.model;
  if (payload.fallbacks !== undefined) out.fallbacks = [...payload.fallbacks];
  if (payload.thinking !== undefined)
    out.thinking = parseThinkingLevel(payload.thinking, `${at}/payload/thinking`);
  if (payload.timeoutSeconds !== undefined) {
    // Whole seconds, as the reference CLI sends them; a fraction rounds up rather than cutting short.
    const seconds = Math.ceil(payload.timeoutSeconds);
    if (seconds > MAX_TIMEOUT_SECONDS)
      throw refuse('timeoutSeconds', `at most ${MAX_TIMEOUT_SECONDS} (0: the agent deadline)`, seconds);
    out.timeoutSeconds = seconds;
  }
  // A list naming "*" is every tool the agent has: no narrowing to keep.
  if (payload.toolsAllow !== undefined && !payload.toolsAllow.includes('*'))
    out.toolsAllow = [...payload.toolsAllow];
  if (payload.lightContext === true) out.lightContext = true;
  return out;
}

/** The options an agent action sets, as the reference's payload shows them (`cron.list`). */
export function turnView(a: AgentAction): {
  model?: string;
  fallbacks?: string[];
  timeoutSeconds?: number;
  toolsAllow?: string[];
  lightContext?: boolean;
  thinking?: string;
} {
  const out: ReturnType<typeof turnView> = {};
  if (a.model !== undefined) out.model = a.model;
  if (a.fallbacks !== undefined) out.fallbacks = [...a.fallbacks];
  if (a.thinking !== undefined) out.thinking = a.thinking;
  if (a.timeoutSeconds !== undefined) out.timeoutSeconds = a.timeoutSeconds;
  if (a.toolsAllow !== undefined) out.toolsAllow = [...a.toolsAllow];
  if (a.lightContext) out.lightContext = true;
  return out;
}

/** What a run of an agent job starts with: its ceiling, and what its turn asks for (if anything). */
export function runTurnOf(a: AgentAction): { timeoutMs?: number; turn?: RunTurnOptions } {
  const turn: RunTurnOptions = {};
  if (a.model !== undefined) turn.model = a.model;
  if (a.fallbacks !== undefined) turn.fallbacks = [...a.fallbacks];
  if (a.thinking !== undefined) turn.thinking = a.thinking;
  if (a.toolsAllow !== undefined) turn.toolsAllow = [...a.toolsAllow];
  if (a.lightContext) turn.lightContext = true;
  return {
    ...(a.timeoutSeconds ? { timeoutMs: a.timeoutSeconds * 1000 } : {}),
    ...(Object.keys(turn).length ? { turn } : {}),
  };
}

/**
 * A job's models must be ones this gateway can call: `provider/model` of a configured provider
 * (or the built-in echo). Checked when the job is saved, so a typo is refused then, not at 3 am.
 * `at`: where the action's fields are in the request (`/action`, `/payload`, `/patch/payload`, …).
 */
export function checkTurnModels(
  action: CronJobRecord['action'],
  providers: readonly string[],
  at: string,
): void {
  if (action.kind !== 'agent') return;
  const named: [string, string][] = [
    ...(action.model !== undefined ? [[`${at}/model`, action.model] as [string, string]] : []),
    ...(action.fallbacks ?? []).map((m, i) => [`${at}/fallbacks/${i}`, m] as [string, string]),
  ];
  for (const [path, ref] of named) {
    const parsed = parseModelRef(ref);
    if (!parsed || (parsed.provider === 'echo' && ref !== ECHO_MODEL_REF))
      throw gatewayError(
        'INVALID_REQUEST',
        'PARAMS_INVALID',
        `"${ref}" is not a model name (provider/model)`,
        {
          details: { path, reason: 'format', value: ref },
        },
      );
    if (parsed.provider !== 'echo' && !providers.includes(parsed.provider))
      throw gatewayError(
        'INVALID_REQUEST',
        'PROVIDER_UNKNOWN',
        `model "${ref}": no provider "${parsed.provider}" is configured (known: ${providers.join(', ')})`,
        { details: { path, provider: parsed.provider, known: ['echo', ...providers] } },
      );
  }
}
