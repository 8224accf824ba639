import type { Clock, Logger } from '../runtime/index.js';

/**
 * The worker loop the processor and the dispatcher share: run a pass, again at once while
 * passes come back full, else pause `intervalMs`; a failing pass (the database away) is
 * logged and the loop goes on. `stop` resolves once the pass in flight has finished.
 */
export interface PassLoop {
  start(): void;
  stop(): Promise<void>;
}

export function passLoop(o: {
  runOnce: () => Promise<{ claimed: number }>;
  batchSize: number;
  intervalMs: number;
  clock: Clock;
  logger: Logger;
  /** Log event when a pass fails, e.g. `outbox.pass_failed`. */
  failedEvent: string;
  workerId: string;
}): PassLoop {
  let loop: Promise<void> | undefined;
  let stopping: AbortController | undefined;

  async function run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let full = false;
      try {
        full = (await o.runOnce()).claimed >= o.batchSize;
      } catch (error) {
        o.logger.error(o.failedEvent, {
          workerId: o.workerId,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
      if (full || signal.aborted) continue;
      await o.clock.sleep(o.intervalMs, signal).catch(() => undefined);
    }
  }

  return {
    start() {
      if (loop) return;
      stopping = new AbortController();
      loop = run(stopping.signal);
    },
    async stop() {
      stopping?.abort();
      await loop;
      loop = undefined;
      stopping = undefined;
    },
  };
}
