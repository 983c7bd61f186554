import { type DetailCode, gatewayError } from '@openclaw/protocol';
import { CronError, type CronService } from '../cron/cron-service.ts';
import type { HandlerTable } from '../router/router.ts';

async function typed<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CronError) {
      throw gatewayError(
        error.code === 'CRON_JOB_UNKNOWN' ? 'NOT_FOUND' : 'INVALID_REQUEST',
        error.code as DetailCode,
        error.message,
      );
    }
    throw error;
  }
}

/** cron.*: thin over the scheduler. */
export function createCronHandlers(cron: CronService): HandlerTable {
  return {
    'cron.list': async ({ includeDisabled }) => ({ jobs: await cron.list(includeDisabled ?? true) }),
    'cron.get': ({ id }) => typed(() => cron.get(id)),
    'cron.status': () => cron.status(),
    'cron.add': (params) => typed(() => cron.add(params)),
    'cron.update': ({ id, patch }) => typed(() => cron.update(id, patch)),
    'cron.remove': async ({ id }) => ({ id, removed: await cron.remove(id) }),
    'cron.run': async ({ id }) => ({
      id,
      runId: await typed(() => cron.runNow(id)),
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
