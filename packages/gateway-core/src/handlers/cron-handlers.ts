import { createHash } from 'node:crypto';
import type { CronJob, cronMethods } from '@openclaw/protocol';
import { type AgentCatalog, MAIN_AGENT_ID } from '../agents/agent-catalog.ts';
import { type CronService, jobDelivers } from '../cron/cron-service.ts';
import {
  alertFieldsFromAdd,
  alertFieldsFromPatch,
  checkAddDestination,
} from '../cron/failure-alert-input.ts';
import { checkJobAgent, jobAgentId } from '../cron/job-agent.ts';
import { checkTurnModels } from '../cron/job-turn.ts';
import { jobIdOf, queryJobs } from '../cron/list-query.ts';
import {
  actionFromPatch,
  checkedAction,
  deliveryPreview,
  jobInputFromAdd,
  scheduleFromInput,
} from '../cron/reference-job.ts';
import { filterRuns, filtersRuns, runRow, settleDelivery } from '../cron/run-rows.ts';
import type { FamilyHandlers } from '../router/router.ts';
import type { Store } from '../store/types.ts';
import { unknownAgent } from './agents-handlers.ts';

export interface CronDeps {
  cron: CronService;
  agents: AgentCatalog;
  /** Where a run's delivery outcome is read (its outbox record) and kept (on the run). */
  store: Pick<Store, 'outbox' | 'cron'>;
}

