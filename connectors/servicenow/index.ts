import type {
  Connector,
  SourceEvent,
  WebhookRequest,
  WriteCommand,
} from '../../src/model/index.js';
import { createNullLogger, systemClock } from '../../src/runtime/index.js';
import { ServiceNowClient } from './client.js';
import { readUsers, type ServiceNowUser } from './identity.js';
import { resolveOptions, type ServiceNowDeps, type ServiceNowOptions } from './options.js';
import { createPollStream } from './poll.js';
import { readMany, READABLE_KINDS } from './read-many.js';
import { STREAMS } from './streams.js';
import { handleServiceNowWebhook, rereadRecord } from './webhook.js';
import { executeWrite, OPERATIONS } from './writeback.js';

export type { ServiceNowOptions, ServiceNowDeps, ServiceNowAuth } from './options.js';
export type { ServiceNowUser } from './identity.js';
export { ServiceNowClient } from './client.js';
export { query, EncodedQuery, QueryBuildError } from './query.js';
export { encodeCursor, decodeCursor } from './cursor.js';
export { OPERATIONS as SERVICENOW_OPERATIONS, workNoteMarker } from './writeback.js';

export interface ServiceNowConnector extends Connector {
  readonly client: ServiceNowClient;
  /** `sys_user` records for Person resolution. */
  readUsers(sysIds: readonly string[]): Promise<ServiceNowUser[]>;
}

/** The ServiceNow connector (DESIGN §11): Table API polling, business-rule webhooks, write-back. */
export function createServiceNowConnector(
  options: ServiceNowOptions,
  deps: ServiceNowDeps,
): ServiceNowConnector {
  const o = resolveOptions(options);
  const clock = deps.clock ?? systemClock;
  const logger = (deps.logger ?? createNullLogger()).child({
    connector: 'servicenow',
    connection: o.name,
  });
  const extraFields = o.correlationField === 'correlation_id' ? [] : [o.correlationField];
  const client = new ServiceNowClient({
    baseUrl: o.baseUrl,
    auth: o.auth,
    http: deps.http,
    clock,
    extraFields,
  });
  const pollDeps = {
    client,
    connection: o.name,
    pageSize: o.pageSize,
    overlapSeconds: o.overlapSeconds,
    startFrom: o.startFrom,
    clock,
  };
  return {
    system: 'servicenow',
    connection: o.name,
    client,
    streams: STREAMS.map((def) => createPollStream(def, pollDeps)),
    operations: OPERATIONS,
    async handleWebhook(request: WebhookRequest) {
      const outcome = handleServiceNowWebhook(request, {
        connection: o.name,
        header: o.webhookHeader,
        secrets: o.webhookSecrets,
        clock,
      });
      if (outcome.outcome !== 'accepted') {
        logger.info('servicenow.webhook_' + outcome.outcome, { reason: outcome.reason });
      }
      return outcome;
    },
    reread: (event: SourceEvent) => rereadRecord(event, { client, connection: o.name, clock }),
    execute: (command: WriteCommand) =>
      executeWrite(command, { client, correlationField: o.correlationField }),
    readUsers: (sysIds) => readUsers(client, sysIds),
    readableKinds: READABLE_KINDS,
    readMany: (kind, externalIds, signal) =>
      readMany({ client, connection: o.name, clock }, kind, externalIds, signal),
  };
}
