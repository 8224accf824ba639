import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { JobLeaseRepository } from '../store/index.js';

export interface LeaseKeeperOptions {
  leases: Pick<JobLeaseRepository, 'renew'>;
  clock: Clock;
  logger: Logger;
  job: string;
  holder: string;
  leaseMs: number;
  /** Called once if the lease turns out to be someone else's: the run should stop. */
  onLost(): void;
}

/**
 * Renews a running job's lease every third of its length, so a run longer than `leaseMs`
 * keeps it while a crashed replica's lease still runs out on time. A failed renewal (the
 * database blinked) is logged and retried on the next beat; the lease has slack for two.
 */
export function keepLease(o: LeaseKeeperOptions): { stop(): Promise<void> } {
  const stopping = new AbortController();
  const fields = { job: o.job, holder: o.holder };
  const loop = (async () => {
    for (;;) {
      try {
        await o.clock.sleep(Math.max(1, Math.floor(o.leaseMs / 3)), stopping.signal);
      } catch {
        return; // stop() aborted the wait: the run is over.
      }
      try {
        if (!(await o.leases.renew(o.job, o.holder, o.leaseMs, o.clock.now()))) {
          o.logger.warn('schedule.lease_lost', fields);
          o.onLost();
          return;
        }
      } catch (error) {
        o.logger.warn('schedule.renew_failed', {
          ...fields,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  })();
  return {
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
}
