import { deploymentJson, pullJson, repoJson, userJson } from './render.js';
import type { SimDeployment, SimDeploymentStatus, SimProtectionRequest } from './model.js';
import { CodeState, repoApi } from './state-code.js';

export { repoApi, type SimEmit } from './state-code.js';

/**
 * The whole simulated GitHub: code (CodeState) plus deployments, their statuses and
 * custom deployment protection rule requests, each announced by the webhook GitHub sends.
 */
export class GitHubSimState extends CodeState {
  createDeployment(
    fullName: string,
    o: {
      ref: string;
      sha?: string;
      environment: string;
      creator: string;
      description?: string;
      payload?: unknown;
    },
  ): SimDeployment {
    const repo = this.repo(fullName);
    const now = this.now();
    const d: SimDeployment = {
      id: this.id(),
      sha: o.sha ?? repo.branches.get(o.ref) ?? this.sha(o.ref),
      ref: o.ref,
      task: 'deploy',
      environment: o.environment,
      description: o.description ?? null,
      payload: o.payload ?? {},
      creator: this.user(o.creator),
      created_at: now,
      updated_at: now,
      statuses: [],
    };
    this.deployments.get(fullName)!.unshift(d); // newest first, as GitHub lists them
    this.emit('deployment', {
      action: 'created',
      deployment: deploymentJson(repo, d),
      repository: repoJson(repo),
      sender: userJson(d.creator),
    });
    return d;
  }

  deployment(fullName: string, id: number): SimDeployment | undefined {
    return this.deployments.get(fullName)?.find((d) => d.id === id);
  }

  /** `DELETE /repos/{o}/{r}/deployments/{id}` (GitHub allows it for inactive ones). */
  deleteDeployment(fullName: string, id: number): boolean {
    const list = this.deployments.get(fullName);
    const i = list?.findIndex((d) => d.id === id) ?? -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    return true;
  }

  addDeploymentStatus(
    fullName: string,
    id: number,
    o: { state: SimDeploymentStatus['state']; description?: string; creator: string },
  ): SimDeploymentStatus {
    const repo = this.repo(fullName);
    const d = this.deployment(fullName, id);
    if (!d)
      throw new Error(`[changebridge/github-sim] deployment ${id} does not exist in ${fullName}`);
    const now = this.now();
    const s: SimDeploymentStatus = {
      id: this.id(),
      state: o.state,
      description: o.description ?? '',
      environment: d.environment,
      creator: this.user(o.creator),
      created_at: now,
      updated_at: now,
    };
    d.statuses.unshift(s);
    d.updated_at = now;
    this.emit('deployment_status', {
      action: 'created',
      deployment_status: {
        ...s,
        creator: userJson(s.creator),
        url: `${repoApi(repo)}/deployments/${d.id}/statuses/${s.id}`,
        deployment_url: `${repoApi(repo)}/deployments/${d.id}`,
      },
      deployment: deploymentJson(repo, d),
      repository: repoJson(repo),
      sender: userJson(s.creator),
    });
    return s;
  }

  /** GitHub asks the App to decide whether a workflow job may deploy to `environment`. */
  requestProtectionRule(
    fullName: string,
    o: {
      environment: string;
      ref: string;
      sha?: string;
      runId?: number;
      deploymentId?: number;
      apiUrl: string;
    },
  ): SimProtectionRequest {
    const repo = this.repo(fullName);
    const req: SimProtectionRequest = {
      repo: fullName,
      runId: o.runId ?? this.id(),
      environment: o.environment,
      sha: o.sha ?? repo.branches.get(o.ref) ?? this.sha(o.ref),
      ref: o.ref,
      installationId: this.installationId,
      deploymentId: o.deploymentId ?? null,
      answer: null,
    };
    this.protectionRequests.push(req);
    const d = req.deploymentId !== null ? this.deployment(fullName, req.deploymentId) : undefined;
    const pulls = (this.pulls.get(fullName) ?? [])
      .filter((p) => p.head.sha === req.sha)
      .map((p) => pullJson(repo, p));
    this.emit('deployment_protection_rule', {
      action: 'requested',
      environment: req.environment,
      event: 'push',
      sha: req.sha,
      ref: req.ref,
      deployment_callback_url: `${o.apiUrl.replace(/\/+$/, '')}/repos/${fullName}/actions/runs/${req.runId}/deployment_protection_rule`,
      deployment: d ? deploymentJson(repo, d) : null,
      pull_requests: pulls,
      repository: repoJson(repo),
      installation: { id: this.installationId, node_id: `MDIz${this.installationId}` },
      sender: userJson(repo.owner),
    });
    return req;
  }
}
