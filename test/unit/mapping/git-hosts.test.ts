import { GitHubSimState } from '../../../connectors/github/simulator/index.js';
import { ManualClock } from '../../../src/runtime/index.js';
import { SHARED, githubExample, githubExamples, readJson } from './helpers.js';
import { githubWebhookEvent, gitlabHookEvent, mapEvent } from './source-events.js';

/**
 * The shipped GitHub and GitLab mappings on what the processor really maps: published
 * webhook bodies (@octokit/webhooks-examples, ../shared/fixtures/gitlab) turned into source
 * events by the connectors, then `mapping.map(event.payload)` as src/sync/apply-event.ts
 * does. A mapping written against raw bodies fails here with "repo is required".
 */

const codertocat = {
  system: 'github',
  repo: 'Codertocat/Hello-World',
};

describe('github.pull_request on webhook source events', () => {
  it('maps the published pull_request.opened body', () => {
    const event = githubWebhookEvent('pull_request', githubExample('pull_request', 'opened'));
    expect(event).toMatchObject({ kind: 'pull_request', externalId: 'Codertocat/Hello-World#2' });
    expect(mapEvent(event)).toEqual({
      issues: [],
      patch: {
        ...codertocat,
        number: 2,
        title: 'Update the README with new information.',
        author: 'github:Codertocat',
        mergedBy: null,
        mergedAt: null,
        headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
        mergeSha: null,
        targetBranch: 'master',
        linkedKeys: [],
      },
    });
  });

  it('maps a merged pull request with keys in title, branch and body (simulator body)', () => {
    const state = new GitHubSimState(new ManualClock('2026-03-01T09:00:00Z'));
    const sent: { event: string; body: unknown }[] = [];
    state.emit = (event, body) => sent.push({ event, body });
    state.createRepo('acme/payments');
    const pr = state.openPullRequest('acme/payments', {
      title: 'Rotate card keys (CHG0030001)',
      head: 'feature/PAY-7-rotate',
      body: 'Also fixes OPS-12.',
      author: 'alice',
    });
    state.mergePullRequest('acme/payments', pr.number, 'bob');
    const closed = sent.find(
      (s) => s.event === 'pull_request' && (s.body as { action: string }).action === 'closed',
    )!;

    const { patch, issues } = mapEvent(githubWebhookEvent('pull_request', closed.body));
    expect(issues).toEqual([]);
    expect(patch).toEqual({
      system: 'github',
      repo: 'acme/payments',
      number: 1,
      title: 'Rotate card keys (CHG0030001)',
      author: 'github:alice',
      mergedBy: 'github:bob',
      mergedAt: new Date(pr.merged_at!).toISOString(),
      headSha: pr.head.sha,
      mergeSha: pr.merge_commit_sha,
      targetBranch: 'main',
      linkedKeys: ['CHG0030001', 'OPS-12', 'PAY-7'],
    });
  });

  it('has no mapping for review events (sync merges reviews itself)', () => {
    const event = githubWebhookEvent(
      'pull_request_review',
      githubExample('pull_request_review', 'submitted'),
    );
    expect(event.kind).toBe('pull_request_review');
    expect(() => mapEvent(event)).toThrow(/no shipped mapping/);
  });
});

