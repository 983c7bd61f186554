import { Type } from '@sinclair/typebox';
import type { CronService } from '../../cron/cron-service.ts';
import { jobAgentId } from '../../cron/job-agent.ts';
import { defineTool } from './agent-tool.ts';

export const CronToolInput = Type.Object(
  {
    action: Type.Union([Type.Literal('add'), Type.Literal('list'), Type.Literal('remove')], {
      description: "add: schedule a turn of this agent. list: this agent's jobs. remove: delete one of them.",
    }),
    name: Type.Optional(Type.String({ description: 'add: a name for the job.' })),
    message: Type.Optional(Type.String({ description: 'add: what the scheduled turn is asked.' })),
    cron: Type.Optional(Type.String({ description: 'add: a cron expression (5 or 6 fields).' })),
    tz: Type.Optional(Type.String({ description: 'add: IANA time zone of the cron expression.' })),
    everyMs: Type.Optional(Type.Integer({ minimum: 1000, description: 'add: run every this many ms.' })),
    at: Type.Optional(Type.String({ description: 'add: run once at this ISO time.' })),
    jobId: Type.Optional(Type.String({ description: 'remove: the job.' })),
  },
  { additionalProperties: false },
);

/**
 * `cron`: the agent schedules its own work (turns of this agent in this session), lists and
 * removes its jobs; another agent's jobs are not its to see or remove.
 */
export function cronTool(cron: CronService) {
  return defineTool({
    name: 'cron',
    description:
      'Schedule a future turn of this agent (cron expression, interval or one time), list scheduled jobs, or remove one.',
    schema: CronToolInput,
    methodFor: (input) =>
      input.action === 'add' ? 'cron.add' : input.action === 'list' ? 'cron.list' : 'cron.remove',
    async run(input, ctx) {
      if (input.action === 'list') {
        const jobs = (await cron.list()).filter((j) => jobAgentId(j) === ctx.agentId);
        return {
          jobs: jobs.map((j) => ({ id: j.id, name: j.name, enabled: j.enabled, schedule: j.schedule })),
        };
      }
      if (input.action === 'remove') {
        if (!input.jobId) throw new Error('remove needs a jobId');
        const job = (await cron.list()).find((j) => j.id === input.jobId);
        if (job && jobAgentId(job) !== ctx.agentId)
          throw new Error(`FORBIDDEN: job ${input.jobId} belongs to agent "${jobAgentId(job)}"`);
        return { jobId: input.jobId, removed: await cron.remove(input.jobId) };
      }
      if (!input.message) throw new Error('add needs a message');
      const schedule = input.cron
        ? { kind: 'cron' as const, expr: input.cron, ...(input.tz ? { tz: input.tz } : {}) }
        : input.everyMs
          ? { kind: 'every' as const, everyMs: input.everyMs }
          : input.at
            ? { kind: 'at' as const, at: input.at }
            : undefined;
      if (!schedule) throw new Error('add needs cron, everyMs or at');
      const job = await cron.add({
        name: input.name ?? input.message.slice(0, 60),
        agentId: ctx.agentId,
        schedule,
        // Asked from a chat, the scheduled turn answers in that chat.
        action: {
          kind: 'agent',
          message: input.message,
          sessionKey: ctx.sessionKey,
          ...(ctx.deliverTo ? { deliver: true } : {}),
        },
      });
      return { jobId: job.id, name: job.name, schedule: job.schedule };
    },
  });
}
