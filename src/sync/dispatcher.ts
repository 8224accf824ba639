import PQueue from 'p-queue';
import type { AuditLog } from '../audit/index.js';
import type { Connector } from '../model/index.js';
import type { Clock, Logger } from '../runtime/index.js';
import type { Store } from '../store/index.js';
import {
  connectorKey,
  dispatchCommand,
  type CommandDeps,
  type DispatchResult,
} from './dispatch-command.js';
import { passLoop } from './pass-loop.js';

/**
 * The outbox dispatcher (DESIGN §2 last step, §8): claims due write-back commands, runs
 * each through its connector, and records done / skipped / retry later / dead letter.
 * Several dispatchers (replicas) may run on one MySQL: claiming uses SKIP LOCKED and a
 * lease, so a command is executed by one of them at a time.
 */

export interface DispatcherOptions {
  store: Pick<Store, 'db' | 'outbox' | 'links'>;
  /** Audits every completed write-back (DESIGN §2: every state change is audited). */
  audit?: Pick<AuditLog, 'append'>;
  connectors: readonly Connector[];
  clock: Clock;
  logger: Logger;
  /** Stored as claimed_by: names the replica holding a command. */
  workerId: string;
  /** Commands claimed per pass. Default 20. */
  batchSize?: number;
  /** How long a claim holds before another replica may take the command over. Default 5 min. */
  leaseMs?: number;
  /** Attempts before a command is dead-lettered whatever the error. Default 10. */
  maxAttempts?: number;
  /** Backoff between attempts. Default 30 s doubling up to 1 h. */
  backoff?: { baseMs: number; maxMs: number };
  /** Commands executed at once. Default 4; the per-host HTTP queues cap request rates. */
  concurrency?: number;
  /** Pause between passes of the loop when the last batch was not full. Default 1 s. */
  intervalMs?: number;
  /** Jitter source in [0, 1); tests pass a constant. */
  random?: () => number;
  /** Called after each command is recorded (metrics, tests); a throw is logged, not raised. */
  onResult?: (result: DispatchResult) => void;
}

export interface DispatchSummary {
  claimed: number;
  done: number;
  skipped: number;
  retried: number;
  dead: number;
}

export interface Dispatcher {
  /** One pass: claim a batch, execute it, record every outcome. */
  runOnce(): Promise<DispatchSummary>;
  /** Runs passes every intervalMs, at once again while batches come back full. */
  start(): void;
  /** Stops claiming and resolves once the commands in flight are recorded. */
  stop(): Promise<void>;
}

export type { DispatchResult, DispatchOutcome } from './dispatch-command.js';

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const batchSize = positive(options.batchSize ?? 20, 'batchSize');
  const leaseMs = positive(options.leaseMs ?? 5 * 60_000, 'leaseMs');
  const intervalMs = positive(options.intervalMs ?? 1000, 'intervalMs');
  const connectors = new Map<string, Connector>();
  for (const c of options.connectors) connectors.set(connectorKey(c.system, c.connection), c);
  const deps: CommandDeps = {
    store: options.store,
    ...(options.audit ? { audit: options.audit } : {}),
    connectors,
    clock: options.clock,
    logger: options.logger,
    policy: {
      maxAttempts: positive(options.maxAttempts ?? 10, 'maxAttempts'),
      baseMs: positive(options.backoff?.baseMs ?? 30_000, 'backoff.baseMs'),
      maxMs: positive(options.backoff?.maxMs ?? 3_600_000, 'backoff.maxMs'),
      random: options.random ?? Math.random,
    },
  };
  const queue = new PQueue({ concurrency: positive(options.concurrency ?? 4, 'concurrency') });

  async function runOnce(): Promise<DispatchSummary> {
    const rows = await options.store.outbox.claim({
      workerId: options.workerId,
      limit: batchSize,
      leaseMs,
      now: options.clock.now(),
    });
    const summary: DispatchSummary = {
      claimed: rows.length,
      done: 0,
      skipped: 0,
      retried: 0,
      dead: 0,
    };
    await Promise.all(
      rows.map((row) =>
        queue.add(async () => {
          const result = await dispatchCommand(row, deps);
          if (result.outcome !== 'error') summary[result.outcome] += 1;
          try {
            options.onResult?.(result);
          } catch (error) {
            // A metrics hook must not turn a recorded outcome into a failed pass.
            options.logger.warn('outbox.on_result_failed', {
              idempotencyKey: result.idempotencyKey,
              reason: error instanceof Error ? error.message : String(error),
            });
          }
        }),
      ),
    );
    return summary;
  }

  const loop = passLoop({
    runOnce,
    batchSize,
    intervalMs,
    clock: options.clock,
    logger: options.logger,
    failedEvent: 'outbox.pass_failed',
    workerId: options.workerId,
  });
  return { runOnce, start: loop.start, stop: loop.stop };
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `[changebridge/dispatcher] ${name} must be a positive number, got ${value}: fix the sync.dispatcher settings`,
    );
  }
  return value;
}
