import type { z } from 'zod';
import {
  extractKeys,
  type DeploymentStatus,
  type ExtractedKeys,
  type KeyPatterns,
  type ReviewVerdict,
} from '../../src/model/index.js';
import type {
  Deployment,
  PullRequest,
  deploymentStatusSchema,
  protectionRuleEventSchema,
  pushEventSchema,
  reviewSchema,
} from './schemas.js';

/**
 * Normalised views of GitHub records, stored in the source event beside the raw body so
 * mapping does not have to know GitHub's nesting. Pure functions, shared by webhook and poll.
 */
export interface PullRequestRecord {
  repo: string;
  number: number;
  title: string;
  author: string | null;
  state: string;
  draft: boolean;
  merged: boolean;
  mergedBy: string | null;
  mergedAt: string | null;
  headSha: string;
  headBranch: string;
  mergeSha: string | null;
  targetBranch: string;
  url: string;
  updatedAt: string;
  linkedKeys: ExtractedKeys;
}

export function pullRequestRecord(
  repo: string,
  pr: PullRequest,
  patterns?: KeyPatterns,
): PullRequestRecord {
  const merged = pr.merged === true || Boolean(pr.merged_at);
  return {
    repo,
    number: pr.number,
    title: pr.title,
    author: pr.user?.login ?? null,
    state: pr.state,
    draft: pr.draft ?? false,
    merged,
    mergedBy: pr.merged_by?.login ?? null,
    mergedAt: pr.merged_at ?? null,
    headSha: pr.head.sha,
    headBranch: pr.head.ref,
    // merge_commit_sha is a test-merge commit while open; only meaningful once merged.
    mergeSha: merged ? (pr.merge_commit_sha ?? null) : null,
    targetBranch: pr.base.ref,
    url: pr.html_url,
    updatedAt: pr.updated_at,
    linkedKeys: extractKeys([pr.title, pr.head.ref, pr.body], patterns),
  };
}

export interface ReviewRecord {
  repo: string;
  number: number;
  reviewer: string | null;
  verdict: ReviewVerdict;
  originalState: string;
  submittedAt: string | null;
  commitId: string | null;
}

const VERDICTS: Record<string, ReviewVerdict> = {
  approved: 'approved',
  changes_requested: 'changes_requested',
  commented: 'commented',
  dismissed: 'dismissed',
};

export function reviewRecord(
  repo: string,
  number: number,
  review: z.infer<typeof reviewSchema>,
): ReviewRecord {
  const state = review.state.toLowerCase();
  return {
    repo,
    number,
    reviewer: review.user?.login ?? null,
    // PENDING reviews are drafts nobody else sees: treat them as comments.
    verdict: VERDICTS[state] ?? 'commented',
    originalState: review.state,
    submittedAt: review.submitted_at ?? null,
    commitId: review.commit_id ?? null,
  };
}

export interface DeploymentRecord {
  repo: string;
  id: number;
  sha: string;
  ref: string;
  environment: string;
  actor: string | null;
  status: DeploymentStatus;
  originalStatus: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  linkedKeys: ExtractedKeys;
}

// https://docs.github.com/rest/deployments/statuses: error, failure, inactive, in_progress,
// queued, pending, success. `inactive` = superseded by a later deployment, it did succeed.
const DEPLOYMENT_STATES: Record<string, DeploymentStatus> = {
  pending: 'pending',
  queued: 'pending',
  in_progress: 'in_progress',
  success: 'success',
  inactive: 'success',
  failure: 'failure',
  error: 'failure',
};

export function deploymentRecord(
  repo: string,
  d: Deployment,
  status: z.infer<typeof deploymentStatusSchema> | null,
  patterns?: KeyPatterns,
): DeploymentRecord {
  const original = status?.state ?? null;
  return {
    repo,
    id: d.id,
    sha: d.sha,
    ref: d.ref,
    environment: d.environment,
    actor: d.creator?.login ?? null,
    status: original ? (DEPLOYMENT_STATES[original] ?? 'pending') : 'pending',
    originalStatus: original,
    description: d.description ?? null,
    createdAt: d.created_at,
    updatedAt: status?.updated_at ?? status?.created_at ?? d.updated_at,
    linkedKeys: extractKeys(
      [d.description, d.ref, payloadText(d.payload), status?.description],
      patterns,
    ),
  };
}

export interface PushRecord {
  repo: string;
  ref: string;
  branch: string | null;
  before: string;
  after: string;
  pusher: string | null;
  forced: boolean;
  commits: { id: string; message: string }[];
  linkedKeys: ExtractedKeys;
}

export function pushRecord(
  body: z.infer<typeof pushEventSchema>,
  patterns?: KeyPatterns,
): PushRecord {
  const commits = (body.commits ?? []).map((c) => ({ id: c.id, message: c.message }));
  return {
    repo: body.repository.full_name,
    ref: body.ref,
    branch: body.ref.startsWith('refs/heads/') ? body.ref.slice('refs/heads/'.length) : null,
    before: body.before,
    after: body.after,
    pusher: body.sender?.login ?? body.pusher?.name ?? null,
    forced: body.forced ?? false,
    commits,
    linkedKeys: extractKeys(
      [body.ref, body.head_commit?.message, ...commits.map((c) => c.message)],
      patterns,
    ),
  };
}

export interface ProtectionRuleRecord {
  repo: string;
  runId: number;
  environment: string;
  sha: string;
  ref: string;
  callbackUrl: string;
  installationId: number | null;
  deploymentId: number | null;
  pullNumbers: number[];
  linkedKeys: ExtractedKeys;
}

export function protectionRuleRecord(
  body: z.infer<typeof protectionRuleEventSchema>,
  patterns?: KeyPatterns,
): ProtectionRuleRecord | null {
  // The callback URL is the only place the workflow run id appears.
  const m = /\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(
    body.deployment_callback_url,
  );
  if (!m) return null;
  return {
    repo: body.repository?.full_name ?? m[1]!,
    runId: Number(m[2]),
    environment: body.environment,
    sha: body.sha,
    ref: body.ref,
    callbackUrl: body.deployment_callback_url,
    installationId: body.installation?.id ?? null,
    deploymentId: body.deployment?.id ?? null,
    pullNumbers: (body.pull_requests ?? []).map((p) => p.number),
    linkedKeys: extractKeys(
      [body.ref, body.deployment?.description, payloadText(body.deployment?.payload)],
      patterns,
    ),
  };
}

/** Deployment `payload` is free JSON (often a string): scan its text for keys. */
function payloadText(payload: unknown): string | null {
  if (payload === undefined || payload === null) return null;
  if (typeof payload === 'string') return payload;
  try {
    return JSON.stringify(payload);
  } catch {
    return null;
  }
}
