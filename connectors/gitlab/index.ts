import type { Connector, SourceEvent } from '../../src/model/index.js';
import {
  HttpError,
  systemClock,
  type Clock,
  type HttpClientFactory,
} from '../../src/runtime/index.js';
import { createGitLabClient, projectPath, type GitLabClient } from './client.js';
import { deploymentFromApi, mergeRequestFromApi } from './api-events.js';
import type { GitLabEventPayload } from './events.js';
import type { GitLabConnectorOptions } from './options.js';
import { createPollStreams } from './poll.js';
import { READABLE_KINDS, readManyGitLab } from './read-many.js';
import { apiDeployment, apiMergeRequest } from './schemas.js';
import { handleGitLabWebhook } from './webhook.js';
import { GITLAB_OPERATIONS, createWriteback } from './writeback.js';

export type { GitLabConnectorOptions } from './options.js';
export { DEFAULT_STATUS_NAME, NOTE_MARKER } from './options.js';
export { GITLAB_OPERATIONS, type GitLabOperation } from './writeback.js';
export type { GitLabEventPayload, MergeRequestSummary, DeploymentSummary } from './events.js';
export { standardWebhookSignature } from './webhook-auth.js';

export interface GitLabConnectorDeps {
  http: HttpClientFactory;
  clock?: Clock;
}

/** The GitLab connector (DESIGN §11): webhooks, poll streams, re-read and write-backs. */
export function createGitLabConnector(
  options: GitLabConnectorOptions,
  deps: GitLabConnectorDeps,
): Connector {
  const clock = deps.clock ?? systemClock;
  const client = createGitLabClient(deps.http, options.baseUrl, options.token);
  const execute = createWriteback({ client, statusName: options.writeback?.statusName });
  return {
    system: 'gitlab',
    connection: options.connection,
    streams: createPollStreams(options, client, () => clock.now()),
    operations: GITLAB_OPERATIONS,
    handleWebhook: async (request) => handleGitLabWebhook(options, request),
    reread: (event) => reread(options, client, clock, event),
    execute,
    readableKinds: READABLE_KINDS,
    readMany: (kind, externalIds, signal) =>
      readManyGitLab(
        { client, connection: options.connection, keyPatterns: options.keyPatterns, clock },
        kind,
        externalIds,
        signal,
      ),
  };
}

/**
 * GitLab hook bodies are complete and authenticated, so events are not thin; a re-read
 * still refreshes merge requests and deployments (e.g. before a gate decision).
 */
async function reread(
  options: GitLabConnectorOptions,
  client: GitLabClient,
  clock: Clock,
  event: SourceEvent,
): Promise<SourceEvent | null> {
  const summary = (event.payload as GitLabEventPayload<Record<string, unknown>> | null)?.summary;
  const project = typeof summary?.project === 'string' ? summary.project : null;
  const ctx = {
    connection: options.connection,
    receivedAt: clock.now(),
    keyPatterns: options.keyPatterns,
  };
  try {
    if (event.kind === 'merge_request' && project && typeof summary?.iid === 'number') {
      const mr = await client.get(
        `${projectPath(project)}/merge_requests/${summary.iid}`,
        apiMergeRequest,
      );
      return mergeRequestFromApi(ctx, project, mr, 'reread');
    }
    if (event.kind === 'deployment' && project && typeof summary?.deploymentId === 'number') {
      const d = await client.get(
        `${projectPath(project)}/deployments/${summary.deploymentId}`,
        apiDeployment,
      );
      return deploymentFromApi(
        ctx,
        project,
        d,
        'reread',
        typeof summary.projectId === 'number' ? summary.projectId : null,
      );
    }
  } catch (error) {
    // 404 covers both "deleted" and "not visible to this token" on GitLab.
    if (error instanceof HttpError && error.status === 404) return null;
    throw error;
  }
  return event;
}
