import type { CronFailurePolicy, CronFailureRoute, CronJobRecord } from '../store/types.ts';

/** A new job as the scheduler takes it (either layout of `cron.add` comes down to this). */
export type JobInput = Pick<CronJobRecord, 'name' | 'schedule' | 'action'> &
  Partial<Pick<CronJobRecord, 'description' | 'enabled' | 'missedPolicy' | 'deleteAfterRun'>> & {
    /** null: no agent declared (as absent). */
    agentId?: string | null | undefined;
    /** null (a patch): remove the label. */
    displayName?: string | null | undefined;
    /** null (a patch): back to the defaults. */
    failureAlert?: false | CronFailurePolicy | null | undefined;
    /** null (a patch): remove it. */
    failureDestination?: CronFailureRoute | null | undefined;
    /** The reference's delivery.bestEffort; null (a patch): remove it. */
    bestEffort?: true | null | undefined;
  };
