import { CoreError } from '../errors/core-error.ts';

/** Why a scheduler request failed: an unknown job, a schedule that cannot fire, a field not served. */
export class CronError extends CoreError<
  'CRON_JOB_UNKNOWN' | 'CRON_SCHEDULE_INVALID' | 'CRON_FIELD_UNSUPPORTED'
> {
  override name = 'CronError';
}
