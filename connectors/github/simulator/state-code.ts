import { createHash } from 'node:crypto';
import type { Clock } from '../../../src/runtime/index.js';
import {
  ghTime,
  type SimCheckRun,
  type SimComment,
  type SimCommitStatus,
  type SimDeployment,
  type SimProtectionRequest,
  type SimPull,
  type SimRepo,
  type SimReview,
  type SimUser,
  type SimWrite,
} from './model.js';
import { pullJson, repoJson, reviewJson, userJson } from './render.js';

/** An event the webhook sender turns into a signed delivery. */
export type SimEmit = (event: string, body: Record<string, unknown>) => void;

/**
 * The simulator's base state: ids, repositories, pull requests, reviews and pushes
 * (deployments live in state.ts). Every operation that GitHub would
 * announce by webhook calls `emit` with the body GitHub sends for it.
 */
export class CodeState {
  readonly repos = new Map<string, SimRepo>();
  readonly pulls = new Map<string, SimPull[]>();
  readonly reviews = new Map<string, SimReview[]>();
  readonly deployments = new Map<string, SimDeployment[]>();
  readonly commitStatuses = new Map<string, SimCommitStatus[]>();
  readonly checkRuns = new Map<string, SimCheckRun[]>();
  readonly comments = new Map<string, SimComment[]>();
  readonly protectionRequests: SimProtectionRequest[] = [];
  readonly writes: SimWrite[] = [];
  private nextId = 1000;
  private shaSeq = 0;
  emit: SimEmit = () => undefined;

  constructor(
    private readonly clock: Clock,
    readonly installationId = 4242,
  ) {}

  id(): number {
    return ++this.nextId;
  }
  now(): string {
    return ghTime(this.clock.now());
  }
  sha(seed = ''): string {
    return createHash('sha1').update(`${seed}:${++this.shaSeq}`).digest('hex');
  }
  user(login: string): SimUser {
    return { login, id: hashId(login), type: login.endsWith('[bot]') ? 'Bot' : 'User' };
  }

  repo(fullName: string): SimRepo {
    const r = this.repos.get(fullName);
    if (!r)
      throw new Error(
        `[changebridge/github-sim] repository ${fullName} does not exist; create it first`,
      );
    return r;
  }

  createRepo(fullName: string, defaultBranch = 'main'): SimRepo {
    const existing = this.repos.get(fullName);
    if (existing) return existing;
    const [owner = '', name = ''] = fullName.split('/');
    const repo: SimRepo = {
      id: this.id(),
      name,
      full_name: fullName,
      owner: this.user(owner),
      private: false,
      html_url: `https://github.com/${fullName}`,
      default_branch: defaultBranch,
      branches: new Map([[defaultBranch, this.sha(fullName)]]),
    };
    this.repos.set(fullName, repo);
    for (const m of [this.pulls, this.reviews, this.deployments, this.comments] as Map<
      string,
      unknown[]
    >[])
      m.set(fullName, []);
    return repo;
  }

  openPullRequest(
    fullName: string,
    o: {
      title: string;
      body?: string;
      head: string;
      base?: string;
      author: string;
      draft?: boolean;
    },
  ): SimPull {
    const repo = this.repo(fullName);
    const base = o.base ?? repo.default_branch;
    const headSha = this.sha(o.head);
    repo.branches.set(o.head, headSha);
    const number = this.pulls.get(fullName)!.length + 1;
    const now = this.now();
    const pr: SimPull = {
      id: this.id(),
      number,
      title: o.title,
      body: o.body ?? null,
      state: 'open',
      draft: o.draft ?? false,
      user: this.user(o.author),
      head: { ref: o.head, sha: headSha },
      base: { ref: base, sha: repo.branches.get(base) ?? this.sha(base) },
      merged: false,
      merged_at: null,
      merged_by: null,
      merge_commit_sha: null,
      created_at: now,
      updated_at: now,
      closed_at: null,
    };
    this.pulls.get(fullName)!.push(pr);
    this.prEvent('opened', repo, pr, pr.user);
    return pr;
  }

  pull(fullName: string, number: number): SimPull {
    const pr = this.pulls.get(fullName)?.find((p) => p.number === number);
    if (!pr) throw new Error(`[changebridge/github-sim] ${fullName}#${number} does not exist`);
    return pr;
  }

  editPullRequest(
    fullName: string,
    number: number,
    patch: { title?: string; body?: string },
    by?: string,
  ): SimPull {
    const pr = this.pull(fullName, number);
    const changes: Record<string, { from: unknown }> = {};
    if (patch.title !== undefined) {
      changes.title = { from: pr.title };
      pr.title = patch.title;
    }
    if (patch.body !== undefined) {
      changes.body = { from: pr.body };
      pr.body = patch.body;
    }
    pr.updated_at = this.now();
    this.prEvent('edited', this.repo(fullName), pr, by ? this.user(by) : pr.user, { changes });
    return pr;
  }

