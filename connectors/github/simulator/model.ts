/**
 * The simulator's records, shaped like GitHub's REST objects (snake_case, ISO seconds,
 * numeric ids) so they serialise straight into responses and webhook bodies.
 */
export interface SimUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export interface SimRepo {
  id: number;
  name: string;
  full_name: string;
  owner: SimUser;
  private: boolean;
  html_url: string;
  default_branch: string;
  /** Branch → head sha. */
  branches: Map<string, string>;
}

export interface SimPull {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  user: SimUser;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  merged: boolean;
  merged_at: string | null;
  merged_by: SimUser | null;
  merge_commit_sha: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface SimReview {
  id: number;
  user: SimUser;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  body: string;
  commit_id: string;
  submitted_at: string;
}

export interface SimDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  creator: SimUser;
  created_at: string;
  updated_at: string;
  statuses: SimDeploymentStatus[];
}

export interface SimDeploymentStatus {
  id: number;
  state: 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
  description: string;
  environment: string;
  creator: SimUser;
  created_at: string;
  updated_at: string;
}

export interface SimCommitStatus {
  id: number;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  target_url: string | null;
  creator: SimUser;
  created_at: string;
  updated_at: string;
}

export interface SimCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  details_url: string | null;
  output: { title: string | null; summary: string | null };
  app_id: number;
  started_at: string;
  completed_at: string | null;
}

export interface SimComment {
  id: number;
  body: string;
  user: SimUser;
  created_at: string;
  updated_at: string;
}

export interface SimProtectionRequest {
  repo: string;
  runId: number;
  environment: string;
  sha: string;
  ref: string;
  installationId: number;
  deploymentId: number | null;
  answer: { state: 'approved' | 'rejected'; comment: string; at: string } | null;
}

/** What every accepted write did, for tests asserting "zero writes". */
export interface SimWrite {
  method: string;
  path: string;
  at: string;
}

/** GitHub's timestamps have second precision and a `Z`. */
export function ghTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
