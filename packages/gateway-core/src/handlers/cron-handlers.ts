import type { cronMethods } from '@openclaw/protocol';
import type { CronService } from '../cron/cron-service.ts';
import type { FamilyHandlers } from '../router/router.ts';

export interface CronDeps {
  cron: CronService;
}

/** cron.*: thin over the scheduler. */
export function createCronHandlers({ cron }: CronDeps): FamilyHandlers<typeof cronMethods> {
  return {
    'cron.list': async ({ includeDisabled }) => ({ jobs: await cron.list(includeDisabled ?? true) }),
    'cron.get': ({ id }) => cron.get(id),
    'cron.status': () => cron.status(),
    'cron.add': (params) => cron.add(params),
    'cron.update': ({ id, patch }) => cron.update(id, patch),
    'cron.remove': async ({ id }) => ({ id, removed: await cron.remove(id) }),
    'cron.run': async ({ id }) => ({
      id,
      runId: await cron.runNow(id),
      status: 'queued' as const,
    }),
    'cron.runs': async ({ id, runId, limit }) => ({
      runs: (await cron.runs({ jobId: id, runId, limit })).map((r) => {
        const { error, agentRunId, ...rest } = r;
        return {
          ...rest,
          ...(error !== undefined ? { error } : {}),
          ...(agentRunId !== undefined ? { agentRunId } : {}),
        };
      }),
    }),
  };
}
