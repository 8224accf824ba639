import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptWebhook, type WebhookResponse } from '../ingest/index.js';
import { SYSTEMS, isSystemName, type Connector, type SystemName } from '../model/index.js';
import type { Metrics } from '../report/metrics.js';
import type { Clock, Logger } from '../runtime/index.js';
import type { Store } from '../store/index.js';
import { withGroupCommit } from './group-commit.js';
import { API, bodyTooLargeMessage, describeError, frameworkStatus } from './errors.js';
import { deliveryIdOf, normaliseHeaders } from './webhook-headers.js';

/**
 * `POST /webhooks/:system` (DESIGN §2): raw bytes in (signatures are computed over them),
 * the connector verifies and parses, the inbox stores, and only then the sender gets 2xx.
 * Unknown systems and oversize bodies are turned away in `onRequest`, before a byte of
 * the body is read, so neither the connector nor the store ever sees them.
 */
export interface WebhookRouteDeps {
  store: Store;
  connectors: readonly Connector[];
  metrics: Metrics;
  logger: Logger;
  bodyLimitBytes: number;
  clock: Clock;
}

type WebhookRequestT = FastifyRequest<{ Params: { system: string } }>;

export function registerWebhookRoute(scope: FastifyInstance, deps: WebhookRouteDeps): void {
  // One connection per system today; if several appear, the first configured one answers
  // until routing by connection (`/webhooks/:system/:connection`) is added.
  const bySystem = new Map<SystemName, Connector>();
  for (const c of deps.connectors) if (!bySystem.has(c.system)) bySystem.set(c.system, c);
  const store = withGroupCommit(deps.store);

  // Replace JSON parsing with "keep the bytes" for every content type in this scope.
  scope.removeAllContentTypeParsers();
  const keepBytes = (_req: FastifyRequest, body: Buffer, done: (e: null, b: Buffer) => void) =>
    done(null, body);
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, keepBytes);
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, keepBytes);

  scope.addHook('onRequest', async (request: WebhookRequestT, reply: FastifyReply) => {
    const system = request.params.system;
    if (!isSystemName(system)) {
      return reply.code(404).send({
        ok: false,
        error: `${API} no webhook endpoint for "${system.slice(0, 40)}"; use one of /webhooks/${SYSTEMS.join('|')}`,
      });
    }
    if (!bySystem.has(system)) {
      return reply.code(404).send({
        ok: false,
        error: `${API} no ${system} connection is configured; add connections.${system} to the config file or stop sending ${system} webhooks here`,
      });
    }
    const length = Number(request.headers['content-length']);
    if (Number.isFinite(length) && length > deps.bodyLimitBytes) return tooLarge(reply, deps);
    return undefined;
  });

  scope.setErrorHandler((error, _request, reply) => {
    // A chunked body without Content-Length is only caught while streaming.
    if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return tooLarge(reply, deps);
    }
    const status = frameworkStatus(error);
    if (status)
      return reply.code(status).send({ ok: false, error: `${API} ${(error as Error).message}` });
    deps.logger.error('webhook.failed', describeError(error));
    return reply.code(503).send({ ok: false, error: `${API} internal error; retry later` });
  });

  scope.post(
    '/webhooks/:system',
    { bodyLimit: deps.bodyLimitBytes },
    async (request: WebhookRequestT, reply) => {
      const connector = bySystem.get(request.params.system as SystemName);
      if (!connector) return reply.code(404).send({ ok: false, error: `${API} unknown system` });
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const headers = normaliseHeaders(request.headers);
      const context = {
        system: connector.system,
        connection: connector.connection,
        deliveryId: deliveryIdOf(headers, rawBody),
      };
      let response: WebhookResponse;
      try {
        response = await acceptWebhook(store, connector, {
          headers,
          rawBody,
          receivedAt: deps.clock.now(),
        });
      } catch (error) {
        // 503, not 500: the delivery is not stored, and senders retry 5xx (503 explicitly).
        deps.logger.error('webhook.store_failed', { ...context, ...describeError(error) });
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ ok: false, error: `${API} could not store the webhook; retry later` });
      }
      record(deps, connector.system, response);
      if (!response.body.ok) {
        deps.logger.warn('webhook.rejected', {
          ...context,
          status: response.status,
          reason: response.body.error,
        });
      } else {
        deps.logger.debug('webhook.accepted', { ...context, ...response.body });
      }
      return reply.code(response.status).send(response.body);
    },
  );
}

function tooLarge(reply: FastifyReply, deps: WebhookRouteDeps): FastifyReply {
  // Node discards (never buffers) the unread rest of the body, so keep-alive senders get
  // this answer instead of a connection reset.
  return reply.code(413).send({ ok: false, error: bodyTooLargeMessage(deps.bodyLimitBytes) });
}

function record(deps: WebhookRouteDeps, system: SystemName, response: WebhookResponse): void {
  const { body } = response;
  if (!body.ok) deps.metrics.eventsReceived(system, 'rejected');
  else if (body.ignored !== undefined) deps.metrics.eventsReceived(system, 'ignored');
  else {
    deps.metrics.eventsReceived(system, 'accepted', body.stored ?? 0);
    deps.metrics.eventsReceived(system, 'duplicate', body.duplicates ?? 0);
  }
}
