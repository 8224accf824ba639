import { collectReport } from '../../../src/report/collect.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { FROM, NOW, ORG, TO, seedReportWorld } from './seed.js';

describeEachDatabase('collectReport', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Awaited<ReturnType<typeof seedReportWorld>>['store'];

  beforeAll(async () => {
    ({ store } = await seedReportWorld(handle.get()));
  });

  const collect = (tenant: string | null = null) =>
    collectReport(store, { from: FROM, to: TO, tenant, now: NOW, org: ORG });

  it('totals: changes active in the period, production deployments, protected merges', async () => {
    const r = await collect();
    expect(r.changes.map((c) => c.key)).toEqual([
      'CHG0000001',
      'CHG0000002',
      'CHG0000003',
      'CHG0000004',
      'CHG0000005',
      'CHG0000007',
    ]);
    expect(r.totals).toEqual({
      changes: 6,
      byType: { standard: 1, normal: 4, emergency: 1 },
      byOutcome: { successful: 1, open: 3, unsuccessful: 1, canceled: 1 },
      deployments: 4,
      merges: 2,
      unauthorised: 4,
      openFindings: 2,
      blockingFindings: 1,
    });
    expect(r.period).toEqual({ from: FROM.toISOString(), to: TO.toISOString() });
    expect(r.auditHead.seq).toBe(4);
    expect(r.auditHead.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('events: authorised when an approved change covers them, with approval evidence', async () => {
    const r = await collect();
    const byKey = new Map(r.events.map((e) => [e.ref.key, e]));
    expect([...byKey.keys()]).toEqual([
      'acme/api#1',
      'deploy-1',
      'deploy-2',
      'deploy-3',
      'acme/api@444444444444 → production',
      'acme/api#3',
    ]);
    expect(byKey.get('deploy-1')).toMatchObject({
      kind: 'deployment',
      authorised: true,
      actor: 'Bob Deployer',
      ref: { system: 'github', url: 'https://github.example/d/1' },
      change: { key: 'CHG0000001', url: 'https://sn.example/CHG0000001' },
      approvals: [
        {
          approver: 'Jane Approver',
          decision: 'approved',
          decidedAt: '2026-11-02T10:00:00.000Z',
          system: 'servicenow',
        },
      ],
    });
    expect(byKey.get('acme/api#1')).toMatchObject({
      kind: 'merge',
      target: 'main',
      authorised: true,
    });
    expect(byKey.get('deploy-2')).toMatchObject({ authorised: false, target: 'Production' });
    expect(byKey.get('deploy-2')!.findings.map((f) => f.policy)).toEqual(['linked-change']);
    expect(r.unauthorised.map((u) => [u.kind, u.ref.key, u.reason])).toEqual([
      ['deployment', 'deploy-2', 'CHG0000002 is not approved (approval: requested)'],
      ['deployment', 'acme/api@444444444444 → production', 'not linked to any change'],
      ['merge', 'acme/api#3', 'not linked to any change'],
      ['push', 'github:push:gh:acme/api@dead', 'A push to main with no change.'],
    ]);
    expect(r.unauthorised[3]).toMatchObject({
      repo: 'acme/api',
      target: 'main',
      sha: 'dead',
      actor: 'mallory',
    });
  });

  it('findings, drift, waivers, emergencies and reconciliation runs', async () => {
    const r = await collect();
    const c2 = r.changes.find((c) => c.key === 'CHG0000002')!;
    expect(c2.findings.map((f) => [f.policy, f.status, f.resolution])).toEqual([
      ['linked-change', 'open', null],
      [
        'required-fields',
        'waived',
        'waived by Jane Approver: plan attached in Jira (until 2026-11-20)',
      ],
    ]);
    expect(r.drift).toEqual([
      expect.objectContaining({
        policy: 'drift-field',
        change: 'CHG0000001',
        resolution: 'corrective write to jira',
      }),
    ]);
    expect(r.waivers).toEqual([
      expect.objectContaining({
        change: 'CHG0000002',
        by: 'Jane Approver',
        reason: 'plan attached in Jira',
        until: '2026-11-20T00:00:00.000Z',
      }),
    ]);
    expect(r.emergencies).toEqual([
      expect.objectContaining({
        key: 'CHG0000003',
        implementedAt: '2026-11-05T01:20:00.000Z',
        reviewDueAt: '2026-11-06T01:20:00.000Z',
        reviewOnTime: false,
      }),
    ]);
    expect(r.reconciliations).toEqual([
      {
        id: 'r1',
        startedAt: '2026-11-03T23:59:00.000Z',
        finishedAt: '2026-11-04T00:00:00.000Z',
        scope: 'all',
        checked: 12,
        opened: 1,
        resolved: 2,
      },
    ]);
  });

  it('metrics', async () => {
    expect((await collect()).metrics).toEqual({
      meanTimeToApproveHours: 1.25, // CHG1: 08:00 → 10:00, CHG3: 00:15 → 00:45
      approvalCycleHoursByType: { standard: null, normal: 24, emergency: 0.75 },
      changeSuccessRate: 0.5, // CHG1 successful, CHG4 unsuccessful
      changeFailureRate: 0.3333, // CHG3 caused INC1; CHG1, CHG2, CHG3 deployed
      emergencyChanges: 1,
      rejectionRate: 0.3333, // CHG5 of CHG1, CHG3, CHG5
    });
  });

  it('a tenant sees its own changes and the events linked to them only', async () => {
    const r = await collect('payments');
    expect(r.changes.map((c) => c.key)).toEqual(['CHG0000007']);
    expect(r.events).toEqual([]);
    expect(r.unauthorised).toEqual([]);
    expect(r.tenant).toBe('payments');
  });
});