/** cron.*: thin over the scheduler; a job names the agent its turns run as. */
export function createCronHandlers({ cron, agents, store }: CronDeps): FamilyHandlers<typeof cronMethods> {
  /** An agent id a request names must be configured (a job's agent, a filter). */
  const known = (agentId: string | null | undefined) => {
    if (agentId && !agents.profile(agentId))
      throw unknownAgent(
        agentId,
        agents.list().map((a) => a.id),
        'INVALID_REQUEST',
      );
  };
  /**
   * A job row says who runs its turns now, as session rows do: its agent, or main once that agent
   * was removed from the config (the job keeps naming it).
   */
  const row = (job: CronJob): CronJob => {
    const own = jobAgentId(job);
    return { ...job, effectiveAgentId: agents.profile(own) ? own : MAIN_AGENT_ID };
  };
  /** One agent's jobs. A filter may name a removed agent that jobs still name; no one else. */
  const jobsOf = async (agentId: string) => {
    const jobs = (await cron.list(true)).filter((j) => jobAgentId(j) === agentId);
    if (!jobs.length) known(agentId);
    return jobs;
  };
  return {
    'cron.list': async (params) => {
      const { includeDisabled, enabled, agentId, limit, offset = 0 } = params;
      let jobs = agentId ? await jobsOf(agentId) : await cron.list(true);
      const which = enabled ?? (includeDisabled === false ? 'enabled' : 'all');
      if (which !== 'all') jobs = jobs.filter((j) => j.enabled === (which === 'enabled'));
      jobs = queryJobs(jobs, params);
      const previews = !params.compact && params.includeDeliveryPreviews !== false;
      const total = jobs.length;
      const page = jobs.slice(offset, limit === undefined ? undefined : offset + limit);
      const next = offset + page.length;
      return {
        jobs: page.map(row),
        // Pages of one listing belong together while this stays the same.
        snapshotRevision: `sha256:${createHash('sha256')
          .update(JSON.stringify(jobs.map((j) => [j.id, j.updatedAtMs, j.enabled])))
          .digest('base64url')}`,
        total,
        offset,
        limit: limit ?? Math.max(1, page.length),
        hasMore: next < total,
        nextOffset: next < total ? next : null,
        deliveryPreviews: previews ? Object.fromEntries(page.map((j) => [j.id, deliveryPreview(j)])) : {},
      };
    },
    'cron.get': async (params) => row(await cron.get(jobIdOf(params))),
    'cron.status': () => cron.status(),
    // Our layout (`action`) or the reference's (`payload`, `sessionTarget`, `delivery`, …).
    'cron.add': async (params) => {
      known(params.agentId);
      const alerts = alertFieldsFromAdd(params);
      const input = { ...jobInputFromAdd(params), ...alerts };
      checkAddDestination(alerts, input.action, params);
      checkTurnModels(input.action, agents.providerNames(), params.action ? '/action' : '/payload');
      // The paths name the fields the client sent, in its layout.
      checkJobAgent(
        { agentId: input.agentId ?? undefined, action: input.action },
        params.action ? '/action' : { sessionKey: '/sessionTarget', routeSessionKey: '/sessionKey' },
      );
      return row(await cron.add(input));
    },
    // Our fields, or the reference layout's laid over the job's reference view.
    'cron.update': async (params) => {
      const { patch } = params;
      const id = jobIdOf(params);
      known(patch.agentId);
      const job = await cron.get(id);
      const { name, agentId, description, displayName, enabled, schedule, missedPolicy, deleteAfterRun } =
        patch;
      // A patch with both layouts' fields is refused there, so neither is dropped.
      const action = actionFromPatch(job, patch) ?? (patch.action ? checkedAction(patch.action) : undefined);
      if (action)
        checkTurnModels(action, agents.providerNames(), patch.action ? '/patch/action' : '/patch/payload');
      const input = {
        ...{ name, agentId, description, displayName, enabled, missedPolicy, deleteAfterRun },
        ...(schedule ? { schedule: scheduleFromInput(schedule, '/patch') } : {}),
        ...(action ? { action } : {}),
        ...alertFieldsFromPatch(job, patch, action),
      };
      checkJobAgent(
        {
          agentId: agentId === null ? undefined : (agentId ?? job.agentId),
          action: action ?? job.action,
        },
        patch.action || !action
          ? '/patch/action'
          : { sessionKey: '/patch/sessionTarget', routeSessionKey: '/patch/sessionKey' },
      );
      return row(await cron.update(id, input));
    },
    'cron.remove': async (params) => {
      const id = jobIdOf(params);
      return { id, removed: await cron.remove(id) };
    },
    // `ok`/`enqueued` are what the reference CLI's `cron run` checks for its exit code.
    'cron.run': async (params) => {
      const { mode = 'force' } = params;
      const id = jobIdOf(params);
      if (mode === 'if-enabled' && !(await cron.get(id)).enabled)
        return { id, ok: true as const, enqueued: false, ran: false as const, reason: 'disabled' as const };
      const runId = mode === 'due' ? await cron.runIfDue(id) : await cron.runNow(id);
      if (runId === undefined)
        return { id, ok: true as const, enqueued: false, ran: false as const, reason: 'not-due' as const };
      return { id, ok: true as const, enqueued: true, runId, status: 'queued' as const };
    },
    'cron.runs': async (params) => {
      const { runId, limit = 50, offset = 0, agentId } = params;
      const id = params.scope === 'all' ? undefined : (params.id ?? params.jobId);
      // Filters read every row's delivery, so they look at the newest 200 runs.
      const filtered = filtersRuns(params);
      const own = agentId ? new Set((await jobsOf(agentId)).map((j) => j.id)) : undefined;
      let all = await cron.runs({
        jobId: id,
        runId,
        limit: agentId || filtered ? 200 : Math.min(limit + offset, 200),
      });
      if (own) all = all.filter((r) => own.has(r.jobId));
      if (!filtered) all = all.slice(0, Math.min(limit + offset, 200));
      // A run's completion is known when it had nothing to deliver: as recorded on the run, or for
      // older runs, an agent turn without delivery run under the job as it is now (a run before the
      // job's last change may have done otherwise).
      const job = id ? await cron.get(id).catch(() => undefined) : undefined;
      const quiet = (r: (typeof all)[number]) =>
        r.delivers !== undefined
          ? !r.delivers
          : job !== undefined && !jobDelivers(job) && r.startedAtMs >= job.updatedAtMs;
      const row = async (r: (typeof all)[number]) => {
        const { run, pending } = await settleDelivery(store, r);
        return runRow(run, quiet(run), pending);
      };
      if (filtered) {
        const rows = filterRuns(await Promise.all(all.map(row)), params);
        const runs = rows.slice(offset, offset + limit);
        const next = offset + runs.length;
        const hasMore = next < rows.length;
        return {
          runs,
          entries: runs,
          total: rows.length,
          offset,
          limit,
          hasMore,
          nextOffset: hasMore ? next : null,
        };
      }
      const runs = await Promise.all(all.slice(offset, offset + limit).map(row));
      // The store keeps the newest runs; a full page suggests there may be older ones.
      const hasMore = all.length === Math.min(limit + offset, 200) && runs.length === limit;
      return {
        runs,
        entries: runs,
        total: offset + runs.length,
        offset,
        limit,
        hasMore,
        nextOffset: hasMore ? offset + runs.length : null,
      };
    },
  };
}
