import { randomUUID } from 'node:crypto';
import { AuditLog } from '../../../src/audit/index.js';
import {
  emptyChange,
  type Change,
  type CodeChange,
  type Deployment,
  type Finding,
  type Link,
} from '../../../src/model/index.js';
import { createStore, type Database } from '../../../src/store/index.js';

/** A small world for report tests: the period is 2026-11-02 .. 2026-11-08 (UTC). */
export const FROM = new Date('2026-11-02T00:00:00.000Z');
export const TO = new Date('2026-11-08T23:59:59.999Z');
export const NOW = new Date('2026-11-09T06:00:00.000Z');
export const ORG = {
  productionEnvironments: ['production'],
  protectedBranches: ['main', 'release/*'],
};
const d = (s: string) => new Date(`2026-${s}Z`);

function link(
  changeId: string,
  recordId: string,
  kind: Link['kind'],
  key: string,
  url: string | null,
): Link {
  const system = recordId.split(':')[0] as Link['system'];
  return {
    changeId,
    recordId,
    system,
    connection: system,
    kind,
    externalId: recordId.split(':').pop()!,
    externalKey: key,
    url,
    sourceVersion: null,
    lastReadHash: null,
    lastWrittenHash: null,
    updatedAt: NOW,
  };
}

function deployment(
  n: number,
  env: string,
  startedAt: Date | null,
  over: Partial<Deployment> = {},
): Deployment {
  return {
    id: `github:deployment:gh:${n}`,
    system: 'github',
    repo: 'acme/api',
    sha: `${n}`.repeat(40).slice(0, 40),
    environment: env,
    actor: 'p-bob',
    status: 'success',
    originalStatus: null,
    startedAt,
    finishedAt: startedAt && new Date(startedAt.getTime() + 600_000),
    linkedKeys: [],
    sourceEventIds: [],
    updatedAt: NOW,
    ...over,
  };
}

function merge(n: number, branch: string, mergedAt: Date): CodeChange {
  return {
    id: `github:pull_request:gh:acme/api#${n}`,
    system: 'github',
    repo: 'acme/api',
    number: n,
    title: `PR ${n}`,
    author: 'p-bob',
    reviewers: [],
    mergedBy: 'p-bob',
    mergedAt,
    headSha: 'h'.repeat(40),
    mergeSha: `m${n}`.padEnd(40, '0'),
    targetBranch: branch,
    linkedKeys: [],
    sourceEventIds: [],
    updatedAt: NOW,
  };
}

function finding(id: string, changeId: string | null, over: Partial<Finding>): Finding {
  return {
    id,
    changeId,
    subject: changeId ?? id,
    policy: 'required-fields',
    severity: 'medium',
    blocking: false,
    status: 'open',
    message: `finding ${id}`,
    evidence: {},
    firstSeenAt: d('11-03T00:00:00'),
    lastSeenAt: d('11-04T00:00:00'),
    resolvedAt: null,
    waiver: null,
    ...over,
  };
}

