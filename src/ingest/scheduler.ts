import { schedule, type ScheduledTask } from 'node-cron';
import type { Clock } from '../runtime/clock.js';
import { ChangebridgeError, UserError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { JobLeaseRepository } from '../store/index.js';
import { keepLease } from './schedule-lease-keeper.js';
import { parseSchedule, tickOf, type CronGranularity } from './schedule-tick.js';

/** A cron job the daemon runs once per tick across all replicas. */
export interface ScheduledJob {
  /** Unique; also the lease row's key, so keep it stable across releases. */
  name: string;
  /** node-cron syntax: 5 fields, or 6 with seconds first. */
  cron: string;
  /** How long a silent replica keeps the job; renewed every third of it while running. */
  leaseMs: number;
  /** Aborted on stop() or when the lease is lost: stop at the next safe point. */
  run(signal: AbortSignal): Promise<void>;
}

export interface SchedulerOptions {
  store: { jobLeases: Pick<JobLeaseRepository, 'tryAcquire' | 'renew' | 'release'> };
  clock: Clock;
  logger: Logger;
  /** This replica's name in the lease rows, e.g. `<hostname>:<pid>`. */
  holder: string;
  jobs: readonly ScheduledJob[];
  /**
   * IANA zone the cron fields are read in; default the process's own zone, as config.yaml
   * documents. 'UTC' avoids DST gaps and repeats (a repeated hour runs once).
   */
  timezone?: string;
}

export type SkipReason = 'still-running' | 'not-acquired' | 'stopped';

export type FireOutcome =
  | { outcome: 'ran'; tick: Date; ms: number }
  | { outcome: 'failed'; tick: Date; ms: number; error: string }
  | { outcome: 'skipped'; tick: Date; reason: SkipReason };

export interface Scheduler {
  /** Arms one cron task per job. */
  start(): void;
  /** Stops firing, aborts running jobs and resolves once they have all finished. */
  stop(): Promise<void>;
  /** Runs a job now, outside its schedule; still at most once across replicas at a time. */
  runNow(name: string): Promise<FireOutcome>;
  /**
   * One firing of `name` for `tick`: what each cron callback does. Exposed so tests (and
   * runNow) drive ticks without waiting on wall-clock minutes. Rejects only for an unknown
   * job name: a failing job is an outcome, logged and recorded on its lease row.
   */
  fire(name: string, tick: Date): Promise<FireOutcome>;
}

interface Running {
  controller: AbortController;
  tick: Date;
  done: Promise<FireOutcome>;
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  const jobs = new Map<string, { job: ScheduledJob; granularity: CronGranularity }>();
  for (const job of o.jobs) {
    if (jobs.has(job.name)) {
      throw new UserError('schedule', `job "${job.name}" is configured twice`, {
        hint: 'Give every schedule a unique name.',
      });
    }
    if (!Number.isFinite(job.leaseMs) || job.leaseMs <= 0) {
      throw new UserError('schedule', `job "${job.name}" has lease ${job.leaseMs} ms`, {
        hint: `Set the lease of schedule "${job.name}" to a positive number of milliseconds.`,
      });
    }
    jobs.set(job.name, { job, granularity: parseSchedule(job.name, job.cron) });
  }
  const running = new Map<string, Running>();
  const tasks: ScheduledTask[] = [];
  let stopped = false;
  const leases = o.store.jobLeases;

  const lookup = (name: string): ScheduledJob => {
    const entry = jobs.get(name);
    if (!entry) {
      throw new UserError('schedule', `no schedule named "${name}"`, {
        hint: `Known schedules: ${[...jobs.keys()].join(', ') || '(none)'}.`,
      });
    }
    return entry.job;
  };

  async function execute(job: ScheduledJob, tick: Date, controller: AbortController) {
    const fields = { job: job.name, tick: tick.toISOString(), holder: o.holder };
    const startedAt = o.clock.now();
    const elapsed = () => o.clock.now().getTime() - startedAt.getTime();
    let acquired: boolean;
    try {
      acquired = await leases.tryAcquire(job.name, o.holder, tick, job.leaseMs, startedAt);
    } catch (error) {
      const message = messageOf(error);
      o.logger.error('schedule.error', {
        ...fields,
        stage: 'acquire',
        ms: elapsed(),
        error: message,
      });
      return { outcome: 'failed', tick, ms: elapsed(), error: message } as const;
    }
    if (!acquired) {
      // Normal on every replica but one: another replica took this tick.
      o.logger.debug('schedule.skip', { ...fields, reason: 'not-acquired', ms: elapsed() });
      return { outcome: 'skipped', tick, reason: 'not-acquired' } as const;
    }
    const keeper = keepLease({
      leases,
      clock: o.clock,
      logger: o.logger,
      job: job.name,
      holder: o.holder,
      leaseMs: job.leaseMs,
      onLost: () => controller.abort(stopError(`lost the lease of job "${job.name}"`)),
    });
    let failure: string | undefined;
    try {
      if (controller.signal.aborted) throw controller.signal.reason;
      await job.run(controller.signal);
    } catch (error) {
      failure = messageOf(error);
    } finally {
      await keeper.stop();
    }
    const ms = elapsed();
    try {
      await leases.release(job.name, o.holder, o.clock.now(), failure);
    } catch (error) {
      // The lease still expires on its own; the next tick is only delayed by it.
      o.logger.error('schedule.error', {
        ...fields,
        stage: 'release',
        ms,
        error: messageOf(error),
      });
    }
    if (failure !== undefined) {
      o.logger.error('schedule.error', { ...fields, stage: 'run', ms, error: failure });
      return { outcome: 'failed', tick, ms, error: failure } as const;
    }
    o.logger.info('schedule.run', { ...fields, ms });
    return { outcome: 'ran', tick, ms } as const;
  }

  function fire(name: string, tick: Date): Promise<FireOutcome> {
    let job: ScheduledJob;
    try {
      job = lookup(name);
    } catch (error) {
      return Promise.reject(error);
    }
    const fields = { job: name, tick: tick.toISOString(), holder: o.holder };
    const skip = (reason: SkipReason, extra: Record<string, unknown> = {}) => {
      o.logger.info('schedule.skip', { ...fields, reason, ms: 0, ...extra });
      return Promise.resolve<FireOutcome>({ outcome: 'skipped', tick, reason });
    };
    if (stopped) return skip('stopped');
    const current = running.get(name);
    // Never overlap ourselves: the lease would let the same holder in again.
    if (current) return skip('still-running', { runningTick: current.tick.toISOString() });
    const controller = new AbortController();
    const done = execute(job, tick, controller).finally(() => running.delete(name));
    running.set(name, { controller, tick, done });
    return done;
  }

  return {
    start() {
      if (stopped) throw stopError('a stopped scheduler cannot be started again');
      if (tasks.length > 0) return;
      for (const { job, granularity } of jobs.values()) {
        const task = schedule(
          job.cron,
          // `date` is the slot node-cron matched (no milliseconds), so a timer that goes
          // off a little early or late on one replica still names the same tick.
          (ctx) => {
            void fire(job.name, tickOf(ctx.date, granularity));
          },
          {
            name: `changebridge:${job.name}`,
            ...(o.timezone ? { timezone: o.timezone } : {}),
            logger: cronLogger(o.logger, job.name),
          },
        );
        tasks.push(task);
      }
      o.logger.info('schedule.started', { holder: o.holder, jobs: [...jobs.keys()] });
    },
    async stop() {
      stopped = true;
      await Promise.all(tasks.splice(0).map((t) => t.destroy()));
      const inFlight = [...running.values()];
      for (const r of inFlight) r.controller.abort(stopError('the scheduler is stopping'));
      await Promise.all(inFlight.map((r) => r.done));
      o.logger.info('schedule.stopped', { holder: o.holder, aborted: inFlight.length });
    },
    // Tick = this exact instant: later than any scheduled tick already run for the
    // current slot, so a manual run is never refused just because the schedule ran.
    runNow: (name) => fire(name, o.clock.now()),
    fire,
  };
}

function stopError(message: string): ChangebridgeError {
  return new ChangebridgeError('schedule', message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** node-cron's own warnings (missed executions under load) as structured lines. */
function cronLogger(logger: Logger, job: string) {
  const text = (m: string | Error) => (m instanceof Error ? m.message : m);
  return {
    info: (m: string) => logger.debug('schedule.cron', { job, message: m }),
    debug: (m: string | Error) => logger.debug('schedule.cron', { job, message: text(m) }),
    warn: (m: string) => logger.warn('schedule.cron_warning', { job, message: m }),
    error: (m: string | Error) => logger.error('schedule.cron_error', { job, message: text(m) }),
  };
}