  pushToPullRequest(fullName: string, number: number): SimPull {
    const pr = this.pull(fullName, number);
    const before = pr.head.sha;
    pr.head.sha = this.sha(pr.head.ref);
    this.repo(fullName).branches.set(pr.head.ref, pr.head.sha);
    pr.updated_at = this.now();
    this.prEvent('synchronize', this.repo(fullName), pr, pr.user, { before, after: pr.head.sha });
    return pr;
  }

  submitReview(
    fullName: string,
    number: number,
    o: { reviewer: string; state: SimReview['state']; body?: string },
  ): SimReview {
    const pr = this.pull(fullName, number);
    const review: SimReview = {
      id: this.id(),
      user: this.user(o.reviewer),
      state: o.state,
      body: o.body ?? '',
      commit_id: pr.head.sha,
      submitted_at: this.now(),
    };
    const key = `${fullName}#${number}`;
    this.reviews.set(key, [...(this.reviews.get(key) ?? []), review]);
    pr.updated_at = review.submitted_at;
    const repo = this.repo(fullName);
    this.emit('pull_request_review', {
      action: 'submitted',
      review: reviewJson(repo, pr, review),
      pull_request: pullJson(repo, pr),
      repository: repoJson(repo),
      sender: userJson(review.user),
    });
    return review;
  }

  mergePullRequest(fullName: string, number: number, by: string): SimPull {
    const pr = this.pull(fullName, number);
    if (pr.state !== 'open')
      throw new Error(`[changebridge/github-sim] ${fullName}#${number} is not open`);
    const repo = this.repo(fullName);
    const before = repo.branches.get(pr.base.ref) ?? pr.base.sha;
    const now = this.now();
    Object.assign(pr, {
      state: 'closed',
      merged: true,
      merged_at: now,
      closed_at: now,
      updated_at: now,
      merged_by: this.user(by),
      merge_commit_sha: this.sha('merge'),
    });
    repo.branches.set(pr.base.ref, pr.merge_commit_sha!);
    this.prEvent('closed', repo, pr, this.user(by));
    this.pushEvent(
      repo,
      pr.base.ref,
      before,
      pr.merge_commit_sha!,
      by,
      `Merge pull request #${number} from ${pr.head.ref}\n\n${pr.title}`,
    );
    return pr;
  }

  closePullRequest(fullName: string, number: number, by: string): SimPull {
    const pr = this.pull(fullName, number);
    const now = this.now();
    Object.assign(pr, { state: 'closed', closed_at: now, updated_at: now });
    this.prEvent('closed', this.repo(fullName), pr, this.user(by));
    return pr;
  }

  /** A direct push (no PR): what governance must notice on protected branches. */
  push(fullName: string, o: { branch: string; pusher: string; message: string }): string {
    const repo = this.repo(fullName);
    const before = repo.branches.get(o.branch) ?? '0'.repeat(40);
    const after = this.sha(o.branch);
    repo.branches.set(o.branch, after);
    this.pushEvent(repo, o.branch, before, after, o.pusher, o.message);
    return after;
  }

  protected prEvent(
    action: string,
    repo: SimRepo,
    pr: SimPull,
    sender: SimUser,
    extra: Record<string, unknown> = {},
  ): void {
    this.emit('pull_request', {
      action,
      number: pr.number,
      pull_request: pullJson(repo, pr),
      repository: repoJson(repo),
      sender: userJson(sender),
      ...extra,
    });
  }

  protected pushEvent(
    repo: SimRepo,
    branch: string,
    before: string,
    after: string,
    pusher: string,
    message: string,
  ): void {
    const commit = {
      id: after,
      tree_id: this.sha('tree'),
      distinct: true,
      message,
      timestamp: this.now(),
      url: `${repo.html_url}/commit/${after}`,
      author: { name: pusher, email: `${pusher}@users.noreply.github.com`, username: pusher },
      committer: { name: pusher, email: `${pusher}@users.noreply.github.com`, username: pusher },
      added: [],
      removed: [],
      modified: [],
    };
    this.emit('push', {
      ref: `refs/heads/${branch}`,
      before,
      after,
      created: /^0+$/.test(before),
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${repo.html_url}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
      commits: [commit],
      head_commit: commit,
      repository: repoJson(repo),
      pusher: { name: pusher, email: `${pusher}@users.noreply.github.com` },
      sender: userJson(this.user(pusher)),
    });
  }
}

export function repoApi(repo: SimRepo): string {
  return `https://api.github.com/repos/${repo.full_name}`;
}

function hashId(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0) % 100_000_000;
}
