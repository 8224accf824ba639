import { deploymentFromApi, mergeRequestFromApi } from '../../../connectors/gitlab/api-events.js';
import { apiDeployment, apiMergeRequest } from '../../../connectors/gitlab/schemas.js';
import { GitHubSimState } from '../../../connectors/github/simulator/index.js';
import { deploymentJson, pullJson, userJson } from '../../../connectors/github/simulator/render.js';
import { GitLabSimState, type SimHappening } from '../../../connectors/gitlab/simulator/index.js';
import { hookBody } from '../../../connectors/gitlab/simulator/hook-payloads.js';
import {
  deploymentJson as gitlabDeploymentJson,
  mergeRequestJson,
} from '../../../connectors/gitlab/simulator/represent.js';
import { ManualClock } from '../../../src/runtime/index.js';
import { githubExample } from './helpers.js';
import {
  RECEIVED_AT,
  githubPolledEvents,
  githubWebhookEvent,
  gitlabHookEvent,
  mapEvent,
} from './source-events.js';

/**
 * DESIGN §2: polling and webhooks produce the same SourceEvent, so a record read through
 * the REST API must map to the same canonical values as the webhook announcing it.
 */

describe('GitHub: a polled record maps like its webhook', () => {
  it('pull request and deployment from the published examples', async () => {
    const pr = githubExample('pull_request', 'opened') as { pull_request: unknown };
    const dep = githubExample('deployment_status') as {
      deployment: { id: number };
      deployment_status: unknown;
    };
    const polled = await githubPolledEvents('Codertocat/Hello-World', {
      pulls: [pr.pull_request],
      deployments: [{ deployment: dep.deployment, statuses: [dep.deployment_status] }],
    });
    expect(polled.map((e) => [e.kind, e.event])).toEqual([
      ['pull_request', 'poll'],
      ['deployment', 'poll'],
    ]);
    const [polledPr, polledDeployment] = polled.map(mapEvent);

    expect(polledPr).toEqual(mapEvent(githubWebhookEvent('pull_request', pr)));
    expect(polledPr!.issues).toEqual([]);
    expect(polledPr!.patch).toMatchObject({
      repo: 'Codertocat/Hello-World',
      number: 2,
      author: 'github:Codertocat',
    });

    expect(polledDeployment).toEqual(mapEvent(githubWebhookEvent('deployment_status', dep)));
    expect(polledDeployment!.issues).toEqual([]);
    expect(polledDeployment!.patch).toMatchObject({
      sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      environment: 'production',
      status: 'success',
    });
  });

  it('merged pull request and deployment rendered by the simulator, keys included', async () => {
    const state = new GitHubSimState(new ManualClock('2026-03-01T09:00:00Z'));
    const sent: { event: string; body: Record<string, unknown> }[] = [];
    state.emit = (event, body) => sent.push({ event, body });
    const repo = state.createRepo('acme/payments');
    const pr = state.openPullRequest('acme/payments', {
      title: 'CHG0030001 rotate card keys',
      head: 'pay-7-rotate',
      author: 'alice',
    });
    state.mergePullRequest('acme/payments', pr.number, 'bob');
    const d = state.createDeployment('acme/payments', {
      ref: 'main',
      environment: 'production',
      creator: 'deployer',
      description: 'Deploys CHG0030001',
    });
    state.addDeploymentStatus('acme/payments', d.id, { state: 'failure', creator: 'deployer' });

    const polled = await githubPolledEvents('acme/payments', {
      pulls: [pullJson(repo, pr)],
      // Statuses as the simulator's REST route lists them: newest first.
      deployments: [
        {
          deployment: deploymentJson(repo, d),
          statuses: d.statuses.map((s) => ({ ...s, creator: userJson(s.creator) })),
        },
      ],
    });
    const last = (event: string) => sent.filter((s) => s.event === event).at(-1)!.body;
    const [polledPr, polledDeployment] = polled.map(mapEvent);

    expect(polledPr).toEqual(mapEvent(githubWebhookEvent('pull_request', last('pull_request'))));
    expect(polledPr!.patch).toMatchObject({
      mergedBy: 'github:bob',
      mergeSha: pr.merge_commit_sha,
      linkedKeys: ['CHG0030001', 'PAY-7'],
    });
    expect(polledDeployment).toEqual(
      mapEvent(githubWebhookEvent('deployment_status', last('deployment_status'))),
    );
    expect(polledDeployment!.patch).toMatchObject({
      actor: 'github:deployer',
      status: 'failure',
      originalStatus: 'failure',
      linkedKeys: ['CHG0030001'],
    });
  });
});

