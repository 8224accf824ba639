import {
  eventSource,
  extractKeys,
  pollDeliveryKey,
  type ExtractedKeys,
  type KeyPatterns,
  type SourceEvent,
} from '../../src/model/index.js';

/**
 * Builds the source events webhooks and polling both produce (DESIGN §2). Every payload is
 * `{ summary, keys, raw }`: `summary` is the same shape whether the record came from a hook
 * body or from the REST API (their field names differ), `keys` the change numbers and Jira
 * keys found in it, `raw` the vendor JSON untouched for mappings that need more.
 */

export interface MergeRequestSummary {
  project: string;
  projectId: number;
  iid: number;
  title: string;
  description: string | null;
  sourceBranch: string;
  targetBranch: string;
  state: string | null;
  action: string | null;
  headSha: string | null;
  updatedAt: string;
  url: string | null;
}

export interface DeploymentSummary {
  project: string;
  /** Hooks carry it; the deployments API does not. */
  projectId: number | null;
  deploymentId: number;
  environment: string;
  status: string;
  sha: string | null;
  ref: string | null;
  title: string | null;
  updatedAt: string | null;
}

export interface GitLabEventPayload<S = unknown> {
  summary: S;
  keys: ExtractedKeys;
  raw: unknown;
}

export const mrExternalId = (project: string, iid: number) => `${project}!${iid}`;
export const deploymentExternalId = (project: string, id: number) => `${project}/deployments/${id}`;

export interface EventContext {
  connection: string;
  receivedAt: Date;
  keyPatterns?: KeyPatterns | undefined;
}

export function makeEvent(
  ctx: EventContext,
  fields: {
    deliveryKey: string;
    kind: string;
    event: string;
    externalId: string | null;
    summary: unknown;
    keyTexts: readonly (string | null | undefined)[];
    raw: unknown;
  },
): SourceEvent {
  const payload: GitLabEventPayload = {
    summary: fields.summary,
    keys: extractKeys(fields.keyTexts, ctx.keyPatterns),
    raw: fields.raw,
  };
  return {
    system: 'gitlab',
    connection: ctx.connection,
    source: eventSource('gitlab', ctx.connection),
    deliveryKey: fields.deliveryKey,
    kind: fields.kind,
    event: fields.event,
    externalId: fields.externalId,
    receivedAt: ctx.receivedAt,
    thin: false,
    payload,
  };
}

export function mergeRequestEvent(
  ctx: EventContext,
  mr: MergeRequestSummary,
  opts: { deliveryKey?: string; event: string; raw: unknown; kind?: string; externalId?: string },
): SourceEvent {
  const externalId = opts.externalId ?? mrExternalId(mr.project, mr.iid);
  return makeEvent(ctx, {
    deliveryKey: opts.deliveryKey ?? pollDeliveryKey('merge_request', externalId, mr.updatedAt),
    kind: opts.kind ?? 'merge_request',
    event: opts.event,
    externalId,
    summary: mr,
    keyTexts: [mr.title, mr.sourceBranch, mr.description],
    raw: opts.raw,
  });
}

export function deploymentEvent(
  ctx: EventContext,
  d: DeploymentSummary,
  opts: { deliveryKey?: string; event: string; raw: unknown },
): SourceEvent {
  const externalId = deploymentExternalId(d.project, d.deploymentId);
  return makeEvent(ctx, {
    deliveryKey:
      opts.deliveryKey ??
      pollDeliveryKey('deployment', externalId, `${d.updatedAt ?? ''}/${d.status}`),
    kind: 'deployment',
    event: opts.event,
    externalId,
    summary: d,
    keyTexts: [d.title, d.ref],
    raw: opts.raw,
  });
}
