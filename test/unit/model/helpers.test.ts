import {
  emptyChange,
  independentApprovers,
  isEffectiveApproval,
  resolvePerson,
  withinPlannedWindow,
  rank,
  RISKS,
  type Approval,
  type CodeChange,
  type Person,
} from '../../../src/model/index.js';

const now = new Date('2026-03-01T10:00:00Z');

describe('model helpers', () => {
  it('emptyChange starts as a new, unapproved normal change', () => {
    const c = emptyChange('id-1', { key: 'CHG0000001', title: 't', tenant: 'default' }, now);
    expect(c).toMatchObject({
      state: 'new',
      approval: 'not_requested',
      type: 'normal',
      version: 0,
    });
  });

  it('withinPlannedWindow is inclusive and false without a window', () => {
    const c = {
      plannedStart: new Date('2026-03-01T09:00:00Z'),
      plannedEnd: new Date('2026-03-01T10:00:00Z'),
    };
    expect(withinPlannedWindow(c, now)).toBe(true);
    expect(withinPlannedWindow(c, new Date('2026-03-01T10:00:01Z'))).toBe(false);
    expect(withinPlannedWindow({ plannedStart: null, plannedEnd: null }, now)).toBe(false);
  });

  it('an approval stops counting after validUntil', () => {
    const a: Approval = {
      id: 'a',
      changeId: 'c',
      approver: 'p1',
      decision: 'approved',
      originalDecision: 'approved',
      decidedAt: now,
      source: 'servicenow',
      validUntil: new Date('2026-03-02T00:00:00Z'),
      delegatedFrom: null,
      sourceEventIds: [],
      updatedAt: now,
    };
    expect(isEffectiveApproval(a, now)).toBe(true);
    expect(isEffectiveApproval(a, new Date('2026-03-03T00:00:00Z'))).toBe(false);
    expect(isEffectiveApproval({ ...a, decision: 'rejected' }, now)).toBe(false);
  });

  it('independentApprovers uses each reviewer’s latest verdict and never counts the author', () => {
    const cc = {
      author: 'p-author',
      reviewers: [
        { reviewer: 'p-author', verdict: 'approved', at: now },
        { reviewer: 'p2', verdict: 'approved', at: new Date('2026-03-01T08:00:00Z') },
        { reviewer: 'p2', verdict: 'changes_requested', at: new Date('2026-03-01T09:00:00Z') },
        { reviewer: 'p3', verdict: 'approved', at: now },
      ],
    } as unknown as CodeChange;
    expect(independentApprovers(cc)).toEqual(['p3']);
  });

  it('resolvePerson prefers identity links over email', () => {
    const people: Person[] = [
      { id: 'A', displayName: 'A', email: 'x@example.com', identities: [], updatedAt: now },
      { id: 'B', displayName: 'B', email: null, identities: ['jira:42'], updatedAt: now },
    ];
    expect(resolvePerson(people, 'jira:42', 'x@example.com')?.id).toBe('B');
    expect(resolvePerson(people, 'github:x', ' X@Example.com ')?.id).toBe('A');
    expect(resolvePerson(people, 'github:y', null)).toBeNull();
  });

  it('rank orders risks', () => {
    expect(rank(RISKS, 'very_high')).toBeGreaterThan(rank(RISKS, 'moderate'));
  });
});
