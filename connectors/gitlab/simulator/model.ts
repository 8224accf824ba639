/**
 * State the GitLab simulator keeps. Plain data, numeric ids as GitLab uses them; times
 * are Dates here and become ISO strings with milliseconds (GitLab's API format) on output.
 */

export interface SimUser {
  id: number;
  username: string;
  name: string;
  email: string;
  /** Personal access token accepted as `PRIVATE-TOKEN` / `Authorization: Bearer`. */
  token: string;
}

export interface SimHook {
  id: number;
  url: string;
  /** Sent as `X-Gitlab-Token`. */
  token?: string | undefined;
  /** Standard-Webhooks signing token (`whsec_<base64>`). */
  signingToken?: string | undefined;
  /** `X-Gitlab-Event` names delivered; undefined = all. */
  events?: readonly string[] | undefined;
  uuid: string;
}

export interface SimStatusCheckRule {
  id: number;
  name: string;
  externalUrl: string;
  /** HMAC secret for `X-GitLab-Signature`; unsigned requests when absent. */
  secret?: string | undefined;
}

export interface SimProject {
  id: number;
  path: string;
  name: string;
  defaultBranch: string;
  /** branch → head sha */
  branches: Map<string, string>;
  protectedBranches: Set<string>;
  commits: Map<string, { sha: string; message: string; authorId: number; at: Date }>;
  hooks: SimHook[];
  statusChecks: SimStatusCheckRule[];
}

export type MrState = 'opened' | 'closed' | 'merged' | 'locked';

export interface SimMergeRequest {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string;
  sourceBranch: string;
  targetBranch: string;
  state: MrState;
  authorId: number;
  sha: string;
  mergeCommitSha: string | null;
  mergedById: number | null;
  mergedAt: Date | null;
  approvedBy: number[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SimNote {
  id: number;
  projectId: number;
  mrIid: number;
  body: string;
  authorId: number;
  system: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface SimCommitStatus {
  id: number;
  projectId: number;
  sha: string;
  ref: string | null;
  name: string;
  status: 'pending' | 'running' | 'success' | 'failed' | 'canceled';
  description: string | null;
  targetUrl: string | null;
  authorId: number;
  createdAt: Date;
}

export type DeploymentStatus =
  'created' | 'running' | 'success' | 'failed' | 'canceled' | 'blocked';

export interface SimDeployment {
  id: number;
  iid: number;
  projectId: number;
  environment: string;
  ref: string;
  sha: string;
  status: DeploymentStatus;
  userId: number;
  requiredApprovals: number;
  approvals: {
    userId: number;
    status: 'approved' | 'rejected';
    comment: string | null;
    at: Date;
  }[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SimPipeline {
  id: number;
  iid: number;
  projectId: number;
  ref: string;
  sha: string;
  status: 'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled';
  mrIid: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One answer to one external status check for one sha of one MR. */
export interface SimStatusCheckResponse {
  projectId: number;
  mrIid: number;
  checkId: number;
  sha: string;
  status: 'pending' | 'passed' | 'failed';
  requestedAt: Date;
}
