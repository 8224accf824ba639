import { ConcurrentUpdateError, createStore, type Store } from '../../../src/store/index.js';
import type { Approval, CodeChange, Finding, Incident, Link } from '../../../src/model/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { at, change, T0 } from './fixtures.js';

describeEachDatabase('canonical repositories', (dialect) => {
  const handle = useTestDatabase(dialect);
  let store: Store;
  beforeAll(() => {
    store = createStore(handle.get());
  });

  it('round-trips a change with every field type, by id and by key', async () => {
    const c = change('CHG0030001', {
      risk: 'high',
      impact: 'medium',
      state: 'implement',
      originalState: '-1',
      plannedStart: at(60_000),
      plannedEnd: at(3_600_000),
      services: ['payments-api', 'db ✓'],
      justification: 'x'.repeat(70_000),
    });
    const saved = await store.changes.save(c, T0);
    expect(saved.version).toBe(1);
    expect(await store.changes.findById(c.id)).toEqual(saved);
    expect(await store.changes.findByKey('CHG0030001')).toEqual(saved);
    expect(await store.changes.findByKey('CHG9999999')).toBeNull();
  });

  it('detects a concurrent update through the version column', async () => {
    const saved = await store.changes.save(change('CHG0030002'), T0);
    const mine = await store.changes.save({ ...saved, title: 'mine' }, at(1));
    expect(mine.version).toBe(2);
    await expect(store.changes.save({ ...saved, title: 'stale' }, at(2))).rejects.toThrow(
      ConcurrentUpdateError,
    );
    expect((await store.changes.findById(saved.id))?.title).toBe('mine');
  });

  it('links one record to several changes and finds them by record, external id and key', async () => {
    const a = await store.changes.save(change('CHG0030010'), T0);
    const b = await store.changes.save(change('CHG0030011'), T0);
    const base: Omit<Link, 'changeId'> = {
      recordId: 'github:pull_request:gh:acme/api#12',
      system: 'github',
      connection: 'gh',
      kind: 'pull_request',
      externalId: 'acme/api#12',
      externalKey: 'acme/api#12',
      url: 'https://github.com/acme/api/pull/12',
      sourceVersion: '2026-03-01T10:00:00Z',
      lastReadHash: 'a'.repeat(64),
      lastWrittenHash: null,
      updatedAt: T0,
    };
    await store.links.upsert({ ...base, changeId: a.id });
    await store.links.upsert({ ...base, changeId: b.id });
    await store.links.upsert({ ...base, changeId: b.id, sourceVersion: 'v2' });
    expect((await store.changes.findByRecord(base.recordId)).map((c) => c.key)).toEqual([
      'CHG0030010',
      'CHG0030011',
    ]);
    expect(await store.links.findByExternalId('github', 'acme/api#12')).toHaveLength(2);
    expect(await store.links.findByExternalKey('acme/api#12')).toHaveLength(2);
    await store.links.markWritten(
      { changeId: b.id, recordId: base.recordId, desiredHash: 'b'.repeat(64) },
      at(5),
    );
    const [link] = await store.links.findByChange(b.id);
    expect(link).toMatchObject({
      sourceVersion: 'v2',
      lastWrittenHash: 'b'.repeat(64),
      updatedAt: at(5),
    });
  });

  it('resolves people by identity and by email, case-insensitively', async () => {
    await store.people.save({
      id: 'p-1',
      displayName: 'Ada Lovelace',
      email: 'Ada@Example.com ',
      identities: ['jira:5b10', 'github:ada', 'servicenow:sys_user:6816f79c'],
      updatedAt: T0,
    });
    expect((await store.people.findByIdentity('github:ada'))?.identities).toEqual([
      'github:ada',
      'jira:5b10',
      'servicenow:sys_user:6816f79c',
    ]);
    expect((await store.people.findByEmail('ada@example.COM'))?.id).toBe('p-1');
    expect(await store.people.findByIdentity('github:nobody')).toBeNull();
  });

  it('round-trips approvals, code changes, incidents and findings', async () => {
    const c = await store.changes.save(change('CHG0030020'), T0);
    const approval: Approval = {
      id: 'servicenow:sysapproval_approver:sn:abc',
      changeId: c.id,
      approver: 'p-1',
      decision: 'approved',
      originalDecision: 'approved',
      decidedAt: at(10),
      source: 'servicenow',
      validUntil: null,
      delegatedFrom: null,
      sourceEventIds: ['7'],
      updatedAt: at(10),
    };
    await store.approvals.upsert(approval);
    expect(await store.approvals.find({ changeId: c.id })).toEqual([approval]);

    const pr: CodeChange = {
      id: 'github:pull_request:gh:acme/api#12',
      system: 'github',
      repo: 'acme/api',
      number: 12,
      title: 'CHG0030020: fix',
      author: 'p-2',
      reviewers: [{ reviewer: 'p-1', verdict: 'approved', at: null }],
      mergedBy: 'p-1',
      mergedAt: at(20),
      headSha: 'a'.repeat(40),
      mergeSha: 'b'.repeat(40),
      targetBranch: 'main',
      linkedKeys: ['CHG0030020'],
      sourceEventIds: [],
      updatedAt: at(20),
    };
    await store.codeChanges.upsert(pr);
    expect(await store.codeChanges.get(pr.id)).toEqual(pr);

    const incident: Incident = {
      id: 'servicenow:incident:sn:i1',
      key: 'INC0010001',
      priority: 1,
      services: ['payments-api'],
      openedAt: at(30),
      resolvedAt: null,
      causedBy: 'CHG0030020',
      sourceEventIds: [],
      updatedAt: at(30),
    };
    await store.incidents.upsert(incident);
    expect(await store.incidents.find({ causedBy: 'CHG0030020' })).toEqual([incident]);

    const finding: Finding = {
      id: 'approval-required|CHG0030020',
      changeId: c.id,
      subject: 'CHG0030020',
      policy: 'approval-required',
      severity: 'high',
      blocking: true,
      status: 'open',
      message: 'CHG0030020 is being implemented without an approval.',
      evidence: { state: 'implement', approvals: [] },
      firstSeenAt: at(40),
      lastSeenAt: at(40),
      resolvedAt: null,
      waiver: null,
    };
    await store.findings.upsert(finding);
    expect(await store.findings.find({ changeId: c.id, status: 'open' })).toEqual([finding]);
  });

  it('keeps cursors per (connection, stream)', async () => {
    await store.cursors.set({
      connection: 'sn',
      stream: 'change_request',
      cursorValue: 'c1',
      mappingHash: null,
      updatedAt: T0,
    });
    await store.cursors.set({
      connection: 'sn',
      stream: 'incident',
      cursorValue: 'i1',
      mappingHash: 'h'.repeat(64),
      updatedAt: T0,
    });
    await store.cursors.set({
      connection: 'sn',
      stream: 'change_request',
      cursorValue: 'c2',
      mappingHash: null,
      updatedAt: at(1),
    });
    expect((await store.cursors.get('sn', 'change_request'))?.cursorValue).toBe('c2');
    expect((await store.cursors.get('sn', 'incident'))?.mappingHash).toBe('h'.repeat(64));
    await store.cursors.reset('sn', 'incident');
    expect(await store.cursors.get('sn', 'incident')).toBeNull();
  });
});
