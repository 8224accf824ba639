import Fastify, { type FastifyInstance } from 'fastify';
import type { Connector } from '../model/index.js';
import type { Metrics } from '../report/metrics.js';
import { systemClock, type Clock, type Logger } from '../runtime/index.js';
import type { Store } from '../store/index.js';
import { API, describeError, frameworkStatus } from './errors.js';
import { registerGateNotConfigured, registerGateRoute, type DecideGate } from './gate-route.js';
import { registerReadRoutes } from './read-routes.js';
import type { Readiness } from './readiness.js';
import { registerWebhookRoute } from './webhook-route.js';

export type { DecideGate, GateQuery } from './gate-route.js';

export interface HttpServerOptions {
  store: Store;
  connectors: readonly Connector[];
  metrics: Metrics;
  logger: Logger;
  /** `server.bodyLimitBytes`: larger webhook bodies get 413 before they are read. */
  bodyLimitBytes: number;
  /** `GET /readyz`; usually `databaseReadiness(store.db)`. */
  ready: () => Promise<Readiness>;
  clock?: Clock;
  /** `GET /api/v1/gate`'s decision; without it the endpoint answers 503 "not configured". */
  gate?: DecideGate;
}

/**
 * The daemon's HTTP side as a fastify instance, not yet listening: the caller decides
 * where (`app.listen({ host, port })`) and closes it on shutdown (`app.close()` stops
 * accepting, answers 503 to new requests and waits for those in flight).
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const { logger } = options;
  const app = Fastify({
    logger: false, // our own structured logger below; fastify's would log bodies' metadata twice
    bodyLimit: options.bodyLimitBytes,
    return503OnClosing: true,
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!logger.isLevelEnabled('debug')) return;
    logger.debug('http.request', {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: `${API} no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}; see docs/operations.md`,
    }),
  );

  app.setErrorHandler((error, request, reply) => {
    const status = frameworkStatus(error);
    if (status) return reply.code(status).send({ error: `${API} ${(error as Error).message}` });
    logger.error('http.error', {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      ...describeError(error),
    });
    // The database is the usual culprit; 503 tells callers and balancers to retry.
    return reply.code(503).send({ error: `${API} temporarily unavailable; see the daemon log` });
  });

  app.register(async (scope) =>
    registerWebhookRoute(scope, {
      store: options.store,
      connectors: options.connectors,
      metrics: options.metrics,
      logger,
      bodyLimitBytes: options.bodyLimitBytes,
      clock: options.clock ?? systemClock,
    }),
  );
  app.register(async (scope) =>
    registerReadRoutes(scope, {
      store: options.store,
      metrics: options.metrics,
      logger,
      ready: options.ready,
    }),
  );
  const gate = options.gate;
  app.register(async (scope) =>
    gate
      ? registerGateRoute(scope, { decide: gate, logger, clock: options.clock ?? systemClock })
      : registerGateNotConfigured(scope),
  );
  return app;
}
