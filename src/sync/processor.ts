import PQueue from 'p-queue';
import type { Connector, SourceEvent } from '../model/index.js';
import type { Metrics } from '../report/metrics.js';
import type { InboxEventRow } from '../store/index.js';
import { applyBatch, type ApplyDeps, type BatchItem, type ItemResult } from './apply-batch.js';
import { PermanentEventError } from './context.js';
import { connectorKey } from './dispatch-command.js';
import { passLoop } from './pass-loop.js';

/**
 * The inbox processor (DESIGN §2 "Process"): claims due inbox events (SKIP LOCKED on MySQL,
 * so replicas take disjoint batches), re-reads thin ones through their connector, and
 * applies them in transactions that also complete the inbox rows and enqueue write-backs.
 * A failing event is retried with backoff and dead-lettered after `maxAttempts`, or at once
 * when another attempt cannot help; it never holds up the events claimed with it.
 */

export interface ProcessorOptions extends ApplyDeps {
  connectors: readonly Connector[];
  workerId: string;
  metrics?: Metrics;
  batchSize?: number;
  /** Events applied per transaction. Default 25: short enough not to delay webhook acks. */
  transactionSize?: number;
  /** Thin events re-read at once. */
  concurrency?: number;
  leaseMs?: number;
  maxAttempts?: number;
  intervalMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  random?: () => number;
}

export interface ProcessSummary {
  claimed: number;
  applied: number;
  ignored: number;
  retried: number;
  dead: number;
}

export interface Processor {
  runOnce(): Promise<ProcessSummary>;
  /** Passes until nothing is due; returns the totals. */
  drain(maxPasses?: number): Promise<ProcessSummary>;
  start(): void;
  stop(): Promise<void>;
}

const empty = (): ProcessSummary => ({ claimed: 0, applied: 0, ignored: 0, retried: 0, dead: 0 });

export function toSourceEvent(row: InboxEventRow): SourceEvent {
  return {
    system: row.system as SourceEvent['system'],
    connection: row.connection,
    source: row.source,
    deliveryKey: row.deliveryKey,
    kind: row.kind,
    event: row.event,
    externalId: row.externalId,
    receivedAt: row.receivedAt,
    thin: Boolean(row.thin),
    payload: row.payload,
  };
}

export function createProcessor(o: ProcessorOptions): Processor {
  const batchSize = o.batchSize ?? 100;
  const txSize = o.transactionSize ?? 25;
  const leaseMs = o.leaseMs ?? 300_000;
  const maxAttempts = o.maxAttempts ?? 8;
  const intervalMs = o.intervalMs ?? 500;
  const backoff = o.backoff ?? { baseMs: 5_000, maxMs: 600_000 };
  const random = o.random ?? Math.random;
  const connectors = new Map(o.connectors.map((c) => [connectorKey(c.system, c.connection), c]));
  const rereads = new PQueue({ concurrency: o.concurrency ?? 4 });

  async function reread(row: InboxEventRow): Promise<SourceEvent | null | Error> {
    const event = toSourceEvent(row);
    if (!event.thin || event.event === 'unparseable') return event;
    const connector = connectors.get(connectorKey(event.system, event.connection));
    if (!connector) {
      return new PermanentEventError(
        `no ${event.system} connection "${event.connection}" is configured to re-read ${event.kind} ${event.externalId ?? ''}`,
      );
    }
    try {
      const fresh = await connector.reread(event);
      return fresh ? { ...fresh, deliveryKey: event.deliveryKey, source: event.source } : null;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  async function fail(row: InboxEventRow, error: unknown, summary: ProcessSummary): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof PermanentEventError;
    const now = o.clock.now();
    const exhausted = row.attempts >= maxAttempts;
    const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, row.attempts - 1));
    const retryAt =
      permanent || exhausted ? null : new Date(now.getTime() + delay * (0.5 + random() / 2));
    const fields = {
      inboxId: row.id,
      source: row.source,
      deliveryKey: row.deliveryKey,
      kind: row.kind,
      externalId: row.externalId,
      attempts: row.attempts,
      reason,
    };
    try {
      await o.store.inbox.fail(row.id, reason, { now, retryAt });
    } catch (storeError) {
      o.logger.error('inbox.store_failed', {
        ...fields,
        storeError: storeError instanceof Error ? storeError.message : String(storeError),
      });
      return;
    }
    if (retryAt) {
      summary.retried += 1;
      o.logger.warn('inbox.retry', { ...fields, retryAt: retryAt.toISOString() });
      return;
    }
    summary.dead += 1;
    o.metrics?.eventDeadLettered(row.system as SourceEvent['system']);
    o.logger.error('inbox.dead', fields);
  }

  function count(row: InboxEventRow, result: ItemResult, summary: ProcessSummary): void {
    if (result.outcome === 'failed') return;
    summary[result.outcome] += 1;
    o.metrics?.eventProcessed(row.system as SourceEvent['system'], result.outcome);
    if (result.outcome === 'ignored')
      o.logger.info('inbox.ignored', {
        inboxId: row.id,
        source: row.source,
        reason: result.reason,
      });
  }

  async function runOnce(): Promise<ProcessSummary> {
    const summary = empty();
    const rows = await o.store.inbox.claim({
      workerId: o.workerId,
      limit: batchSize,
      leaseMs,
      now: o.clock.now(),
    });
    summary.claimed = rows.length;
    if (rows.length === 0) return summary;
    const events = await Promise.all(rows.map((row) => rereads.add(() => reread(row))));
    const ready: { row: InboxEventRow; item: BatchItem }[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const event = events[i];
      if (event instanceof Error) {
        await fail(row, event, summary);
      } else if (event === null || event === undefined) {
        await o.store.inbox.complete(
          row.id,
          'ignored',
          o.clock.now(),
          'the record no longer exists or is hidden from the integration account',
        );
        summary.ignored += 1;
      } else {
        ready.push({ row, item: { event, inboxId: row.id } });
      }
    }
    for (let i = 0; i < ready.length; i += txSize) {
      const chunk = ready.slice(i, i + txSize);
      const results = await applyBatch(
        o,
        chunk.map((c) => c.item),
      );
      for (let j = 0; j < chunk.length; j++) {
        const { row } = chunk[j]!;
        const result = results[j]!;
        if (result.outcome === 'failed') await fail(row, result.error, summary);
        else count(row, result, summary);
      }
    }
    return summary;
  }

  async function drain(maxPasses = 1000): Promise<ProcessSummary> {
    const total = empty();
    for (let pass = 0; pass < maxPasses; pass++) {
      const s = await runOnce();
      for (const k of Object.keys(total) as (keyof ProcessSummary)[]) total[k] += s[k];
      if (s.claimed === 0) break;
    }
    return total;
  }

  const loop = passLoop({
    runOnce,
    batchSize,
    intervalMs,
    clock: o.clock,
    logger: o.logger,
    failedEvent: 'inbox.pass_failed',
    workerId: o.workerId,
  });
  return { runOnce, drain, start: loop.start, stop: loop.stop };
}
