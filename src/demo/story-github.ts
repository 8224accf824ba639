import type { GitHubSimulator } from '../../connectors/github/simulator/index.js';
import { person } from './story-cast.js';
import type { StoryGitHub, StoryPerson } from './story-types.js';

/**
 * The GitHub side of the story, through the simulator's state methods (each emits the
 * webhook GitHub would send): acme/payments, a reviewed and merged PR naming the database
 * upgrade change, a production deployment of its merge sha, and a production deployment
 * of a direct push to main that names no change (the "unauthorised deployment").
 */

const REPO = 'acme/payments';
const DEPLOY_BOT = 'github-actions[bot]';

export function seedGitHubStory(
  github: GitHubSimulator,
  people: StoryPerson[],
  changeNumber: string,
  issueKey: string,
): StoryGitHub {
  const state = github.state;
  const engineer = person(people, 'engineer');
  const requester = person(people, 'requester');
  const payments = person(people, 'payments');
  state.createRepo(REPO);

  const headRef = `feature/${changeNumber.toLowerCase()}-pg16-schema`;
  const pr = state.openPullRequest(REPO, {
    title: `${changeNumber}: migrate payments schema for PostgreSQL 16`,
    body: [
      `Schema and driver changes needed before the PostgreSQL 16 upgrade (${changeNumber}, ${issueKey}).`,
      '',
      '- replace deprecated `pg_stat_statements` columns in the reporting views',
      '- bump the JDBC driver to 42.7',
    ].join('\n'),
    head: headRef,
    author: engineer.github.login,
  });
  state.submitReview(REPO, pr.number, {
    reviewer: requester.github.login,
    state: 'APPROVED',
    body: 'Looks good; rehearsal on staging was clean.',
  });
  const merged = state.mergePullRequest(REPO, pr.number, engineer.github.login);
  const mergeSha = merged.merge_commit_sha!;
  const linked = state.createDeployment(REPO, {
    ref: 'main',
    sha: mergeSha,
    environment: 'production',
    creator: DEPLOY_BOT,
    description: `Deploy payments ${mergeSha.slice(0, 7)} to production`,
  });
  state.addDeploymentStatus(REPO, linked.id, { state: 'success', creator: DEPLOY_BOT });

  // A hotfix pushed straight to main and shipped: nothing links it to a change.
  const hotfixSha = state.push(REPO, {
    branch: 'main',
    pusher: payments.github.login,
    message: 'Raise payments-db connection pool to 80',
  });
  const unlinked = state.createDeployment(REPO, {
    ref: 'main',
    sha: hotfixSha,
    environment: 'production',
    creator: payments.github.login,
    description: 'Hotfix: raise connection pool',
  });
  state.addDeploymentStatus(REPO, unlinked.id, {
    state: 'success',
    creator: payments.github.login,
  });

  return {
    repo: REPO,
    pullRequest: {
      number: pr.number,
      title: pr.title,
      headRef,
      headSha: pr.head.sha,
      mergeSha,
    },
    linkedDeployment: { id: linked.id, sha: mergeSha, environment: 'production' },
    unlinkedDeployment: { id: unlinked.id, sha: hotfixSha, environment: 'production' },
  };
}
