import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../../src/runtime/index.js';
import type {
  SimCommitStatus,
  SimDeployment,
  SimHook,
  SimMergeRequest,
  SimNote,
  SimPipeline,
  SimProject,
  SimStatusCheckResponse,
  SimStatusCheckRule,
  SimUser,
} from './model.js';

/** What happened, for the hook sender: `X-Gitlab-Event` name + project. */
export interface SimHappening {
  hook:
    | 'Merge Request Hook'
    | 'Push Hook'
    | 'Deployment Hook'
    | 'Pipeline Hook'
    | 'Note Hook'
    | 'External Status Check';
  projectId: number;
  /** For merge requests: the action; for status checks: the rule id. */
  detail: string;
  mr?: SimMergeRequest;
  deployment?: SimDeployment;
  pipeline?: SimPipeline;
  note?: SimNote;
  push?: { ref: string; before: string; after: string; shas: string[]; userId: number };
  rule?: SimStatusCheckRule;
}

/** Error with an HTTP status and GitLab's JSON error body. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(JSON.stringify(body));
  }
}

/** A check left pending this long is failed by GitLab (status_checks.md). */
export const STATUS_CHECK_TIMEOUT_MS = 2 * 60_000;

/** Stores, lookups and the happening feed; the mutations live in state.ts. */
export class GitLabSimCore {
  readonly users = new Map<number, SimUser>();
  readonly projects = new Map<number, SimProject>();
  readonly mergeRequests: SimMergeRequest[] = [];
  readonly notes: SimNote[] = [];
  readonly statuses: SimCommitStatus[] = [];
  readonly deployments: SimDeployment[] = [];
  readonly pipelines: SimPipeline[] = [];
  readonly checkResponses: SimStatusCheckResponse[] = [];
  private seq = 100;
  private readonly listeners: ((h: SimHappening) => void)[] = [];

  constructor(readonly clock: Clock) {}

  onHappening(listener: (h: SimHappening) => void): void {
    this.listeners.push(listener);
  }

  protected emit(h: SimHappening): void {
    for (const l of this.listeners) l(h);
  }

  nextId(): number {
    return ++this.seq;
  }

  addUser(u: Omit<SimUser, 'id' | 'token'> & { token?: string }): SimUser {
    const user = {
      id: this.nextId(),
      token: u.token ?? `glpat-${randomBytes(10).toString('hex')}`,
      ...u,
    } as SimUser;
    this.users.set(user.id, user);
    return user;
  }

  addProject(path: string, opts: { defaultBranch?: string; authorId: number }): SimProject {
    const id = this.nextId();
    const defaultBranch = opts.defaultBranch ?? 'main';
    const project: SimProject = {
      id,
      path,
      name: path.split('/').pop() ?? path,
      defaultBranch,
      branches: new Map(),
      protectedBranches: new Set([defaultBranch]),
      commits: new Map(),
      hooks: [],
      statusChecks: [],
    };
    this.projects.set(id, project);
    const sha = this.commit(project, 'Initial commit', opts.authorId);
    project.branches.set(defaultBranch, sha);
    return project;
  }

  addHook(projectId: number, hook: Omit<SimHook, 'id' | 'uuid'>): SimHook {
    const h: SimHook = { ...hook, id: this.nextId(), uuid: uuid() };
    this.project(projectId).hooks.push(h);
    return h;
  }

  addStatusCheck(projectId: number, rule: Omit<SimStatusCheckRule, 'id'>): SimStatusCheckRule {
    const r = { ...rule, id: this.nextId() };
    this.project(projectId).statusChecks.push(r);
    return r;
  }

  project(idOrPath: number | string): SimProject {
    for (const p of this.projects.values()) {
      if (p.id === Number(idOrPath) || p.path === idOrPath) return p;
    }
    throw new SimError(404, { message: '404 Project Not Found' });
  }

  mr(projectId: number, iid: number): SimMergeRequest {
    const mr = this.mergeRequests.find((m) => m.projectId === projectId && m.iid === iid);
    if (!mr) throw new SimError(404, { message: '404 Not found' });
    return mr;
  }

  deployment(projectId: number, id: number): SimDeployment {
    const d = this.deployments.find((x) => x.projectId === projectId && x.id === id);
    if (!d) throw new SimError(404, { message: '404 Not found' });
    return d;
  }

  protected commit(project: SimProject, message: string, authorId: number): string {
    const sha = createHash('sha1')
      .update(`${project.id}:${this.nextId()}:${message}`)
      .digest('hex');
    project.commits.set(sha, { sha, message, authorId, at: this.clock.now() });
    return sha;
  }

  /** Commits to a branch (creating it), sends a Push Hook. */
}

export function uuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
