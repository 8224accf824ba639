import { GitLabSimCore, SimError, STATUS_CHECK_TIMEOUT_MS } from './state-core.js';
import type {
  DeploymentStatus,
  SimCommitStatus,
  SimDeployment,
  SimMergeRequest,
  SimNote,
  SimPipeline,
  SimStatusCheckRule,
} from './model.js';

export {
  GitLabSimCore,
  SimError,
  STATUS_CHECK_TIMEOUT_MS,
  uuid,
  type SimHappening,
} from './state-core.js';

/**
 * The simulator's mutations, each doing what GitLab does as a side effect: a push moves
 * open MRs' heads and resets approvals, a new head re-requests external status checks,
 * a deployment to a protected environment with required approvals waits as `blocked`.
 */
export class GitLabSimState extends GitLabSimCore {
  push(projectId: number, branch: string, messages: string[], userId: number): string {
    const project = this.project(projectId);
    const before = project.branches.get(branch) ?? '0'.repeat(40);
    const shas = messages.map((m) => this.commit(project, m, userId));
    const after = shas.at(-1) ?? before;
    project.branches.set(branch, after);
    this.emit({
      hook: 'Push Hook',
      projectId,
      detail: 'push',
      push: { ref: `refs/heads/${branch}`, before, after, shas, userId },
    });
    // A new head on an open MR's source branch updates the MR and re-requests its checks.
    for (const mr of this.mergeRequests) {
      if (mr.projectId === projectId && mr.sourceBranch === branch && mr.state === 'opened') {
        mr.sha = after;
        mr.approvedBy = [];
        this.touchMr(mr, 'update');
        this.requestStatusChecks(mr);
      }
    }
    return after;
  }

  openMergeRequest(
    projectId: number,
    f: {
      title: string;
      description?: string;
      sourceBranch: string;
      targetBranch?: string;
      authorId: number;
    },
  ): SimMergeRequest {
    const project = this.project(projectId);
    if (!project.branches.has(f.sourceBranch))
      this.push(projectId, f.sourceBranch, [f.title], f.authorId);
    const now = this.clock.now();
    const mr: SimMergeRequest = {
      id: this.nextId(),
      iid: this.mergeRequests.filter((m) => m.projectId === projectId).length + 1,
      projectId,
      title: f.title,
      description: f.description ?? '',
      sourceBranch: f.sourceBranch,
      targetBranch: f.targetBranch ?? project.defaultBranch,
      state: 'opened',
      authorId: f.authorId,
      sha: project.branches.get(f.sourceBranch) ?? '',
      mergeCommitSha: null,
      mergedById: null,
      mergedAt: null,
      approvedBy: [],
      createdAt: now,
      updatedAt: now,
    };
    this.mergeRequests.push(mr);
    this.emit({ hook: 'Merge Request Hook', projectId, detail: 'open', mr });
    this.requestStatusChecks(mr);
    return mr;
  }

  updateMergeRequest(
    projectId: number,
    iid: number,
    f: { title?: string; description?: string },
  ): SimMergeRequest {
    const mr = this.mr(projectId, iid);
    if (f.title !== undefined) mr.title = f.title;
    if (f.description !== undefined) mr.description = f.description;
    this.touchMr(mr, 'update');
    return mr;
  }

  approve(projectId: number, iid: number, userId: number): SimMergeRequest {
    const mr = this.mr(projectId, iid);
    if (mr.approvedBy.includes(userId)) throw new SimError(401, { message: '401 Unauthorized' });
    mr.approvedBy.push(userId);
    this.touchMr(mr, 'approved');
    return mr;
  }

  merge(projectId: number, iid: number, userId: number): SimMergeRequest {
    const mr = this.mr(projectId, iid);
    if (mr.state !== 'opened') throw new SimError(405, { message: '405 Method Not Allowed' });
    const project = this.project(projectId);
    const sha = this.commit(
      project,
      `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'`,
      userId,
    );
    project.branches.set(mr.targetBranch, sha);
    Object.assign(mr, {
      state: 'merged',
      mergeCommitSha: sha,
      mergedById: userId,
      mergedAt: this.clock.now(),
    });
    this.touchMr(mr, 'merge');
    return mr;
  }

  close(projectId: number, iid: number): SimMergeRequest {
    const mr = this.mr(projectId, iid);
    mr.state = 'closed';
    this.touchMr(mr, 'close');
    return mr;
  }

  private touchMr(mr: SimMergeRequest, action: string): void {
    mr.updatedAt = this.clock.now();
    this.emit({ hook: 'Merge Request Hook', projectId: mr.projectId, detail: action, mr });
  }

  addNote(projectId: number, iid: number, body: string, authorId: number, system = false): SimNote {
    const mr = this.mr(projectId, iid);
    const now = this.clock.now();
    const note: SimNote = {
      id: this.nextId(),
      projectId,
      mrIid: iid,
      body,
      authorId,
      system,
      createdAt: now,
      updatedAt: now,
    };
    this.notes.push(note);
    mr.updatedAt = now;
    this.emit({ hook: 'Note Hook', projectId, detail: 'create', note, mr });
    return note;
  }

