import type { Connector } from '../model/index.js';
import type { Clock } from '../runtime/clock.js';
import { ChangebridgeError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { Store } from '../store/index.js';
import { runPollPass } from './poll-runner.js';
import type { ScheduledJob } from './scheduler.js';

/**
 * What one stream's pass did. With `error` the counts are zero: pages committed before the
 * failure stay committed (with their cursor) but are not counted here.
 */
export interface PollStreamResult {
  connection: string;
  stream: string;
  events: number;
  duplicates: number;
  pages: number;
  error?: string;
}

export interface PollAllOptions {
  store: Store;
  connectors: readonly Pick<Connector, 'connection' | 'streams'>[];
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * One poll pass over every stream of every connector: the body of the `poll` schedule
 * and of a one-off sync. Streams run one after another, each with its own signpost
 * (`startedAt`) taken when it starts. A failing stream is logged and reported, and the
 * others still run: one system being down must not stop the rest from syncing. Pages
 * committed before a failure stay committed (their cursor moved with them).
 */
export async function pollAll(o: PollAllOptions): Promise<PollStreamResult[]> {
  const results: PollStreamResult[] = [];
  for (const connector of o.connectors) {
    for (const stream of connector.streams) {
      if (o.signal?.aborted) return results;
      const fields = { connection: connector.connection, stream: stream.name };
      const startedAt = o.clock.now();
      try {
        const pass = await runPollPass(o.store, connector.connection, stream, {
          startedAt,
          ...(o.signal ? { signal: o.signal } : {}),
        });
        const ms = o.clock.now().getTime() - startedAt.getTime();
        o.logger.info('poll.stream_done', {
          ...fields,
          events: pass.events,
          duplicates: pass.duplicates,
          pages: pass.pages,
          ms,
        });
        results.push({
          ...fields,
          events: pass.events,
          duplicates: pass.duplicates,
          pages: pass.pages,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        o.logger.error('poll.stream_failed', { ...fields, error: message });
        results.push({ ...fields, events: 0, duplicates: 0, pages: 0, error: message });
      }
    }
  }
  return results;
}

export interface PollJobOptions extends Omit<PollAllOptions, 'signal'> {
  cron: string;
  leaseMs: number;
  /** Default `poll`. */
  name?: string;
}

/**
 * The `poll` schedule's job. Streams that failed make the run fail, after every stream
 * has had its turn, so the lease row's `last_error` and `schedule.error` name them.
 */
export function createPollJob(o: PollJobOptions): ScheduledJob {
  const { cron, leaseMs, name = 'poll', ...poll } = o;
  return {
    name,
    cron,
    leaseMs,
    run: async (signal) => {
      const failed = (await pollAll({ ...poll, signal })).filter((r) => r.error !== undefined);
      if (failed.length === 0) return;
      const list = failed.map((r) => `${r.connection}/${r.stream}: ${r.error}`).join('; ');
      throw new ChangebridgeError('poll', `${failed.length} stream(s) failed: ${list}`, {
        hint: 'See the poll.stream_failed log lines; the other streams were polled.',
      });
    },
  };
}
