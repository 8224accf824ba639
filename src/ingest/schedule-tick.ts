import { validateDetailed } from 'node-cron';
import { UserError } from '../runtime/errors.js';

/** The finest unit a cron expression can name: 6 fields reach seconds, 5 stop at minutes. */
export type CronGranularity = 'second' | 'minute';

/**
 * Checks a job's cron expression before anything is scheduled, so a typo fails startup
 * with the job's name instead of surfacing as a schedule that silently never fires.
 */
export function parseSchedule(job: string, cron: string): CronGranularity {
  const result = validateDetailed(cron);
  if (!result.valid) {
    const why = result.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw new UserError(
      'schedule',
      `job "${job}" has an invalid cron expression "${cron}" (${why || 'not a cron expression'})`,
      {
        hint: `Fix the cron of schedule "${job}": 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "*/5 * * * *".`,
      },
    );
  }
  return cron.trim().split(/\s+/).length === 6 ? 'second' : 'minute';
}

/**
 * The tick a firing belongs to: the time truncated to the cron's granularity. Every
 * replica firing for the same slot computes the same tick, even when their timers go off
 * a few milliseconds apart, and the lease row admits one run per tick.
 */
export function tickOf(time: Date, granularity: CronGranularity): Date {
  const unit = granularity === 'second' ? 1000 : 60_000;
  return new Date(Math.floor(time.getTime() / unit) * unit);
}
