import { GatewayError } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import type { CronJobRecord } from '../store/types.ts';
import { storedCronJob } from '../testing/cron-job.ts';
import { checkTurnModels, runTurnOf } from './job-turn.ts';
import { actionFromPatch, jobInputFromAdd, referenceView } from './reference-job.ts';

type AgentAction = Extract<CronJobRecord['action'], { kind: 'agent' }>;

const job = (action: CronJobRecord['action']): CronJobRecord => storedCronJob(action);

/** What `cron add --model … --fallbacks … --timeout-seconds … --tools … --light-context` sends. */
const withOptions = {
  name: 'brief',
  schedule: { kind: 'every' as const, everyMs: 600_000 },
  sessionTarget: 'isolated' as const,
  wakeMode: 'now' as const,
  payload: {
    kind: 'agentTurn' as const,
    message: 'summarise',
    model: 'openai-compatible/small',
    fallbacks: ['openai-compatible/big'],
    timeoutSeconds: 90,
    toolsAllow: ['message', 'sessions'],
    lightContext: true,
  },
  delivery: { mode: 'none' as const },
};

const errorOf = (f: () => unknown): GatewayError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    return e as GatewayError;
  }
  throw new Error('not refused');
};

describe("a job's own turn options", () => {
  it('are kept on the agent action and shown back in the reference payload', () => {
    const { action } = jobInputFromAdd(withOptions);
    expect(action).toEqual({
      kind: 'agent',
      message: 'summarise',
      freshSession: true,
      model: 'openai-compatible/small',
      fallbacks: ['openai-compatible/big'],
      timeoutSeconds: 90,
      toolsAllow: ['message', 'sessions'],
      lightContext: true,
    });
    expect(referenceView(job(action)).payload).toEqual(withOptions.payload);
    // "*" is every tool of the agent, false is the default: nothing to keep; a fraction rounds up.
    const plain = jobInputFromAdd({
      ...withOptions,
      payload: {
        kind: 'agentTurn',
        message: 'm',
        toolsAllow: ['*'],
        lightContext: false,
        timeoutSeconds: 1.2,
      },
    });
    expect(plain.action).toEqual({ kind: 'agent', message: 'm', freshSession: true, timeoutSeconds: 2 });
    // An empty fallback list is a strict run (no fallbacks), not "the agent's".
    const strict = jobInputFromAdd({
      ...withOptions,
      payload: { kind: 'agentTurn', message: 'm', fallbacks: [] },
    });
    expect((strict.action as AgentAction).fallbacks).toEqual([]);
  });

  it('a run gets the ceiling in ms and the rest as its turn; 0 leaves the agent deadline', () => {
    const { action } = jobInputFromAdd(withOptions);
    expect(runTurnOf(action as AgentAction)).toEqual({
      timeoutMs: 90_000,
      turn: {
        model: 'openai-compatible/small',
        fallbacks: ['openai-compatible/big'],
        toolsAllow: ['message', 'sessions'],
        lightContext: true,
      },
    });
    expect(runTurnOf({ kind: 'agent', message: 'm', timeoutSeconds: 0 })).toEqual({});
    expect(runTurnOf({ kind: 'agent', message: 'm', toolsAllow: [] })).toEqual({ turn: { toolsAllow: [] } });
    // A job's thinking level is its runs' own (over the session's and the agent's).
    expect(runTurnOf({ kind: 'agent', message: 'm', thinking: 'high' })).toEqual({
      turn: { thinking: 'high' },
    });
  });

  it('a patch sets, replaces and clears them (null, false, ["*"]); what it does not name stays', () => {
    const stored = job(jobInputFromAdd(withOptions).action);
    expect(
      actionFromPatch(stored, { payload: { kind: 'agentTurn', model: 'anthropic/claude' } }),
    ).toMatchObject({
      model: 'anthropic/claude',
      fallbacks: ['openai-compatible/big'],
      timeoutSeconds: 90,
    });
    const cleared = actionFromPatch(stored, {
      payload: { kind: 'agentTurn', model: null, fallbacks: null, toolsAllow: ['*'], lightContext: false },
    });
    expect(cleared).toEqual({ kind: 'agent', message: 'summarise', freshSession: true, timeoutSeconds: 90 });
    expect(actionFromPatch(stored, { payload: { kind: 'agentTurn', timeoutSeconds: 5 } })).toMatchObject({
      timeoutSeconds: 5,
      model: 'openai-compatible/small',
    });
  });

  it('a model must name a configured provider, checked when the job is saved', () => {
    const providers = ['openai-compatible', 'openai', 'anthropic'];
    const action: AgentAction = { kind: 'agent', message: 'm', model: 'openai-compatible/small' };
    expect(() => checkTurnModels(action, providers, '/payload')).not.toThrow();
    expect(() => checkTurnModels({ ...action, model: 'echo/echo' }, providers, '/action')).not.toThrow();
    const unknown = errorOf(() => checkTurnModels({ ...action, model: 'vllm/qwen' }, providers, '/payload'));
    expect(unknown.code).toBe('INVALID_REQUEST');
    expect(unknown.details).toMatchObject({
      code: 'PROVIDER_UNKNOWN',
      path: '/payload/model',
      provider: 'vllm',
    });
    expect(unknown.message).toMatch(/no provider "vllm" is configured/);
    const fallback = errorOf(() =>
      checkTurnModels({ ...action, fallbacks: ['openai/gpt', 'nope'] }, providers, '/patch/payload'),
    );
    expect(fallback.details).toMatchObject({ code: 'PARAMS_INVALID', path: '/patch/payload/fallbacks/1' });
    // echo is one model, not a provider of any name.
    expect(
      errorOf(() => checkTurnModels({ ...action, model: 'echo/other' }, providers, '/action')).details,
    ).toMatchObject({ code: 'PARAMS_INVALID', path: '/action/model' });
    // A send has no model.
    expect(() => checkTurnModels({ kind: 'send', to: '1', message: 'x' }, [], '/action')).not.toThrow();
  });
});
