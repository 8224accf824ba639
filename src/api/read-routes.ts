import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from '../report/metrics.js';
import type { Logger } from '../runtime/index.js';
import type { Store } from '../store/index.js';
import { API, describeError } from './errors.js';
import type { Readiness } from './readiness.js';

/** The read side (DESIGN §9): health, readiness, metrics and the canonical change view. */
export interface ReadRouteDeps {
  store: Store;
  metrics: Metrics;
  logger: Logger;
  ready: () => Promise<Readiness>;
}

const MAX_KEY_LENGTH = 200;

export function registerReadRoutes(app: FastifyInstance, deps: ReadRouteDeps): void {
  // Liveness: answering at all is the signal; it must not depend on the database, or a
  // database outage would get every replica restarted for nothing.
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const readiness = await deps.ready();
    return reply
      .code(readiness.ok ? 200 : 503)
      .send({ status: readiness.ok ? 'ready' : 'not_ready', detail: readiness.detail });
  });

  app.get('/metrics', async (_request, reply) => {
    try {
      await deps.metrics.refreshDepths(deps.store);
    } catch (error) {
      // Serve the rest of the metrics anyway; stale depth gauges beat a failed scrape.
      deps.logger.warn('metrics.depth_failed', describeError(error));
    }
    const text = await deps.metrics.registry.metrics();
    return reply.header('content-type', deps.metrics.registry.contentType).send(text);
  });

  app.get(
    '/api/v1/changes/:key',
    async (request: FastifyRequest<{ Params: { key: string } }>, reply) => {
      const key = request.params.key;
      const change = key.length <= MAX_KEY_LENGTH ? await deps.store.changes.findByKey(key) : null;
      if (!change) {
        return reply.code(404).send({
          error: `${API} no change with key "${key.slice(0, MAX_KEY_LENGTH)}"; keys are e.g. a ServiceNow number (CHG0030001) or a Jira issue key`,
        });
      }
      const links = await deps.store.links.findByChange(change.id);
      // Dates serialise through Date#toJSON: ISO 8601 in UTC.
      return reply.send({ change, links });
    },
  );
}
