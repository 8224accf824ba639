import { eventSource, pollDeliveryKey, type SourceEvent } from '../../src/model/index.js';
import type { KeyPatterns } from '../../src/model/index.js';
import type { GitHubApi } from './client.js';
import { deploymentExternalId, prExternalId } from './events.js';
import { deploymentRecord, pullRequestRecord, reviewRecord } from './records.js';
import type { Deployment, PullRequest } from './schemas.js';
import type { GitHubEventPayload } from './webhook.js';

/**
 * Source events for records read through the REST API — by the poll and by
 * reconciliation's fresh read — built in one place so the two cannot drift apart: a pull
 * request with all its reviews, a deployment with its latest status.
 */
export interface ApiEventContext {
  connection: string;
  keyPatterns?: KeyPatterns | undefined;
  receivedAt: Date;
  /** `poll` or `reconcile`: the source event's `event` and `payload.github.event`. */
  event: string;
}

function apiEvent(
  ctx: ApiEventContext,
  kind: string,
  externalId: string,
  stamp: string,
  record: unknown,
  body: unknown,
): SourceEvent {
  return {
    system: 'github',
    connection: ctx.connection,
    source: eventSource('github', ctx.connection),
    deliveryKey: pollDeliveryKey(kind, externalId, stamp),
    kind,
    event: ctx.event,
    externalId,
    receivedAt: ctx.receivedAt,
    thin: false,
    payload: {
      github: { event: ctx.event, action: null, delivery: null, hookId: null },
      record,
      body,
    } satisfies GitHubEventPayload,
  };
}

/** The pull request and every review (one reviews call per 100 reviews). */
export async function pullRequestEvent(
  api: GitHubApi,
  ctx: ApiEventContext,
  repo: string,
  pr: PullRequest,
): Promise<SourceEvent> {
  const reviews = [];
  for (let rp = 1; ; rp++) {
    const r = await api.listReviews(repo, pr.number, rp);
    reviews.push(...r.items.map((x) => reviewRecord(repo, pr.number, x)));
    if (!r.hasNext) break;
  }
  const record = { ...pullRequestRecord(repo, pr, ctx.keyPatterns), reviews };
  return apiEvent(ctx, 'pull_request', prExternalId(repo, pr.number), pr.updated_at, record, pr);
}

/** The deployment with its latest status (statuses are listed newest first). */
export async function deploymentEvent(
  api: GitHubApi,
  ctx: ApiEventContext,
  repo: string,
  d: Deployment,
): Promise<SourceEvent> {
  const statuses = await api.listDeploymentStatuses(repo, d.id);
  const latest = statuses.items[0] ?? null;
  const record = deploymentRecord(repo, d, latest, ctx.keyPatterns);
  const stamp = latest ? `${record.updatedAt}#${latest.id}` : d.updated_at;
  return apiEvent(ctx, 'deployment', deploymentExternalId(repo, d.id), stamp, record, {
    deployment: d,
    status: latest,
  });
}