export async function seedReportWorld(db: Database) {
  const store = createStore(db);
  const audit = new AuditLog(db);
  await store.people.save({
    id: 'p-jane',
    displayName: 'Jane Approver',
    email: 'jane@example.com',
    identities: [],
    updatedAt: NOW,
  });
  await store.people.save({
    id: 'p-bob',
    displayName: 'Bob Deployer',
    email: 'bob@example.com',
    identities: [],
    updatedAt: NOW,
  });

  const changes: Record<string, Change> = {};
  const save = async (key: string, over: Partial<Change>, savedAt = d('11-02T00:00:00')) => {
    const c: Change = {
      ...emptyChange(randomUUID(), { key, title: `Title of ${key}`, tenant: 'default' }, savedAt),
      ...over,
    };
    changes[key] = await store.changes.save(c, savedAt);
    await store.links.upsert(
      link(
        changes[key]!.id,
        `servicenow:change_request:sn:${key}`,
        'change_request',
        key,
        `https://sn.example/${key}`,
      ),
    );
    return changes[key]!;
  };
  const c1 = await save('CHG0000001', {
    approval: 'approved',
    plannedStart: d('11-03T09:00:00'),
    plannedEnd: d('11-03T11:00:00'),
    state: 'closed',
    closeCode: 'successful',
    closedAt: d('11-03T12:00:00'),
  });
  const c2 = await save('CHG0000002', {
    approval: 'requested',
    state: 'scheduled',
    plannedStart: d('11-04T09:00:00'),
    plannedEnd: d('11-04T11:00:00'),
  });
  const c3 = await save('CHG0000003', {
    type: 'emergency',
    approval: 'approved',
    state: 'review',
    plannedStart: d('11-05T01:00:00'),
    plannedEnd: d('11-05T02:00:00'),
  });
  await save('CHG0000004', {
    type: 'standard',
    state: 'closed',
    closeCode: 'unsuccessful',
    plannedStart: d('11-06T01:00:00'),
    plannedEnd: d('11-06T02:00:00'),
    closedAt: d('11-06T03:00:00'),
  });
  const c5 = await save('CHG0000005', {
    approval: 'rejected',
    state: 'canceled',
    plannedStart: d('11-07T01:00:00'),
    plannedEnd: d('11-07T02:00:00'),
  });
  await save(
    'CHG0000006',
    { approval: 'approved', plannedStart: d('10-01T01:00:00'), plannedEnd: d('10-01T02:00:00') },
    d('10-01T00:00:00'),
  );
  await save('CHG0000007', {
    tenant: 'payments',
    plannedStart: d('11-07T01:00:00'),
    plannedEnd: d('11-07T02:00:00'),
  });

  const approval = (
    id: string,
    changeId: string,
    decision: 'approved' | 'rejected',
    decidedAt: Date,
  ) =>
    store.approvals.upsert({
      id,
      changeId,
      approver: 'p-jane',
      decision,
      originalDecision: null,
      decidedAt,
      source: 'servicenow',
      validUntil: null,
      delegatedFrom: null,
      sourceEventIds: [],
      updatedAt: decidedAt,
    });
  await approval('servicenow:sysapproval_approver:sn:a1', c1.id, 'approved', d('11-02T10:00:00'));
  await approval('servicenow:sysapproval_approver:sn:a3', c3.id, 'approved', d('11-05T00:45:00'));
  await approval('servicenow:sysapproval_approver:sn:a5', c5.id, 'rejected', d('11-06T00:00:00'));

  const deps = [
    deployment(1, 'production', d('11-03T09:30:00')),
    deployment(2, 'Production', d('11-04T10:00:00')),
    deployment(3, 'production', d('11-05T01:10:00')),
    deployment(4, 'production', d('11-06T12:00:00')),
    deployment(5, 'staging', d('11-06T12:00:00')),
    deployment(6, 'production', null, { status: 'canceled' }),
  ];
  for (const dep of deps) await store.deployments.upsert(dep);
  await store.links.upsert(
    link(c1.id, deps[0]!.id, 'deployment', 'deploy-1', 'https://github.example/d/1'),
  );
  await store.links.upsert(link(c2.id, deps[1]!.id, 'deployment', 'deploy-2', null));
  await store.links.upsert(link(c3.id, deps[2]!.id, 'deployment', 'deploy-3', null));

  const merges = [
    merge(1, 'main', d('11-03T09:10:00')),
    merge(2, 'feature/x', d('11-03T09:10:00')),
    merge(3, 'release/1.2', d('11-07T08:00:00')),
  ];
  for (const m of merges) await store.codeChanges.upsert(m);
  await store.links.upsert(
    link(c1.id, merges[0]!.id, 'pull_request', 'acme/api#1', 'https://github.example/pr/1'),
  );

  await store.incidents.upsert({
    id: 'servicenow:incident:sn:i1',
    key: 'INC0000001',
    priority: 2,
    services: [],
    openedAt: d('11-05T05:00:00'),
    resolvedAt: null,
    causedBy: 'CHG0000003',
    sourceEventIds: [],
    updatedAt: NOW,
  });

  await store.findings.upsert(
    finding(`linked-change|${c2.id}|${deps[1]!.id}`, c2.id, {
      policy: 'linked-change',
      severity: 'high',
      blocking: true,
      evidence: { deployment: deps[1]!.id },
    }),
  );
  await store.findings.upsert(
    finding(`required-fields|${c2.id}`, c2.id, {
      status: 'waived',
      waiver: { by: 'p-jane', reason: 'plan attached in Jira', until: d('11-20T00:00:00') },
    }),
  );
  await store.findings.upsert(
    finding(`drift-field|${c1.id}`, c1.id, {
      policy: 'drift-field',
      status: 'resolved',
      resolvedAt: d('11-04T00:00:00'),
      evidence: { resolution: 'corrective write to jira' },
    }),
  );
  await store.findings.upsert(
    finding('unauthorised-change|github:push:gh:acme/api@dead', null, {
      policy: 'unauthorised-change',
      severity: 'high',
      subject: 'github:push:gh:acme/api@dead',
      message: 'A push to main with no change.',
      evidence: {
        event: 'push',
        repo: 'acme/api',
        branch: 'main',
        sha: 'dead',
        at: '2026-11-07T12:00:00.000Z',
        actor: 'mallory',
      },
    }),
  );

  await audit.append(
    [{ actor: 'system:sync', action: 'change.created', subject: 'CHG0000001' }],
    d('11-01T10:00:00'),
  );
  await audit.append(
    [
      {
        actor: 'system:sync',
        action: 'approval.recorded',
        subject: 'servicenow:sysapproval_approver:sn:a1',
      },
    ],
    d('11-02T08:00:00'),
  );
  await audit.append(
    [{ actor: 'system:sync', action: 'change.created', subject: 'CHG0000003' }],
    d('11-05T00:00:00'),
  );
  await audit.append(
    [
      {
        actor: 'system:sync',
        action: 'approval.recorded',
        subject: 'servicenow:sysapproval_approver:sn:a3',
      },
    ],
    d('11-05T00:15:00'),
  );

  const run = (id: string, finished: Date, dry: number) =>
    db.run((m) =>
      m.query(
        'INSERT INTO reconcile_runs (id, started_at, finished_at, status, scope, dry_run, checked, opened, resolved) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          id,
          db.sqlDate(new Date(finished.getTime() - 60_000)),
          db.sqlDate(finished),
          'done',
          'all',
          dry,
          12,
          1,
          2,
        ],
      ),
    );
  await run('r1', d('11-04T00:00:00'), 0);
  await run('r2', d('11-04T01:00:00'), 1);
  await run('r3', d('10-04T01:00:00'), 0);
  return { store, audit, changes, deps, merges };
}
