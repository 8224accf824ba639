import type { GitHubSimState } from './state.js';

/**
 * A believable starting world: repositories with PRs that do and do not link a change,
 * reviews (including a self-approval), a merge, a direct push to main and deployments.
 * Deterministic for a given `count`.
 */
export interface SeedOptions {
  repositories?: readonly string[];
  /** Pull requests per repository. Default 3. */
  count?: number;
  apiUrl: string;
}

export function seedGitHub(state: GitHubSimState, o: SeedOptions): void {
  const repos = o.repositories ?? ['acme/payments'];
  const count = o.count ?? 3;
  for (const name of repos) {
    state.createRepo(name);
    for (let i = 1; i <= count; i++) {
      const chg = `CHG${String(30000 + i).padStart(7, '0')}`;
      const linked = i % 3 !== 0;
      const pr = state.openPullRequest(name, {
        title: linked ? `${chg}: tune retry budget ${i}` : `Refactor module ${i}`,
        body: linked
          ? `Implements OPS-${100 + i}. See https://jira.example.com/browse/OPS-${100 + i}`
          : 'No ticket.',
        head: linked ? `feature/ops-${100 + i}-retry` : `chore/refactor-${i}`,
        author: 'alice',
      });
      state.submitReview(name, pr.number, { reviewer: i % 2 ? 'bob' : 'alice', state: 'APPROVED' });
      if (i === 1) {
        state.mergePullRequest(name, pr.number, 'bob');
        const d = state.createDeployment(name, {
          ref: 'main',
          environment: 'production',
          creator: 'deploy-bot[bot]',
          description: `Deploy ${chg}`,
        });
        state.addDeploymentStatus(name, d.id, { state: 'success', creator: 'deploy-bot[bot]' });
      }
    }
    state.push(name, { branch: 'main', pusher: 'mallory', message: 'hotfix without a PR' });
    state.requestProtectionRule(name, { environment: 'production', ref: 'main', apiUrl: o.apiUrl });
  }
}
