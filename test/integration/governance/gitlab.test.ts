import type { FastifyInstance } from 'fastify';
import { DEFAULT_STATUS_NAME, NOTE_MARKER } from '../../../connectors/gitlab/index.js';
import { startGitLabSimulator } from '../../../connectors/gitlab/simulator/index.js';
import type { GitLabSimulator } from '../../../connectors/gitlab/simulator/index.js';
import type { StoryPerson } from '../../../src/demo/story-types.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../../support/databases.js';
import {
  approveInServiceNow,
  gitlabStatus,
  seedGovernancePeople,
  REPO,
  requestApproval,
  seedChangeRequest,
  seedGitLabMergeRequest,
  seedGitLabProject,
  type GitLabGovernanceSims,
} from '../../support/governance-story.js';
import {
  openSyncHarness,
  serveHarness,
  startSimWorld,
  type SimWorld,
  type SyncHarness,
} from '../../support/sync-world.js';

/**
 * The governance scenario on GitLab, in one process over HTTP against the ServiceNow, Jira
 * and GitLab simulators: the merge request's commit status, the project's external status
 * check answered by changebridge, approval in ServiceNow, and quiet afterwards.
 */
const BOT_TOKEN = 'glpat-changebridge-governance-0001';
const HOOK_TOKEN = 'gitlab-hook-token-for-tests';
const CHECK_SECRET = 'gitlab-status-check-secret-for-tests';

function gitlabBlock(url: string): string {
  return `  gitlab:
    baseUrl: ${url}
    auth:
      type: token
      token: \${GITLAB_TOKEN}
    webhook:
      token: \${GITLAB_WEBHOOK}
      statusCheckSecret: \${GITLAB_CHECK_SECRET}
    projects: [${REPO}]
    overlapSeconds: 5`;
}