describe('github.deployment on webhook source events', () => {
  const deployment = {
    ...codertocat,
    sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
    environment: 'production',
    actor: 'github:Codertocat',
    startedAt: '2019-05-15T15:20:53.000Z',
    linkedKeys: [],
  };

  it('maps a new deployment (no status yet) as pending', () => {
    const event = githubWebhookEvent('deployment', githubExample('deployment', 'created'));
    expect(event.kind).toBe('deployment');
    expect(mapEvent(event)).toEqual({
      issues: [],
      patch: { ...deployment, status: 'pending', originalStatus: null },
    });
  });

  it('maps a deployment_status body: the status it announces and the deployment it belongs to', () => {
    const event = githubWebhookEvent('deployment_status', githubExample('deployment_status'));
    expect(event.kind).toBe('deployment');
    expect(mapEvent(event)).toEqual({
      issues: [],
      patch: { ...deployment, status: 'success', originalStatus: 'success' },
    });
  });

  it('maps the published in_progress deployment_status (a GitHub Pages deployment)', () => {
    const body = githubExamples('deployment_status').find(
      (b) =>
        (b as { deployment_status: { state: string } }).deployment_status.state === 'in_progress',
    );
    expect(mapEvent(githubWebhookEvent('deployment_status', body))).toEqual({
      issues: [],
      patch: {
        ...deployment,
        environment: 'github-pages',
        actor: 'github:github-pages[bot]',
        startedAt: '2022-01-03T01:28:30.000Z',
        status: 'in_progress',
        originalStatus: 'in_progress',
      },
    });
  });

  it('takes linked keys from the deployment description and ref', () => {
    const body = githubExample('deployment', 'created') as { deployment: object };
    const event = githubWebhookEvent('deployment', {
      ...body,
      deployment: { ...body.deployment, ref: 'release/OPS-3', description: 'CHG0030002' },
    });
    expect(mapEvent(event).patch).toMatchObject({ linkedKeys: ['CHG0030002', 'OPS-3'] });
  });
});

describe('gitlab mappings on hook source events', () => {
  it('maps the documented Merge Request Hook', () => {
    const event = gitlabHookEvent(
      'Merge Request Hook',
      readJson(`${SHARED}gitlab/merge_request.json`),
    );
    expect(event).toMatchObject({ kind: 'merge_request', externalId: 'gitlabhq/gitlab-test!1' });
    // The hook names the author only by id: author, mergedBy and mergedAt wait for an API read.
    expect(mapEvent(event)).toEqual({
      issues: [],
      patch: {
        system: 'gitlab',
        repo: 'gitlabhq/gitlab-test',
        number: 1,
        title: 'MS-Viewport',
        headSha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
        targetBranch: 'master',
        linkedKeys: [],
      },
    });
  });

  it('finds change and Jira keys in a merge request title, source branch and description', () => {
    const body = readJson(`${SHARED}gitlab/merge_request.json`) as {
      object_attributes: object;
    };
    const event = gitlabHookEvent('Merge Request Hook', {
      ...body,
      object_attributes: {
        ...body.object_attributes,
        title: 'CHG0030001: viewport',
        source_branch: 'pay-7-viewport',
        description: 'see OPS-12',
      },
    });
    expect(mapEvent(event).patch).toMatchObject({
      linkedKeys: ['CHG0030001', 'OPS-12', 'PAY-7'],
    });
  });

  it('maps the documented Deployment Hook with the full sha from commit_url', () => {
    const event = gitlabHookEvent('Deployment Hook', readJson(`${SHARED}gitlab/deployment.json`));
    expect(event.kind).toBe('deployment');
    expect(mapEvent(event)).toEqual({
      issues: [],
      patch: {
        system: 'gitlab',
        repo: 'root/test-deployment-webhooks',
        sha: '279484c09fbe69ededfced8c1bb6e6d24616b468',
        environment: 'staging',
        actor: 'gitlab:root',
        status: 'success',
        originalStatus: 'success',
        linkedKeys: [],
      },
    });
  });

  it.each([
    ['running', 'in_progress'],
    ['failed', 'failure'],
    ['canceled', 'canceled'],
    ['blocked', 'pending'],
  ])('maps deployment status %s to %s', (gitlabStatus, status) => {
    const body = readJson(`${SHARED}gitlab/deployment.json`) as object;
    const event = gitlabHookEvent('Deployment Hook', { ...body, status: gitlabStatus });
    expect(mapEvent(event).patch).toMatchObject({ status, originalStatus: gitlabStatus });
  });
});
