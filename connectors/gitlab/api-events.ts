import type { SourceEvent } from '../../src/model/index.js';
import { deploymentEvent, mergeRequestEvent, type EventContext } from './events.js';
import type { ApiDeployment, ApiMergeRequest } from './schemas.js';

/**
 * Source events from REST API objects. Polling and re-reading a thin webhook both read
 * the API, so both build their events here: the two paths cannot drift apart.
 */
export function mergeRequestFromApi(
  ctx: EventContext,
  project: string,
  mr: ApiMergeRequest,
  event: 'poll' | 'reread' | 'reconcile',
): SourceEvent {
  return mergeRequestEvent(
    ctx,
    {
      project,
      projectId: mr.project_id,
      iid: mr.iid,
      title: mr.title,
      description: mr.description ?? null,
      sourceBranch: mr.source_branch,
      targetBranch: mr.target_branch,
      state: mr.state,
      action: null,
      headSha: mr.sha ?? null,
      updatedAt: mr.updated_at,
      url: mr.web_url ?? null,
    },
    { event, raw: mr },
  );
}

export function deploymentFromApi(
  ctx: EventContext,
  project: string,
  d: ApiDeployment,
  event: 'poll' | 'reread' | 'reconcile',
  projectId: number | null,
): SourceEvent {
  return deploymentEvent(
    ctx,
    {
      project,
      projectId,
      deploymentId: d.id,
      environment: d.environment.name,
      status: d.status,
      sha: d.sha,
      ref: d.ref ?? null,
      title: d.deployable?.commit?.title ?? null,
      updatedAt: d.updated_at,
    },
    { event, raw: d },
  );
}
