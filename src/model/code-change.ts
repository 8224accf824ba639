import type { CodeHost, ReviewVerdict } from './enums.js';

export interface Review {
  /** Person id. */
  reviewer: string;
  verdict: ReviewVerdict;
  at: Date | null;
}

/** A pull request (GitHub) or merge request (GitLab). */
export interface CodeChange {
  /** Deterministic source id, e.g. `github:pull_request:gh:acme/api#12`. */
  id: string;
  system: CodeHost;
  repo: string;
  number: number;
  title: string;
  /** Person id. */
  author: string | null;
  reviewers: Review[];
  mergedBy: string | null;
  mergedAt: Date | null;
  headSha: string | null;
  mergeSha: string | null;
  targetBranch: string;
  /** Change keys and issue keys referenced in title, branch or body. */
  linkedKeys: string[];
  sourceEventIds: string[];
  updatedAt: Date;
}

/** Person ids of reviewers whose latest verdict is `approved`, excluding the author. */
export function independentApprovers(cc: CodeChange): string[] {
  const latest = new Map<string, Review>();
  for (const review of cc.reviewers) {
    const prev = latest.get(review.reviewer);
    if (!prev || (review.at?.getTime() ?? 0) >= (prev.at?.getTime() ?? 0)) {
      latest.set(review.reviewer, review);
    }
  }
  return [...latest.values()]
    .filter((r) => r.verdict === 'approved' && r.reviewer !== cc.author)
    .map((r) => r.reviewer)
    .sort();
}
