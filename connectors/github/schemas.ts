import { z } from 'zod';

/**
 * zod schemas at the trust boundary: webhook bodies and API responses. Loose objects:
 * GitHub adds fields all the time; we only insist on what we read.
 */
const id = z.number().int();
const login = z.looseObject({ login: z.string() });

export const repositorySchema = z.looseObject({
  id,
  full_name: z.string(),
  name: z.string(),
  owner: login,
  html_url: z.string().optional(),
});

export const pullRequestSchema = z.looseObject({
  id,
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().optional(),
  state: z.string(),
  html_url: z.string(),
  user: login.nullable(),
  merged: z.boolean().nullable().optional(),
  merged_at: z.string().nullable().optional(),
  merged_by: login.nullable().optional(),
  merge_commit_sha: z.string().nullable().optional(),
  draft: z.boolean().optional(),
  updated_at: z.string(),
  created_at: z.string().optional(),
  head: z.looseObject({ ref: z.string(), sha: z.string() }),
  base: z.looseObject({ ref: z.string(), sha: z.string().optional() }),
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

export const reviewSchema = z.looseObject({
  id,
  user: login.nullable(),
  state: z.string(),
  body: z.string().nullable().optional(),
  submitted_at: z.string().nullable().optional(),
  commit_id: z.string().nullable().optional(),
});

export const deploymentSchema = z.looseObject({
  id,
  sha: z.string(),
  ref: z.string(),
  task: z.string().optional(),
  environment: z.string(),
  description: z.string().nullable().optional(),
  payload: z.unknown().optional(),
  creator: login.nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const deploymentStatusSchema = z.looseObject({
  id,
  state: z.string(),
  description: z.string().nullable().optional(),
  environment: z.string().optional(),
  creator: login.nullable().optional(),
  created_at: z.string(),
  updated_at: z.string().optional(),
});

/** Webhook bodies, one schema per event we turn into source events. */
export const pullRequestEventSchema = z.looseObject({
  action: z.string(),
  number: z.number().int().optional(),
  pull_request: pullRequestSchema,
  repository: repositorySchema,
  sender: login.optional(),
});

export const pullRequestReviewEventSchema = z.looseObject({
  action: z.string(),
  review: reviewSchema,
  pull_request: pullRequestSchema,
  repository: repositorySchema,
});

export const pushEventSchema = z.looseObject({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  created: z.boolean().optional(),
  deleted: z.boolean().optional(),
  forced: z.boolean().optional(),
  repository: repositorySchema,
  pusher: z.looseObject({ name: z.string() }).optional(),
  sender: login.optional(),
  head_commit: z.looseObject({ id: z.string(), message: z.string() }).nullable().optional(),
  commits: z.array(z.looseObject({ id: z.string(), message: z.string() })).optional(),
});

export const deploymentEventSchema = z.looseObject({
  action: z.string(),
  deployment: deploymentSchema,
  repository: repositorySchema,
});

export const deploymentStatusEventSchema = z.looseObject({
  action: z.string(),
  deployment_status: deploymentStatusSchema,
  deployment: deploymentSchema,
  repository: repositorySchema,
});

export const protectionRuleEventSchema = z.looseObject({
  action: z.string(),
  environment: z.string(),
  event: z.string().optional(),
  sha: z.string(),
  ref: z.string(),
  deployment_callback_url: z.string(),
  deployment: deploymentSchema.nullable().optional(),
  pull_requests: z.array(z.looseObject({ number: z.number().int() })).optional(),
  repository: repositorySchema.optional(),
  installation: z.looseObject({ id }).optional(),
});

/** API responses the write-back reads. */
export const combinedStatusSchema = z.looseObject({
  state: z.string(),
  statuses: z.array(
    z.looseObject({
      context: z.string(),
      state: z.string(),
      description: z.string().nullable().optional(),
      target_url: z.string().nullable().optional(),
    }),
  ),
});

export const checkRunSchema = z.looseObject({
  id,
  name: z.string(),
  head_sha: z.string(),
  status: z.string(),
  conclusion: z.string().nullable().optional(),
  output: z
    .looseObject({
      title: z.string().nullable().optional(),
      summary: z.string().nullable().optional(),
    })
    .optional(),
});
export const checkRunListSchema = z.looseObject({
  total_count: z.number().int(),
  check_runs: z.array(checkRunSchema),
});

export const issueCommentSchema = z.looseObject({
  id,
  body: z.string().nullable().optional(),
  user: login.nullable().optional(),
});

export const installationTokenSchema = z.looseObject({
  token: z.string().min(1),
  expires_at: z.string(),
});