describe('GitLab: a record read through the API maps like its hook', () => {
  const baseUrl = 'https://gitlab.example.com';
  const ctx = { connection: 'gl', receivedAt: RECEIVED_AT };

  function world() {
    const state = new GitLabSimState(new ManualClock('2026-03-01T09:00:00Z'));
    const happenings: SimHappening[] = [];
    state.onHappening((h) => happenings.push(h));
    const alice = state.addUser({ username: 'alice', name: 'Alice', email: 'a@example.com' });
    const bob = state.addUser({ username: 'bob', name: 'Bob', email: 'b@example.com' });
    const project = state.addProject('acme/payments', { authorId: alice.id });
    const hook = (kind: SimHappening['hook']) => {
      const h = happenings.filter((x) => x.hook === kind).at(-1)!;
      return gitlabHookEvent(kind, hookBody(state, h, baseUrl));
    };
    return { state, alice, bob, project, hook };
  }

  it('merged merge request: shared fields agree, the API adds author and merge facts', () => {
    const { state, alice, bob, project, hook } = world();
    const mr = state.openMergeRequest(project.id, {
      title: 'CHG0030001 rotate keys',
      sourceBranch: 'pay-7-rotate',
      description: 'see OPS-12',
      authorId: alice.id,
    });
    state.merge(project.id, mr.iid, bob.id);

    const fromHook = mapEvent(hook('Merge Request Hook'));
    const api = apiMergeRequest.parse(mergeRequestJson(state, mr, baseUrl));
    const fromApi = mapEvent(mergeRequestFromApi(ctx, 'acme/payments', api, 'poll'));
    expect(fromHook.issues).toEqual([]);
    expect(fromApi.issues).toEqual([]);
    const shared = {
      system: 'gitlab',
      repo: 'acme/payments',
      number: mr.iid,
      title: 'CHG0030001 rotate keys',
      headSha: mr.sha,
      mergeSha: mr.mergeCommitSha,
      targetBranch: 'main',
      linkedKeys: ['CHG0030001', 'OPS-12', 'PAY-7'],
    };
    expect(fromHook.patch).toEqual(shared);
    expect(fromApi.patch).toEqual({
      ...shared,
      author: 'gitlab:alice',
      mergedBy: 'gitlab:bob',
      mergedAt: mr.mergedAt!.toISOString(),
    });
  });

  it('deployment: hook and API agree on every field both carry', () => {
    const { state, alice, project, hook } = world();
    const d = state.deploy(project.id, {
      environment: 'production',
      ref: 'main',
      userId: alice.id,
    });
    state.setDeploymentStatus(project.id, d.id, 'success');

    const fromHook = mapEvent(hook('Deployment Hook'));
    const api = apiDeployment.parse(gitlabDeploymentJson(state, d, baseUrl));
    const fromApi = mapEvent(deploymentFromApi(ctx, 'acme/payments', api, 'poll', project.id));
    expect(fromHook.issues).toEqual([]);
    expect(fromApi.issues).toEqual([]);
    const shared = {
      system: 'gitlab',
      repo: 'acme/payments',
      sha: d.sha,
      environment: 'production',
      actor: 'gitlab:alice',
      status: 'success',
      originalStatus: 'success',
      linkedKeys: [],
    };
    expect(fromHook.patch).toEqual(shared);
    expect(fromApi.patch).toEqual({ ...shared, startedAt: d.createdAt.toISOString() });
  });
});
