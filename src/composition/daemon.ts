/**
 * Part of the composition root: the long-running daemon (DESIGN §2, §5) — webhook and
 * read API server, node-cron schedules under leases, the inbox processor and the outbox
 * dispatcher — started together and stopped in the order that loses nothing.
 */
import type { FastifyInstance } from 'fastify';
import { createHttpServer, databaseReadiness } from '../api/index.js';
import { createScheduler, type Scheduler } from '../ingest/index.js';
import type { SyncRuntime } from './sync.js';

export interface DaemonOptions {
  host: string;
  port: number;
  /** Run the poll schedule once at start instead of waiting for its first tick. */
  pollAtStart?: boolean;
  timezone?: string;
}

export interface Daemon {
  /** `http://host:port` the server listens on. */
  url: string;
  server: FastifyInstance;
  scheduler: Scheduler;
  /** Graceful: stop accepting, finish in-flight webhooks, jobs, events and writes. */
  stop(): Promise<void>;
}

export async function startDaemon(runtime: SyncRuntime, options: DaemonOptions): Promise<Daemon> {
  const { app, logger, metrics } = runtime;
  const config = runtime.loaded.config;
  const server = createHttpServer({
    store: app.store,
    connectors: runtime.connectors,
    metrics,
    logger,
    bodyLimitBytes: config.server.bodyLimitBytes,
    gate: runtime.decideGate,
    ready: databaseReadiness(app.store.db),
    clock: app.clock,
  });
  // A restarted daemon with the same worker id (host:port) finishes its predecessor's work.
  const now = app.clock.now();
  const released = {
    inbox: await app.store.inbox.releaseClaims(runtime.workerId, now),
    outbox: await app.store.outbox.releaseClaims(runtime.workerId, now),
  };
  if (released.inbox + released.outbox > 0)
    logger.warn('daemon.reclaimed', { workerId: runtime.workerId, ...released });
  const address = await server.listen({ host: options.host, port: options.port });
  const scheduler = createScheduler({
    store: app.store,
    clock: app.clock,
    logger,
    holder: runtime.workerId,
    jobs: runtime.jobs(),
    ...(options.timezone ? { timezone: options.timezone } : {}),
  });
  scheduler.start();
  runtime.processor.start();
  runtime.dispatcher.start();
  let initialPoll: Promise<unknown> = Promise.resolve();
  if (options.pollAtStart ?? true) {
    initialPoll = Promise.all(
      runtime.connectors.map((c) =>
        scheduler.runNow(`poll:${c.connection}`).catch((error: unknown) =>
          logger.error('poll.initial_failed', {
            connection: c.connection,
            reason: error instanceof Error ? error.message : String(error),
          }),
        ),
      ),
    );
  }
  logger.info('daemon.started', {
    url: address,
    workerId: runtime.workerId,
    connections: runtime.connectors.map((c) => `${c.system}:${c.connection}`),
  });
  let stopping: Promise<void> | undefined;
  return {
    url: address,
    server,
    scheduler,
    stop() {
      stopping ??= (async () => {
        logger.info('daemon.stopping', { workerId: runtime.workerId });
        // New webhooks get 503 (senders retry); those in flight finish and are stored.
        await server.close();
        await scheduler.stop();
        await initialPoll;
        await runtime.processor.stop();
        await runtime.dispatcher.stop();
        logger.info('daemon.stopped', { workerId: runtime.workerId });
      })();
      return stopping;
    },
  };
}