describeEachDatabase('governance: GitLab commit status and external status check', (dialect) => {
  let database: TestDatabase;
  let world: SimWorld;
  let gitlab: GitLabSimulator;
  let h: SyncHarness;
  let server: FastifyInstance;
  let sims: GitLabGovernanceSims;
  let people: StoryPerson[];

  /** The daemon's HTTP server, with the project hook and the status check pointing at it. */
  async function open(
    more = '',
  ): Promise<{ projectId: number; engineerId: number; checkId: number }> {
    h = openSyncHarness(world, await database.open(), {
      connectionsMore: gitlabBlock(gitlab.url),
      more,
      env: {
        GITLAB_TOKEN: BOT_TOKEN,
        GITLAB_WEBHOOK: HOOK_TOKEN,
        GITLAB_CHECK_SECRET: CHECK_SECRET,
      },
    });
    const served = await serveHarness(h);
    server = served.server;
    const url = `${served.url}/webhooks/gitlab`;
    const project = seedGitLabProject(gitlab, people, BOT_TOKEN);
    gitlab.state.addHook(project.projectId, { url, token: HOOK_TOKEN });
    // Settings → Merge requests → Status checks: the external service is changebridge.
    const rule = gitlab.state.addStatusCheck(project.projectId, {
      name: 'changebridge',
      externalUrl: url,
      secret: CHECK_SECRET,
    });
    return { ...project, checkId: rule.id };
  }

  beforeEach(async () => {
    world = await startSimWorld();
    gitlab = await startGitLabSimulator();
    sims = { servicenow: world.servicenow, jira: world.jira, gitlab };
    people = seedGovernancePeople(sims, new Date());
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await server?.close();
    await h?.app.close();
    await database.drop();
    await gitlab.close();
    await world.close();
  });

  /** Hooks and status check requests delivered, then poll → process → write back until quiet. */
  async function settle() {
    await gitlab.flush();
    const r = await h.runtime.syncOnce();
    expect(r.processed.dead).toBe(0);
    expect(r.dispatched.dead).toBe(0);
    await gitlab.flush();
    await h.runtime.processor.drain();
    const again = await h.runtime.syncOnce();
    expect(again.dispatched.dead).toBe(0);
  }

  const checkStatus = (projectId: number, iid: number) =>
    gitlab.state.checkStatuses(gitlab.state.mr(projectId, iid)).map((c) => c.status);
  /** Every answer changebridge gave the status check, oldest first, as `status@sha7`. */
  const answers = (projectId: number, iid: number) =>
    gitlab.state.checkResponses
      .filter((r) => r.projectId === projectId && r.mrIid === iid && r.status !== 'pending')
      .map((r) => `${r.status}@${r.sha.slice(0, 7)}`);
  /** Open findings as `policy` (`policy!` when blocking), sorted. */
  const openFindings = async () =>
    (await h.app.store.findings.find({ status: 'open' }))
      .map((f) => `${f.policy}${f.blocking ? '!' : ''}`)
      .sort();
  const statusDescription = (sha: string) =>
    gitlab.state.statuses.filter((x) => x.sha === sha && x.name === DEFAULT_STATUS_NAME).at(-1)
      ?.description;
  const notes = (projectId: number, iid: number) =>
    gitlab.state.notes.filter((n) => n.projectId === projectId && n.mrIid === iid);

  it('unapproved: failed status and check; approved in ServiceNow: success, the check passes, and passes again after a push', async () => {
    const project = await open();
    const change = seedChangeRequest(sims, people, new Date(), 'one-click refunds');
    await settle();
    const mr = seedGitLabMergeRequest(gitlab, project, change, 'one-click refunds');
    await settle();
    const first = mr.headSha.slice(0, 7);

    // 1. The MR names a change that has not been submitted for approval: red status,
    //    and the status check GitLab asked about its head commit is answered failed.
    expect(gitlabStatus(gitlab, mr.headSha, DEFAULT_STATUS_NAME)).toBe('failed');
    expect(statusDescription(mr.headSha)).toBe(
      `${change.number} has not been submitted for approval`,
    );
    expect(checkStatus(mr.projectId, mr.iid)).toEqual(['failed']);
    expect(answers(mr.projectId, mr.iid)).toEqual([`failed@${first}`]);
    // "Not submitted" is the verdict, not a finding: nothing blocks, so no MR note.
    expect(await openFindings()).toEqual([]);
    expect(notes(mr.projectId, mr.iid)).toEqual([]);

    // 2. The CAB approves in ServiceNow: the status on the same head turns green and the
    //    failed check on that head is answered again, passed (GitLab keeps the latest).
    approveInServiceNow(sims, people, change, new Date());
    await settle();
    expect(gitlabStatus(gitlab, mr.headSha, DEFAULT_STATUS_NAME)).toBe('success');
    expect(statusDescription(mr.headSha)).toBe(`${change.number} is approved`);
    expect(checkStatus(mr.projectId, mr.iid)).toEqual(['passed']);
    expect(answers(mr.projectId, mr.iid)).toEqual([`failed@${first}`, `passed@${first}`]);

    // 3. The engineer pushes: GitLab asks the check again about the new head; it passes.
    const branch = gitlab.state.mr(mr.projectId, mr.iid).sourceBranch;
    const head = gitlab.state.push(mr.projectId, branch, ['Address review'], project.engineerId);
    await settle();
    expect(gitlabStatus(gitlab, head, DEFAULT_STATUS_NAME)).toBe('success');
    expect(checkStatus(mr.projectId, mr.iid)).toEqual(['passed']);
    expect(answers(mr.projectId, mr.iid)).toEqual([
      `failed@${first}`,
      `passed@${first}`,
      `passed@${head.slice(0, 7)}`,
    ]);
    expect(notes(mr.projectId, mr.iid)).toEqual([]);

    // Quiet afterwards: nothing more to write.
    const again = await h.runtime.syncOnce();
    expect(again.dispatched.done).toBe(0);
  });

  it('a blocking finding (release freeze) fails status and check and leaves one MR note', async () => {
    const now = new Date();
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const project = await open(`policies:
  calendars:
    release-freeze:
      timeZone: UTC
      periods:
        - from: '${day(new Date(now.getTime() - 86_400_000))}'
          to: '${day(new Date(now.getTime() + 86_400_000))}'
          reason: Release freeze
`);
    const change = seedChangeRequest(sims, people, now, 'gift cards', 'approved');
    await settle();
    const mr = seedGitLabMergeRequest(gitlab, project, change, 'gift cards');
    await settle();

    expect(await openFindings()).toEqual(['freeze-window!']);
    expect(gitlabStatus(gitlab, mr.headSha, DEFAULT_STATUS_NAME)).toBe('failed');
    expect(statusDescription(mr.headSha)).toMatch(
      new RegExp(`^${change.number}: 1 blocking finding\\(s\\): .*freeze`, 'i'),
    );
    expect(checkStatus(mr.projectId, mr.iid)).toEqual(['failed']);
    const mine = notes(mr.projectId, mr.iid);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain(NOTE_MARKER);
    expect(mine[0]!.body).toContain(`changebridge governance for ${change.number}: 1 open finding`);
    expect(mine[0]!.body).toMatch(/\[blocking, \w+\] .*Release freeze.* \(freeze-window\)/);

    const again = await h.runtime.syncOnce();
    expect(again.dispatched.done).toBe(0);
  });

  it('a check waiting for approval is answered once approved, for the head only', async () => {
    const project = await open();
    const change = seedChangeRequest(sims, people, new Date(), 'loyalty points');
    requestApproval(sims, people, change, new Date());
    await settle();
    const mr = seedGitLabMergeRequest(gitlab, project, change, 'loyalty points');
    await settle();
    // Waiting for approval: pending status, and the check is left unanswered.
    expect(gitlabStatus(gitlab, mr.headSha, DEFAULT_STATUS_NAME)).toBe('pending');
    expect(checkStatus(mr.projectId, mr.iid)).toEqual(['pending']);
    expect(answers(mr.projectId, mr.iid)).toEqual([]);

    // A push while waiting: GitLab asks about the new head, the old request is moot.
    const branch = gitlab.state.mr(mr.projectId, mr.iid).sourceBranch;
    const head = gitlab.state.push(mr.projectId, branch, ['Fix typo'], project.engineerId);
    await settle();
    expect(answers(mr.projectId, mr.iid)).toEqual([]);

    // Approved: both stored requests are decided; only the head's is sent (GitLab refuses
    // answers for an older sha), and nothing is dead-lettered (settle checks).
    approveInServiceNow(sims, people, change, new Date());
    await settle();
    expect(gitlabStatus(gitlab, head, DEFAULT_STATUS_NAME)).toBe('success');
    expect(checkStatus(mr.projectId, mr.iid)).toEqual(['passed']);
    expect(answers(mr.projectId, mr.iid)).toEqual([`passed@${head.slice(0, 7)}`]);

    const again = await h.runtime.syncOnce();
    expect(again.dispatched.done).toBe(0);
  });

  it('a check failed for want of a change passes once the MR names its approved change', async () => {
    const project = await open();
    const change = seedChangeRequest(sims, people, new Date(), 'saved carts', 'approved');
    await settle();
    // The engineer forgets the change number: nothing links, the check fails.
    const opened = gitlab.state.openMergeRequest(project.projectId, {
      title: 'Saved carts',
      sourceBranch: 'feature/saved-carts',
      authorId: project.engineerId,
    });
    await settle();
    const sha = opened.sha.slice(0, 7);
    expect(checkStatus(project.projectId, opened.iid)).toEqual(['failed']);
    expect(gitlabStatus(gitlab, opened.sha, DEFAULT_STATUS_NAME)).toBeNull();

    // Named in the title (no new commit, so GitLab does not ask again): the same head
    // gets a green status and its check is answered again, passed.
    gitlab.state.updateMergeRequest(project.projectId, opened.iid, {
      title: `${change.number}: saved carts`,
    });
    await settle();
    expect(gitlabStatus(gitlab, opened.sha, DEFAULT_STATUS_NAME)).toBe('success');
    expect(checkStatus(project.projectId, opened.iid)).toEqual(['passed']);
    expect(answers(project.projectId, opened.iid)).toEqual([`failed@${sha}`, `passed@${sha}`]);

    const again = await h.runtime.syncOnce();
    expect(again.dispatched.done).toBe(0);
  });
});
