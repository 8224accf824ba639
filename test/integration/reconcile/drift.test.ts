import type { FastifyInstance } from 'fastify';
import {
  startGitHubSimulator,
  type GitHubSimulator,
} from '../../../connectors/github/simulator/index.js';
import { seedStory, type StoryFacts } from '../../../src/demo/story.js';
import { appKeys, APP_ID, INSTALLATION_ID } from '../github/support.js';
import { githubAppConnection } from '../../support/governance-story.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../../support/databases.js';
import {
  openSyncHarness,
  serveHarness,
  startSimWorld,
  type SimWorld,
  type SyncHarness,
} from '../../support/sync-world.js';

/**
 * Drift reconciliation against the simulators (issue: "injected drift of every kind on the
 * simulators — out-of-band edits, deleted records, dropped webhooks, a deployment with no
 * change, a direct push — is 100 % detected in one reconciliation run; a clean system
 * yields zero findings").
 */
const GITHUB_WEBHOOK = 'github-webhook-secret-for-tests';
const REPO = 'acme/payments';

describeEachDatabase('reconcile: drift on the simulators', (dialect) => {
  let database: TestDatabase;
  let world: SimWorld;
  let github: GitHubSimulator;
  let h: SyncHarness;
  let server: FastifyInstance;
  let facts: StoryFacts;

  beforeEach(async () => {
    world = await startSimWorld();
    github = await startGitHubSimulator({
      app: { appId: APP_ID, publicKeyPem: appKeys().publicKey, installationId: INSTALLATION_ID },
    });
    github.state.createRepo(REPO);
    // The ServiceNow and Jira part of the demo story: changes in every state, linked issues,
    // a Jira-only team's change. No GitHub activity yet.
    facts = seedStory({ servicenow: world.servicenow, jira: world.jira }, new Date());
    database = await createTestDatabase(dialect);
    h = openSyncHarness(world, await database.open(), {
      connectionsMore: githubAppConnection(github.url, APP_ID, INSTALLATION_ID),
      env: { GITHUB_APP_KEY: appKeys().privateKey, GITHUB_WEBHOOK },
    });
    const served = await serveHarness(h);
    server = served.server;
    github.sender.addHook(`${served.url}/webhooks/github`, GITHUB_WEBHOOK);
    // Converge first: everything linked, written back, quiet.
    await h.runtime.syncOnce();
    await h.runtime.syncOnce();
  });
  afterEach(async () => {
    await server.close();
    await h.app.close();
    await database.drop();
    await github.close();
    await world.close();
  });

  const sn = () => world.servicenow.state;
  const byPolicy = (findings: { policy: string }[]) => {
    const out: Record<string, number> = {};
    for (const f of findings) out[f.policy] = (out[f.policy] ?? 0) + 1;
    return out;
  };

  it('a clean, converged system yields zero findings', async () => {
    const r = await h.runtime.reconcile();
    expect(r.findings.map((f) => `${f.policy} ${f.subject}: ${f.message}`)).toEqual([]);
    expect(r.checked).toBeGreaterThanOrEqual(5);
    expect(r.recordsRead).toBeGreaterThanOrEqual(8);
    const runs = (await h.app.store.db.dataSource.query(
      'SELECT status, checked, found FROM reconcile_runs',
    )) as { status: string; checked: number | string; found: number | string }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'done' });
  });

  it('detects every kind of injected drift in one run, stores and audits it, then resolves what it corrected', async () => {
    const now = new Date();
    const by = { at: now, user: 'admin' };
    // 1. Out-of-band edit in ServiceNow, its webhook never sent and no poll since.
    const tls = facts.changes.tlsRotation;
    sn().update(
      'change_request',
      tls.sysId,
      { short_description: 'Rotate edge TLS certs (edited)' },
      by,
    );
    // 2. A linked Jira issue deleted; the delete webhook never arrived.
    const rollbackIssue = world.jira.state.find(facts.changes.checkoutRollback.jiraIssueKey!)!;
    world.jira.state.deleteIssue(rollbackIssue, 'someone');
    // 3. Dropped webhook: the change request was rejected in ServiceNow.
    const pg = facts.changes.postgresUpgrade;
    sn().update('change_request', pg.sysId, { approval: 'rejected' }, by);
    // 4. A production deployment with no change, and 5. a direct push to main.
    const sha = github.state.push(REPO, {
      branch: 'main',
      pusher: 'tortega',
      message: 'Hotfix: raise connection pool',
    });
    const d = github.state.createDeployment(REPO, {
      ref: 'main',
      sha,
      environment: 'production',
      creator: 'tortega',
      description: 'Hotfix',
    });
    github.state.addDeploymentStatus(REPO, d.id, { state: 'success', creator: 'tortega' });
    await github.sender.flush();
    // GitHub is synced (webhooks + its poll); ServiceNow and Jira are NOT polled: their
    // changes stay unannounced, as if the webhooks had been lost.
    await h.runtime.pollOnce(h.runtime.connectors.find((c) => c.system === 'github')!.connection);
    await h.runtime.processor.drain();

    const r = await h.runtime.reconcile();
    const found = byPolicy(r.findings);
    expect(found).toEqual({
      'drift-field': 1,
      'drift-orphan': 1,
      'drift-approval': 1,
      'unauthorised-change': 2,
    });
    const text = r.findings.map((f) => `${f.policy} ${f.subject} ${f.message}`).join('\n');
    expect(text).toMatch(
      new RegExp(`drift-field ${tls.number} .*Rotate edge TLS certs \\(edited\\)`),
    );
    expect(text).toMatch(
      new RegExp(`drift-orphan ${facts.changes.checkoutRollback.number} .*no longer exists`),
    );
    expect(text).toMatch(new RegExp(`drift-approval ${pg.number} .*rejected`));
    expect(text).toMatch(/unauthorised-change .*deployed to production .* with no change at all/);
    expect(text).toMatch(/unauthorised-change .*pushed straight to main/);
    expect(r.opened).toBe(5);

    // Stored as open findings and audited.
    const stored = await h.app.store.findings.find({ status: 'open' });
    expect(
      stored.filter((f) => f.policy.startsWith('drift-') || f.policy === 'unauthorised-change'),
    ).toHaveLength(5);
    expect((await h.app.audit.verify()).ok).toBe(true);

    // Corrections: the edited and the rejected change requests are fed back through the
    // pipeline; once processed and written back to Jira, the next run finds both resolved.
    expect(r.corrections).toBe(2);
    const corrected = await h.runtime.syncOnce();
    expect(corrected.processed.applied).toBeGreaterThanOrEqual(2);
    const again = await h.runtime.reconcile();
    expect(byPolicy(again.findings)).toEqual({ 'drift-orphan': 1, 'unauthorised-change': 2 });
    expect(again.resolved).toBe(2);

    // The same drift again, after it was resolved: its finding re-opens (same id, first
    // seen kept) and the audit says so.
    const [resolved] = await h.app.store.findings.find({ policy: 'drift-field' });
    expect(resolved).toMatchObject({ status: 'resolved' });
    sn().update(
      'change_request',
      tls.sysId,
      { short_description: 'Rotate edge TLS certs (edited again)' },
      { at: new Date(), user: 'admin' },
    );
    const third = await h.runtime.reconcile();
    expect(byPolicy(third.findings)).toEqual({
      'drift-field': 1,
      'drift-orphan': 1,
      'unauthorised-change': 2,
    });
    expect(third.opened).toBe(1);
    const reopened = await h.app.store.findings.find({ policy: 'drift-field' });
    expect(reopened).toHaveLength(1);
    expect(reopened[0]).toMatchObject({
      id: resolved!.id,
      status: 'open',
      resolvedAt: null,
      firstSeenAt: resolved!.firstSeenAt,
    });
    const actions = (await h.app.store.db.dataSource.query(
      'SELECT action FROM audit_events WHERE action LIKE ? ORDER BY seq',
      ['finding.%'],
    )) as { action: string }[];
    expect(actions.filter((a) => a.action === 'finding.reopened')).toHaveLength(1);
    expect((await h.app.audit.verify()).ok).toBe(true);
  });

  it('--dry-run reports the same and stores nothing', async () => {
    sn().update(
      'change_request',
      facts.changes.tlsRotation.sysId,
      { short_description: 'Edited out of band' },
      { at: new Date(), user: 'admin' },
    );
    const r = await h.runtime.reconcile({ dryRun: true });
    expect(byPolicy(r.findings)).toEqual({ 'drift-field': 1 });
    expect(r.corrections).toBe(0);
    const stored = await h.app.store.findings.find({ policy: 'drift-field' });
    expect(stored).toEqual([]);
  });
});
