import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SystemName } from '../model/index.js';
import type { HttpMetric } from '../runtime/host-scheduler.js';

/**
 * The daemon's Prometheus metrics (DESIGN §9, `GET /metrics`). One Registry per process,
 * built in the composition root and handed to whoever records: the webhook route, the
 * sync workers, the HTTP factory (`onMetric: metrics.onHttpMetric`). A Registry of our own
 * instead of prom-client's global one, so tests and several apps in one process never
 * collide on metric names.
 */

/** What became of one received event or webhook request. */
export type ReceivedOutcome = 'accepted' | 'duplicate' | 'ignored' | 'rejected';

/** The counts `inbox.counts()` / `outbox.counts()` return: rows per status. */
export interface QueueCounts {
  counts(): Promise<Record<string, number>>;
}

/** Stored poll cursors: `updatedAt` is when the stream's last committed pass started. */
export interface CursorList {
  list(): Promise<{ connection: string; stream: string; updatedAt: Date }[]>;
}

export interface Metrics {
  readonly registry: Registry;
  /** `n` events (or one request for ignored/rejected) with this outcome from `system`. */
  eventsReceived(system: SystemName, outcome: ReceivedOutcome, n?: number): void;
  /** One inbox event processed; `result` e.g. `applied`, `unchanged`, `echo`, `retry`. */
  eventProcessed(system: SystemName, result: string): void;
  eventDeadLettered(system: SystemName): void;
  /** Seconds between now and the newest record a stream has caught up to. */
  setStreamLag(connection: string, stream: string, seconds: number): void;
  /** Give to `createHttpClientFactory({ onMetric })`: API calls and 429s per host. */
  onHttpMetric(metric: HttpMetric): void;
  /** Sets the depth gauges; the `/metrics` route calls it before every scrape. */
  /** Queue depths, and each poll stream's lag when `cursors` is given (scrape time). */
  refreshDepths(
    store: { inbox: QueueCounts; outbox: QueueCounts; cursors?: CursorList },
    now?: Date,
  ): Promise<void>;
}

/**
 * Rows still to be worked: waiting (`pending`, incl. those backing off before a retry) or
 * leased by a worker (`processing`). `done`, `ignored` and `dead` rows are history.
 */
export function pendingDepth(counts: Record<string, number>): number {
  return (counts.pending ?? 0) + (counts.processing ?? 0);
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const received = new Counter({
    name: 'changebridge_events_received_total',
    help: 'Webhook events received, by system and outcome (accepted, duplicate, ignored, rejected).',
    labelNames: ['system', 'outcome'] as const,
    registers,
  });
  const processed = new Counter({
    name: 'changebridge_events_processed_total',
    help: 'Inbox events processed, by system and result.',
    labelNames: ['system', 'result'] as const,
    registers,
  });
  const deadLettered = new Counter({
    name: 'changebridge_events_dead_lettered_total',
    help: 'Events or commands moved to the dead letter, by system.',
    labelNames: ['system'] as const,
    registers,
  });
  const outboxDepth = new Gauge({
    name: 'changebridge_outbox_depth',
    help: 'Outbox commands not yet done or dead-lettered.',
    registers,
  });
  const inboxDepth = new Gauge({
    name: 'changebridge_inbox_depth',
    help: 'Inbox events not yet processed or dead-lettered.',
    registers,
  });
  const httpRequests = new Counter({
    name: 'changebridge_http_requests_total',
    help: 'Outgoing API call attempts, by host and status (or network error code).',
    labelNames: ['host', 'status'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'changebridge_http_rate_limited_total',
    help: 'Outgoing API call attempts answered 429 Too Many Requests, by host.',
    labelNames: ['host'] as const,
    registers,
  });
  const streamLag = new Gauge({
    name: 'changebridge_stream_lag_seconds',
    help: "Seconds since the stream's last committed poll pass started: how stale its records can be.",
    labelNames: ['connection', 'stream'] as const,
    registers,
  });

  return {
    registry,
    eventsReceived: (system, outcome, n = 1) => {
      if (n > 0) received.inc({ system, outcome }, n);
    },
    eventProcessed: (system, result) => processed.inc({ system, result }),
    eventDeadLettered: (system) => deadLettered.inc({ system }),
    setStreamLag: (connection, stream, seconds) =>
      streamLag.set({ connection, stream }, Math.max(0, seconds)),
    onHttpMetric: (metric) => {
      // Retries and give-ups are logged by the scheduler; each attempt is one request.
      if (metric.type !== 'attempt') return;
      const status = metric.status !== undefined ? String(metric.status) : (metric.code ?? 'error');
      httpRequests.inc({ host: metric.host, status });
      if (metric.status === 429) rateLimited.inc({ host: metric.host });
    },
    refreshDepths: async (store, now = new Date()) => {
      const [inbox, outbox] = await Promise.all([store.inbox.counts(), store.outbox.counts()]);
      inboxDepth.set(pendingDepth(inbox));
      outboxDepth.set(pendingDepth(outbox));
      for (const c of (await store.cursors?.list()) ?? []) {
        streamLag.set(
          { connection: c.connection, stream: c.stream },
          Math.max(0, (now.getTime() - c.updatedAt.getTime()) / 1000),
        );
      }
    },
  };
}
