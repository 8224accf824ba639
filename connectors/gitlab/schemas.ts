import { z } from 'zod';

/**
 * The parts of GitLab's webhook bodies and API answers changebridge relies on, checked at
 * the trust boundary. Objects are loose: GitLab adds fields every release, and the full
 * body stays in the source event for mapping. Shapes follow the documented examples in
 * ../shared/fixtures/gitlab (webhook_events.md, status_checks.md).
 */

const id = z.number().int();
const text = z.string().nullish();

export const projectRef = z.looseObject({
  id,
  path_with_namespace: z.string(),
  web_url: z.string().optional(),
});

const lastCommit = z.looseObject({ id: z.string(), message: text, title: text }).nullish();

export const mergeRequestAttributes = z.looseObject({
  id,
  iid: id,
  title: z.string(),
  description: text,
  source_branch: z.string(),
  target_branch: z.string(),
  state: z.string().optional(),
  action: z.string().optional(),
  updated_at: z.string(),
  last_commit: lastCommit,
  url: z.string().optional(),
});

export const mergeRequestHook = z.looseObject({
  object_kind: z.literal('merge_request'),
  project: projectRef,
  object_attributes: mergeRequestAttributes,
  external_approval_rule: z
    .looseObject({ id, name: z.string(), external_url: z.string().optional() })
    .optional(),
});

export const pushHook = z.looseObject({
  object_kind: z.literal('push'),
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  checkout_sha: z.string().nullish(),
  project: projectRef,
  commits: z.array(z.looseObject({ id: z.string(), message: text, title: text })).default([]),
  total_commits_count: z.number().int().optional(),
});

export const deploymentHook = z.looseObject({
  object_kind: z.literal('deployment'),
  status: z.string(),
  deployment_id: id,
  environment: z.string(),
  status_changed_at: z.string().optional(),
  short_sha: z.string().optional(),
  commit_url: z.string().optional(),
  commit_title: text,
  ref: z.string().optional(),
  project: projectRef,
});

export const pipelineHook = z.looseObject({
  object_kind: z.literal('pipeline'),
  object_attributes: z.looseObject({
    id,
    ref: z.string().nullish(),
    sha: z.string(),
    status: z.string(),
  }),
  merge_request: z
    .looseObject({ iid: id, title: z.string().optional(), source_branch: z.string().optional() })
    .nullish(),
  commit: z.looseObject({ message: text, title: text }).nullish(),
  project: projectRef,
});

export const noteHook = z.looseObject({
  object_kind: z.literal('note'),
  object_attributes: z.looseObject({
    id,
    note: z.string(),
    noteable_type: z.string(),
    updated_at: z.string().optional(),
  }),
  merge_request: z
    .looseObject({ iid: id, title: z.string(), source_branch: z.string().optional() })
    .optional(),
  project: projectRef,
});

/* ---- REST API answers (https://docs.gitlab.com/api/) ---- */

export const apiMergeRequest = z.looseObject({
  id,
  iid: id,
  project_id: id,
  title: z.string(),
  description: text,
  state: z.string(),
  source_branch: z.string(),
  target_branch: z.string(),
  sha: z.string().nullish(),
  updated_at: z.string(),
  web_url: z.string().optional(),
});
export type ApiMergeRequest = z.infer<typeof apiMergeRequest>;

export const apiDeployment = z.looseObject({
  id,
  iid: id.optional(),
  ref: z.string().optional(),
  sha: z.string(),
  status: z.string(),
  updated_at: z.string(),
  environment: z.looseObject({ name: z.string() }),
  deployable: z.looseObject({ commit: z.looseObject({ title: text }).nullish() }).nullish(),
  approvals: z.array(z.looseObject({ user: z.looseObject({ id }), status: z.string() })).optional(),
});
export type ApiDeployment = z.infer<typeof apiDeployment>;

export const apiCommitStatus = z.looseObject({
  id,
  name: z.string(),
  status: z.string(),
  description: text,
  target_url: text,
  created_at: z.string().optional(),
});

export const apiNote = z.looseObject({ id, body: z.string(), system: z.boolean().optional() });

export const apiStatusCheck = z.looseObject({ id, name: z.string(), status: z.string() });

export const apiUser = z.looseObject({ id, username: z.string() });
