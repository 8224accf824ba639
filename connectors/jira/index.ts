import type { Connector, SourceEvent, WriteCommand } from '../../src/model/index.js';
import {
  systemClock,
  type Clock,
  type HttpClientFactory,
  type Logger,
} from '../../src/runtime/index.js';
import { createJiraClient, type JiraAuth } from './client.js';
import { polledIssueEvent } from './events.js';
import { createIssueStream } from './poll.js';
import { READABLE_KINDS, readManyIssues } from './read-many.js';
import { assertTimeZone } from './time-zone.js';
import { handleJiraWebhook } from './webhook.js';
import { executeJiraWrite, JIRA_OPERATIONS } from './writeback.js';

/** Everything the Jira connector needs, already validated by the config layer. */
export interface JiraConnectorOptions {
  /** Connection name: the `<connection>` segment of ids (`jira:issue:<name>:OPS-1`). */
  connection: string;
  baseUrl: string;
  auth: JiraAuth;
  /** Admin-webhook secrets; several at once during rotation. Empty: webhooks are refused. */
  webhookSecrets?: readonly string[];
  projects: readonly string[];
  issueTypes?: readonly string[];
  /** Fields to read (from the mappings); `updated` is always added. */
  fields?: readonly string[];
  overlapSeconds?: number;
  /** The integration account's time zone (Jira profile): JQL dates are read in it. */
  timeZone?: string;
  pageSize?: number;
  /** Where a stream without a cursor starts reading. */
  startFrom?: Date;
}

export interface JiraConnectorDeps {
  http: HttpClientFactory;
  logger: Logger;
  clock?: Clock;
}

export const DEFAULT_FIELDS = [
  'summary',
  'description',
  'status',
  'issuetype',
  'project',
  'labels',
  'assignee',
  'reporter',
  'priority',
  'created',
  'updated',
];

export function createJiraConnector(
  options: JiraConnectorOptions,
  deps: JiraConnectorDeps,
): Connector {
  const clock = deps.clock ?? systemClock;
  const timeZone = options.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  const client = createJiraClient({ baseUrl: options.baseUrl, auth: options.auth }, deps.http);
  const fields = [...(options.fields ?? DEFAULT_FIELDS)];
  const stream = createIssueStream(
    {
      connection: options.connection,
      projects: options.projects,
      issueTypes: options.issueTypes ?? [],
      fields,
      overlapSeconds: options.overlapSeconds ?? 120,
      timeZone,
      pageSize: options.pageSize ?? 100,
      startFrom: options.startFrom ?? new Date(0),
    },
    { client, clock, logger: deps.logger },
  );
  return {
    system: 'jira',
    connection: options.connection,
    streams: [stream],
    operations: JIRA_OPERATIONS,
    handleWebhook: async (request) =>
      handleJiraWebhook(
        { connection: options.connection, secrets: options.webhookSecrets ?? [] },
        request,
      ),
    reread: async (event: SourceEvent) => {
      if (!event.externalId) return null;
      const issue = await client.getIssue(
        event.externalId,
        [...new Set([...fields, 'updated'])],
        'changelog',
      );
      return issue ? polledIssueEvent(options.connection, issue, 'reread', clock.now()) : null;
    },
    execute: (command: WriteCommand) => executeJiraWrite(client, command),
    readableKinds: READABLE_KINDS,
    readMany: (kind, externalIds, signal) =>
      readManyIssues(
        {
          client,
          connection: options.connection,
          clock,
          fields: [...new Set([...fields, 'updated'])],
        },
        kind,
        externalIds,
        signal,
      ),
  };
}

export { createJiraClient, type JiraAuth, type JiraClient } from './client.js';
export { buildIncrementalJql, jqlString, jqlList } from './jql.js';
export { markdownToAdf, adfToText } from './adf.js';
export { JIRA_OPERATIONS } from './writeback.js';
