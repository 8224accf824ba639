import type { Connector, SourceEvent, WebhookRequest } from '../../src/model/index.js';
import { HttpError } from '../../src/runtime/index.js';
import { createGitHubApi, type GitHubApi } from './client.js';
import { deploymentExternalId, prExternalId } from './events.js';
import {
  DEFAULT_STATUS_CONTEXT,
  type GitHubConnectorDeps,
  type GitHubConnectorOptions,
} from './options.js';
import { createPollStreams } from './poll.js';
import { READABLE_KINDS, readManyGitHub } from './read-many.js';
import { deploymentRecord, pullRequestRecord } from './records.js';
import { handleGitHubWebhook, type GitHubEventPayload } from './webhook.js';
import { GITHUB_OPERATIONS, createWriteback } from './writeback.js';

export type { GitHubConnectorOptions, GitHubConnectorDeps, GitHubAuthOptions } from './options.js';
export { DEFAULT_STATUS_CONTEXT, COMMENT_MARKER } from './options.js';
export type { GitHubEventPayload } from './webhook.js';
export { GITHUB_OPERATIONS } from './writeback.js';
export { parseGitHubEvent, type ParsedEvent } from './events.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface GitHubConnector extends Connector {
  /** The REST calls, for tools (explain, demo) that need to read GitHub directly. */
  readonly api: GitHubApi;
}

export function createGitHubConnector(
  options: GitHubConnectorOptions,
  deps: GitHubConnectorDeps,
): GitHubConnector {
  const api = createGitHubApi(options, deps);
  const webhook = {
    connection: options.name,
    secrets: options.webhookSecrets,
    maxBodyBytes: options.maxBodyBytes ?? 25 * 1024 * 1024,
    ...(options.keyPatterns ? { keyPatterns: options.keyPatterns } : {}),
  };
  const streams = createPollStreams(api, {
    connection: options.name,
    repositories: options.repositories,
    overlapMs: options.pollOverlapMs ?? 2 * MINUTE,
    initialLookbackMs: options.initialLookbackMs ?? 30 * DAY,
    deploymentLookbackMs: options.deploymentLookbackMs ?? 14 * DAY,
    pageSize: 50,
    ...(options.keyPatterns ? { keyPatterns: options.keyPatterns } : {}),
  });
  const execute = createWriteback(
    api,
    {
      statusContext: options.statusContext ?? DEFAULT_STATUS_CONTEXT,
      ...(options.detailsUrl ? { detailsUrl: options.detailsUrl } : {}),
    },
    deps.logger,
  );

  /** GitHub bodies are signed and complete; re-reading is only for records polled long ago. */
  const reread = async (event: SourceEvent): Promise<SourceEvent | null> => {
    const ref = parseExternalId(event);
    try {
      if (ref?.kind === 'pull_request') {
        const pr = await api.getPull(ref.repo, ref.id);
        const record = pullRequestRecord(ref.repo, pr, options.keyPatterns);
        return withRecord(event, prExternalId(ref.repo, pr.number), record, pr);
      }
      if (ref?.kind === 'deployment') {
        const d = await api.getDeployment(ref.repo, ref.id);
        const latest = (await api.listDeploymentStatuses(ref.repo, d.id)).items[0] ?? null;
        const record = deploymentRecord(ref.repo, d, latest, options.keyPatterns);
        return withRecord(event, deploymentExternalId(ref.repo, d.id), record, {
          deployment: d,
          status: latest,
        });
      }
    } catch (error) {
      // 404 (deleted) and 410 (gone) mean the record no longer exists for us.
      if (error instanceof HttpError && (error.status === 404 || error.status === 410)) return null;
      throw error;
    }
    return event;
  };

  return {
    system: 'github',
    connection: options.name,
    streams,
    operations: GITHUB_OPERATIONS,
    api,
    handleWebhook: (request: WebhookRequest) =>
      Promise.resolve(handleGitHubWebhook(webhook, request)),
    reread,
    execute,
    readableKinds: READABLE_KINDS,
    readMany: (kind, externalIds, signal) =>
      readManyGitHub(
        {
          api,
          connection: options.name,
          keyPatterns: options.keyPatterns,
          clock: deps.clock,
        },
        kind,
        externalIds,
        signal,
      ),
  };
}

function parseExternalId(
  event: SourceEvent,
): { kind: 'pull_request' | 'deployment'; repo: string; id: number } | null {
  const id = event.externalId ?? '';
  const pr = /^([^/]+\/[^/#]+)#(\d+)$/.exec(id);
  // Reviews keep their own record shape ({pullRequest, review}): only PRs are re-read.
  if (event.kind === 'pull_request' && pr) {
    return { kind: 'pull_request', repo: pr[1]!, id: Number(pr[2]) };
  }
  const dep = /^([^/]+\/[^/]+)\/deployments\/(\d+)$/.exec(id);
  if (event.kind === 'deployment' && dep)
    return { kind: 'deployment', repo: dep[1]!, id: Number(dep[2]) };
  return null;
}

function withRecord(
  event: SourceEvent,
  externalId: string,
  record: unknown,
  body: unknown,
): SourceEvent {
  const prev = event.payload as Partial<GitHubEventPayload> | null;
  return {
    ...event,
    externalId,
    thin: false,
    payload: {
      github: prev?.github ?? { event: 'reread', action: null, delivery: null, hookId: null },
      record,
      body,
    } satisfies GitHubEventPayload,
  };
}
