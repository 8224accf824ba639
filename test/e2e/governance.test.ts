import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  startGitHubSimulator,
  type GitHubSimulator,
} from '../../connectors/github/simulator/index.js';
import type { StoryPerson } from '../../src/demo/story-types.js';
import { adfToText } from '../../src/mapping/adf.js';
import { appKeys, APP_ID, INSTALLATION_ID } from '../integration/github/support.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../support/databases.js';
import {
  eventually,
  freePort,
  spawnDaemon,
  writeConfig,
  type DaemonProcess,
} from '../support/daemon-process.js';
import {
  approveInServiceNow,
  githubAppConnection,
  requestApproval,
  governancePeople,
  governanceStatus,
  REPO,
  seedUnapprovedChange,
  type GovernanceSims,
} from '../support/governance-story.js';
import {
  sendWebhooksTo,
  startSimWorld,
  worldConfigYaml,
  type SimWorld,
} from '../support/sync-world.js';

/**
 * The governance scenario with the daemon as a process (issue: governance e2e): an
 * unapproved change's PR is red and its deployment gate rejected; after approval in
 * ServiceNow the PR turns green and the gate approves; a deployment during a freeze is
 * rejected; the Jira issue shows each step. `changebridge gate` answers a CI pipeline
 * from the same decision.
 */
const GITHUB_WEBHOOK = 'github-webhook-secret-for-e2e';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `changebridge gate` as a CI job would run it: a separate process, exit code and output. */
function gateCli(
  url: string,
  sha: string,
  extra: string[] = [],
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/bin.ts',
        'gate',
        '--url',
        url,
        '--repo',
        REPO,
        '--sha',
        sha,
        '--environment',
        'production',
        ...extra,
      ],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

describeEachDatabase('e2e: governance on the simulators', (dialect) => {
  let world: SimWorld;
  let github: GitHubSimulator;
  let database: TestDatabase;
  let daemon: DaemonProcess | undefined;
  let sims: GovernanceSims;
  let people: StoryPerson[];

  beforeEach(async () => {
    world = await startSimWorld();
    github = await startGitHubSimulator({
      app: { appId: APP_ID, publicKeyPem: appKeys().publicKey, installationId: INSTALLATION_ID },
    });
    sims = { servicenow: world.servicenow, jira: world.jira, github };
    people = governancePeople(sims, new Date());
    database = await createTestDatabase(dialect);
    await (await database.open()).close();
  });
  afterEach(async () => {
    await daemon?.kill('SIGKILL');
    daemon = undefined;
    await github.close();
    await world.close();
    await database.drop();
  }, 30_000);

  async function start(policies = ''): Promise<DaemonProcess> {
    const port = await freePort();
    const file = writeConfig(
      worldConfigYaml(world, database.url, {
        serverPort: port,
        poll: '*/2 * * * * *',
        logLevel: 'info',
        connectionsMore: githubAppConnection(github.url, APP_ID, INSTALLATION_ID),
        more: policies,
      }),
    );
    const d = await spawnDaemon({
      configFile: file,
      port,
      env: { ...world.env, GITHUB_APP_KEY: appKeys().privateKey, GITHUB_WEBHOOK },
    });
    sendWebhooksTo(world, d.url);
    github.sender.addHook(`${d.url}/webhooks/github`, GITHUB_WEBHOOK);
    return d;
  }

  const describe = () => daemon!.output().slice(-4000);
  const answer = (runId: number) =>
    github.state.protectionRequests.find((r) => r.runId === runId)?.answer ?? null;
  const deploy = (sha: string) =>
    github.state.requestProtectionRule(REPO, {
      environment: 'production',
      ref: 'main',
      sha,
      apiUrl: github.url,
    });
  const comments = (key: string) =>
    world.jira.state.find(key)!.comments.map((c) => adfToText(c.body) ?? '');

  it('red and rejected before approval, green and approved after; Jira shows each step; the CLI gate agrees', async () => {
    const change = seedUnapprovedChange(sims, people, new Date(), 'saved cards');
    daemon = await start();
    await eventually(() => governanceStatus(sims, change.headSha) === 'failure', { describe });

    const first = deploy(change.headSha);
    await eventually(() => answer(first.runId), { describe });
    expect(answer(first.runId)).toMatchObject({ state: 'rejected' });
    await eventually(
      () => comments(change.issueKey).some((t) => t.includes('rejected the production deployment')),
      { describe },
    );
    const denied = await gateCli(daemon.url, change.headSha);
    expect(denied.code).toBe(1);
    expect(denied.out).toContain('has not been submitted for approval');

    // Submitted for approval: a pipeline waiting on the gate is let through once the CAB approves.
    requestApproval(sims, people, change, new Date());
    await eventually(() => governanceStatus(sims, change.headSha) === 'pending', { describe });
    await eventually(
      () => world.jira.state.find(change.issueKey)!.labels.includes('change-requested'),
      { describe },
    );
    const waiting = gateCli(daemon.url, change.headSha, ['--wait', '60']);
    await new Promise((r) => setTimeout(r, 1500)); // the CLI is long-polling by now
    approveInServiceNow(sims, people, change, new Date());
    await eventually(() => governanceStatus(sims, change.headSha) === 'success', { describe });
    await eventually(
      () => world.jira.state.find(change.issueKey)!.labels.includes('change-approved'),
      {
        describe,
      },
    );
    const waited = await waiting;
    expect(waited).toMatchObject({ code: 0 });
    expect(waited.out).toMatch(/^allow/m);
    const allowed = await gateCli(daemon.url, change.headSha);
    expect(allowed).toMatchObject({ code: 0 });

    const second = deploy(change.headSha);
    await eventually(() => answer(second.runId), { describe });
    expect(answer(second.runId)).toMatchObject({ state: 'approved' });
    await eventually(
      () => comments(change.issueKey).some((t) => t.includes('approved the production deployment')),
      { describe },
    );
    expect(comments(change.issueKey).some((t) => t.includes('was approved in ServiceNow'))).toBe(
      true,
    );
    expect(await daemon.kill('SIGTERM')).toBe(0);
  }, 120_000);

  it('a deployment during a freeze is rejected and the Jira issue shows the change blocked', async () => {
    const now = new Date();
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const change = seedUnapprovedChange(sims, people, now, 'loyalty points', 'approved');
    daemon = await start(`policies:
  calendars:
    release-freeze:
      timeZone: UTC
      periods:
        - from: '${day(new Date(now.getTime() - 86_400_000))}'
          to: '${day(new Date(now.getTime() + 86_400_000))}'
          reason: Release freeze
`);
    await eventually(
      () => world.jira.state.find(change.issueKey)!.labels.includes('change-blocked'),
      {
        describe,
      },
    );
    await eventually(() => comments(change.issueKey).some((t) => t.includes('Release freeze')), {
      describe,
    });
    const run = deploy(change.headSha);
    await eventually(() => answer(run.runId), { describe });
    expect(answer(run.runId)).toMatchObject({ state: 'rejected' });
    expect(answer(run.runId)!.comment).toMatch(/freeze/i);
    expect(governanceStatus(sims, change.headSha)).toBe('failure');
  }, 120_000);
});