  editNote(note: SimNote, body: string): SimNote {
    note.body = body;
    note.updatedAt = this.clock.now();
    this.emit({
      hook: 'Note Hook',
      projectId: note.projectId,
      detail: 'update',
      note,
      mr: this.mr(note.projectId, note.mrIid),
    });
    return note;
  }

  setCommitStatus(s: Omit<SimCommitStatus, 'id' | 'createdAt'>): SimCommitStatus {
    const status: SimCommitStatus = { ...s, id: this.nextId(), createdAt: this.clock.now() };
    this.statuses.push(status);
    return status;
  }

  deploy(
    projectId: number,
    f: {
      environment: string;
      ref: string;
      userId: number;
      requiredApprovals?: number;
      sha?: string;
    },
  ): SimDeployment {
    const project = this.project(projectId);
    const sha = f.sha ?? project.branches.get(f.ref);
    if (!sha) throw new SimError(400, { message: { ref: ['is invalid'] } });
    const now = this.clock.now();
    const required = f.requiredApprovals ?? 0;
    const d: SimDeployment = {
      id: this.nextId(),
      iid: this.deployments.filter((x) => x.projectId === projectId).length + 1,
      projectId,
      environment: f.environment,
      ref: f.ref,
      sha,
      // Protected environments with required approvals hold the deployment as `blocked`.
      status: required > 0 ? 'blocked' : 'running',
      userId: f.userId,
      requiredApprovals: required,
      approvals: [],
      createdAt: now,
      updatedAt: now,
    };
    this.deployments.push(d);
    this.emit({ hook: 'Deployment Hook', projectId, detail: d.status, deployment: d });
    return d;
  }

  setDeploymentStatus(projectId: number, id: number, status: DeploymentStatus): SimDeployment {
    const d = this.deployment(projectId, id);
    d.status = status;
    d.updatedAt = this.clock.now();
    this.emit({ hook: 'Deployment Hook', projectId, detail: status, deployment: d });
    return d;
  }

  approveDeployment(
    projectId: number,
    id: number,
    userId: number,
    status: 'approved' | 'rejected',
    comment: string | null,
  ): SimDeployment {
    const d = this.deployment(projectId, id);
    if (d.status !== 'blocked')
      throw new SimError(400, { message: "This deployment job doesn't require approval" });
    if (d.userId === userId)
      throw new SimError(400, { message: 'You cannot approve your own deployment.' });
    d.approvals = d.approvals.filter((a) => a.userId !== userId);
    d.approvals.push({ userId, status, comment, at: this.clock.now() });
    d.updatedAt = this.clock.now();
    if (status === 'rejected') return this.setDeploymentStatus(projectId, id, 'canceled');
    if (d.approvals.filter((a) => a.status === 'approved').length >= d.requiredApprovals) {
      return this.setDeploymentStatus(projectId, id, 'running');
    }
    return d;
  }

  runPipeline(
    projectId: number,
    ref: string,
    status: SimPipeline['status'],
    mrIid: number | null = null,
  ): SimPipeline {
    const project = this.project(projectId);
    const now = this.clock.now();
    const p: SimPipeline = {
      id: this.nextId(),
      iid: this.pipelines.filter((x) => x.projectId === projectId).length + 1,
      projectId,
      ref,
      sha: project.branches.get(ref) ?? '',
      status,
      mrIid,
      createdAt: now,
      updatedAt: now,
    };
    this.pipelines.push(p);
    this.emit({ hook: 'Pipeline Hook', projectId, detail: status, pipeline: p });
    return p;
  }

  private requestStatusChecks(mr: SimMergeRequest): void {
    for (const rule of this.project(mr.projectId).statusChecks) {
      this.checkResponses.push({
        projectId: mr.projectId,
        mrIid: mr.iid,
        checkId: rule.id,
        sha: mr.sha,
        status: 'pending',
        requestedAt: this.clock.now(),
      });
      this.emit({
        hook: 'External Status Check',
        projectId: mr.projectId,
        detail: String(rule.id),
        mr,
        rule,
      });
    }
  }

  /** Current status of each check for the MR's head sha; pending ones time out after 2 min. */
  checkStatuses(
    mr: SimMergeRequest,
  ): { rule: SimStatusCheckRule; status: 'pending' | 'passed' | 'failed' }[] {
    return this.project(mr.projectId).statusChecks.map((rule) => {
      const r = this.checkResponses
        .filter(
          (x) =>
            x.projectId === mr.projectId &&
            x.mrIid === mr.iid &&
            x.checkId === rule.id &&
            x.sha === mr.sha,
        )
        .at(-1);
      let status = r?.status ?? 'pending';
      if (
        status === 'pending' &&
        r &&
        this.clock.now().getTime() - r.requestedAt.getTime() > STATUS_CHECK_TIMEOUT_MS
      )
        status = 'failed';
      return { rule, status };
    });
  }
}
