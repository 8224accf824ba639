import type { FastifyInstance } from 'fastify';
import { startGitHubSimulator } from '../../../connectors/github/simulator/index.js';
import type { GitHubSimulator } from '../../../connectors/github/simulator/index.js';
import { adfToText } from '../../../src/mapping/adf.js';
import type { StoryPerson } from '../../../src/demo/story-types.js';
import { appKeys, APP_ID, INSTALLATION_ID } from '../github/support.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../../support/databases.js';
import {
  approveInServiceNow,
  githubAppConnection,
  governancePeople,
  governanceStatus,
  REPO,
  seedUnapprovedChange,
  type GovernanceSims,
} from '../../support/governance-story.js';
import {
  openSyncHarness,
  serveHarness,
  startSimWorld,
  type SimWorld,
  type SyncHarness,
} from '../../support/sync-world.js';

/**
 * The governance scenario in one process, over HTTP against the ServiceNow, Jira and
 * GitHub simulators: PR status, deployment protection rule, approval, freeze, and what the
 * Jira issue shows at each step.
 */
const GITHUB_WEBHOOK = 'github-webhook-secret-for-tests';

describeEachDatabase('governance: gates and write-back on the simulators', (dialect) => {
  let database: TestDatabase;
  let world: SimWorld;
  let github: GitHubSimulator;
  let h: SyncHarness;
  let server: FastifyInstance;
  let sims: GovernanceSims;
  let people: StoryPerson[];

  async function open(more = ''): Promise<void> {
    h = openSyncHarness(world, await database.open(), {
      connectionsMore: githubAppConnection(github.url, APP_ID, INSTALLATION_ID),
      more,
      env: { GITHUB_APP_KEY: appKeys().privateKey, GITHUB_WEBHOOK },
    });
    const served = await serveHarness(h);
    server = served.server;
    github.sender.addHook(`${served.url}/webhooks/github`, GITHUB_WEBHOOK);
  }

  beforeEach(async () => {
    world = await startSimWorld();
    github = await startGitHubSimulator({
      app: { appId: APP_ID, publicKeyPem: appKeys().publicKey, installationId: INSTALLATION_ID },
    });
    sims = { servicenow: world.servicenow, jira: world.jira, github };
    people = governancePeople(sims, new Date());
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await server?.close();
    await h?.app.close();
    await database.drop();
    await github.close();
    await world.close();
  });

  /** Webhooks delivered, then poll → process → write back until quiet. */
  async function settle() {
    await github.sender.flush();
    const r = await h.runtime.syncOnce();
    expect(r.processed.dead).toBe(0);
    expect(r.dispatched.dead).toBe(0);
    await github.sender.flush();
    await h.runtime.processor.drain();
    await h.runtime.syncOnce();
  }

  const protectionAnswer = (runId: number) =>
    github.state.protectionRequests.find((r) => r.runId === runId)?.answer ?? null;
  const requestDeploy = (sha: string) =>
    github.state.requestProtectionRule(REPO, {
      environment: 'production',
      ref: 'main',
      sha,
      apiUrl: github.url,
    });
  const jiraIssue = (key: string) => world.jira.state.find(key)!;
  const commentTexts = (key: string) => jiraIssue(key).comments.map((c) => adfToText(c.body) ?? '');

  it('unapproved: red status, gate rejected; approved in ServiceNow: green status, gate approved; Jira shows each step', async () => {
    await open();
    const change = seedUnapprovedChange(sims, people, new Date(), 'one-click refunds');
    await settle();

    // 1. The PR names a change that has not been submitted for approval.
    expect(governanceStatus(sims, change.headSha)).toBe('failure');
    // Its review (webhook, then poll) is recorded once, by the requester as a Person.
    const pr = await h.app.store.codeChanges.get(
      `github:pull_request:github:${REPO}#${change.prNumber}`,
    );
    const requester = await h.app.store.people.findByIdentity('github:praman');
    expect(pr?.reviewers).toEqual([
      { reviewer: requester!.id, verdict: 'approved', at: expect.any(Date) },
    ]);

    // 2. A production deployment of its commit asks the gate: rejected, with the reason.
    const first = requestDeploy(change.headSha);
    await settle();
    expect(protectionAnswer(first.runId)).toMatchObject({ state: 'rejected' });
    expect(protectionAnswer(first.runId)!.comment).toContain('has not been submitted for approval');
    expect(commentTexts(change.issueKey).join('\n')).toMatch(/rejected the production deployment/);
    const api = await h.runtime.decideGate({
      repo: REPO,
      sha: change.headSha,
      environment: 'production',
    });
    expect(api).toMatchObject({ decision: 'deny', change: change.number });

    // 3. The CAB approves in ServiceNow: the status turns green, Jira shows the approval.
    approveInServiceNow(sims, people, change, new Date());
    await settle();
    expect(governanceStatus(sims, change.headSha)).toBe('success');
    expect(jiraIssue(change.issueKey).labels).toContain('change-approved');
    expect(jiraIssue(change.issueKey).labels).not.toContain('change-blocked');
    expect(commentTexts(change.issueKey).join('\n')).toMatch(/was approved in ServiceNow/);

    // 4. The next deployment is approved, by the protection rule and the API alike.
    const second = requestDeploy(change.headSha);
    await settle();
    expect(protectionAnswer(second.runId)).toMatchObject({ state: 'approved' });
    expect(commentTexts(change.issueKey).join('\n')).toMatch(/approved the production deployment/);
    expect(
      await h.runtime.decideGate({ repo: REPO, sha: change.headSha, environment: 'production' }),
    ).toEqual({ decision: 'allow', change: change.number, reasons: [] });

    // Quiet afterwards: nothing more to write.
    const again = await h.runtime.syncOnce();
    expect(again.dispatched.done).toBe(0);
  });

  it('a deployment during a freeze is rejected and the Jira issue shows the change blocked', async () => {
    const now = new Date();
    const day = (d: Date) => d.toISOString().slice(0, 10);
    await open(`policies:
  calendars:
    release-freeze:
      timeZone: UTC
      periods:
        - from: '${day(new Date(now.getTime() - 86_400_000))}'
          to: '${day(new Date(now.getTime() + 86_400_000))}'
          reason: Release freeze
`);
    const change = seedUnapprovedChange(sims, people, now, 'gift cards', 'approved');
    await settle();
    const run = requestDeploy(change.headSha);
    await settle();
    expect(protectionAnswer(run.runId)).toMatchObject({ state: 'rejected' });
    expect(protectionAnswer(run.runId)!.comment).toMatch(/freeze/i);
    const issue = jiraIssue(change.issueKey);
    expect(issue.labels).toEqual(expect.arrayContaining(['change-approved', 'change-blocked']));
    expect(commentTexts(change.issueKey).join('\n')).toMatch(/Release freeze/);
    expect(governanceStatus(sims, change.headSha)).toBe('failure');
  });

  it('with policies.gates.enabled false the request is recorded as ignored and never answered', async () => {
    await open('policies:\n  gates:\n    enabled: false\n');
    const change = seedUnapprovedChange(sims, people, new Date(), 'wish lists');
    await settle();
    const run = requestDeploy(change.headSha);
    await settle();
    expect(protectionAnswer(run.runId)).toBeNull();
    const rows = (await h.app.store.db.dataSource.query(
      "SELECT status FROM inbox_events WHERE kind = 'deployment_protection_rule'",
    )) as { status: string }[];
    expect(rows).toEqual([{ status: 'ignored' }]);
  });
});
