import type { ApprovalState, Change, Link } from '../../../src/model/index.js';
import {
  APPROVAL_LABELS,
  jiraApprovalCommands,
  type JiraWriteBack,
} from '../../../src/sync/plan-jira.js';
import { digest } from '../../../src/sync/plan-keys.js';
import { planChange, type PlannedCommand } from '../../../src/sync/planner.js';
import {
  agreed,
  CHANGE_ID,
  change,
  input,
  JIRA_RECORD,
  jiraLink,
  settings,
  snLink,
} from './planner-support.js';

/** Approval write-back to a Jira issue (DESIGN §8): labels, property, comment, transition. */

const ON: JiraWriteBack = {
  labels: true,
  property: true,
  comments: true,
  transitions: { approved: null, rejected: null },
};

const WINDOW = {
  plannedStart: new Date('2026-03-02T10:00:00Z'),
  plannedEnd: new Date('2026-03-02T12:30:00Z'),
};

const approvalOps = ['jira.labels', 'jira.property', 'jira.comment', 'jira.transition'];

/** The approval commands planChange plans for the Jira issue of a change with a request. */
function approval(c: Change, wb: JiraWriteBack = ON, jira: Link = jiraLink()): PlannedCommand[] {
  const s = settings({ jiraWriteBack: wb });
  const links = [snLink({ syncState: agreed(c) }), jira];
  return planChange(input(c, links, { settings: s })).filter((x) =>
    approvalOps.includes(x.operation),
  );
}

const byAspect = (cmds: PlannedCommand[], aspect: string) =>
  cmds.find((c) => c.payload.aspect === aspect);

describe('approval write-back: which commands per state', () => {
  it.each([
    ['not_requested', []],
    ['requested', ['jira.labels', 'jira.property']],
    ['approved', ['jira.labels', 'jira.property', 'jira.comment']],
    ['rejected', ['jira.labels', 'jira.property', 'jira.comment']],
  ] as const)('%s → %j', (state, expected) => {
    expect(approval(change({ approval: state, ...WINDOW })).map((c) => c.operation)).toEqual(
      expected,
    );
  });

  it('plans nothing for the issue while the change has no change request', () => {
    const c = change({ approval: 'approved' });
    const cmds = planChange(input(c, [jiraLink()])).filter((x) =>
      approvalOps.includes(x.operation),
    );
    expect(cmds).toEqual([]);
  });
});

describe('approval write-back: labels', () => {
  it.each([
    ['requested', ['change-requested'], ['change-approved', 'change-rejected', 'change-blocked']],
    ['approved', ['change-approved'], ['change-requested', 'change-rejected', 'change-blocked']],
    ['rejected', ['change-rejected'], ['change-requested', 'change-approved', 'change-blocked']],
  ] as const)('%s adds %j and removes the others', (state, add, remove) => {
    const labels = byAspect(approval(change({ approval: state })), 'labels');
    expect(labels).toEqual({
      idempotencyKey: `${JIRA_RECORD}|labels|-|${digest(`labels:${state}`).slice(0, 16)}`,
      changeId: CHANGE_ID,
      targetSystem: 'jira',
      connection: 'jira-cloud',
      operation: 'jira.labels',
      target: 'OPS-42',
      payload: {
        link: { changeId: CHANGE_ID, recordId: JIRA_RECORD },
        aspect: 'labels',
        desiredHash: digest(`labels:${state}`),
        add,
        remove,
      },
      supersedes: `${JIRA_RECORD}|labels|`,
    });
  });

  it('removes every approval label when a request is withdrawn (not_requested after a write)', () => {
    const jira = jiraLink({
      syncState: { base: {}, written: { labels: digest('labels:requested') } },
    });
    const labels = byAspect(approval(change(), ON, jira), 'labels');
    expect(labels?.payload).toMatchObject({
      add: [],
      remove: ['change-requested', 'change-approved', 'change-rejected', 'change-blocked'],
    });
    expect(labels?.idempotencyKey).toBe(
      `${JIRA_RECORD}|labels|${digest('labels:requested').slice(0, 16)}|${digest('labels:not_requested').slice(0, 16)}`,
    );
  });

  it('names one label per state except not_requested', () => {
    expect(APPROVAL_LABELS).toEqual({
      not_requested: null,
      requested: 'change-requested',
      approved: 'change-approved',
      rejected: 'change-rejected',
    });
  });
});

describe('approval write-back: the changebridge issue property', () => {
  it('carries the change summary as JSON with ISO dates', () => {
    const c = change({ approval: 'approved', state: 'scheduled', ...WINDOW });
    const property = byAspect(approval(c), 'property');
    const value = {
      change: 'CHG0030001',
      title: 'Rotate API keys',
      state: 'scheduled',
      approval: 'approved',
      plannedStart: '2026-03-02T10:00:00.000Z',
      plannedEnd: '2026-03-02T12:30:00.000Z',
      blocked: false,
      findings: [],
    };
    expect(property).toMatchObject({
      operation: 'jira.property',
      target: 'OPS-42',
      supersedes: `${JIRA_RECORD}|property|`,
      payload: {
        aspect: 'property',
        key: 'changebridge',
        value,
        desiredHash: digest(JSON.stringify(value)),
      },
    });
  });

  it('writes null dates for an unscheduled change', () => {
    const property = byAspect(approval(change({ approval: 'requested' })), 'property');
    expect(property?.payload.value).toMatchObject({ plannedStart: null, plannedEnd: null });
  });

  it('is rewritten when the window moves while the approval stays', () => {
    const a = byAspect(approval(change({ approval: 'approved', ...WINDOW })), 'property');
    const moved = change({
      approval: 'approved',
      ...WINDOW,
      plannedEnd: new Date('2026-03-02T13:00:00Z'),
    });
    const b = byAspect(approval(moved), 'property');
    expect(b?.payload.desiredHash).not.toBe(a?.payload.desiredHash);
  });
});

describe('approval write-back: comments', () => {
  it('approved: one comment naming the change and its planned window (UTC)', () => {
    const comments = approval(change({ approval: 'approved', ...WINDOW })).filter(
      (c) => c.operation === 'jira.comment',
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]?.payload.text).toBe(
      'Change CHG0030001 was approved in ServiceNow. It may be implemented between 2026-03-02 10:00 and 2026-03-02 12:30 (UTC).',
    );
    expect(comments[0]?.idempotencyKey).toBe(
      `${JIRA_RECORD}|comment|-|${digest('comment:approved').slice(0, 16)}`,
    );
  });

  it('approved without a full window: no window sentence', () => {
    const c = change({ approval: 'approved', plannedStart: WINDOW.plannedStart });
    expect(byAspect(approval(c), 'comment')?.payload.text).toBe(
      'Change CHG0030001 was approved in ServiceNow.',
    );
  });

  it('rejected: tells the team not to start', () => {
    const text = byAspect(approval(change({ approval: 'rejected' })), 'comment')?.payload.text;
    expect(text).toBe(
      'Change CHG0030001 was rejected in ServiceNow. Do not start the work; see the change request for the reason.',
    );
  });
});

describe('approval write-back: transitions', () => {
  const configured: JiraWriteBack = {
    ...ON,
    transitions: { approved: 'Ready', rejected: 'Won’t Do' },
  };

  it.each([
    ['approved', 'Ready'],
    ['rejected', 'Won’t Do'],
  ] as const)('%s → transition to %s when configured', (state, status) => {
    const t = approval(change({ approval: state }), configured).filter(
      (c) => c.operation === 'jira.transition',
    );
    expect(t).toHaveLength(1);
    expect(t[0]?.payload).toMatchObject({
      aspect: 'transition',
      status,
      desiredHash: digest(`transition:${state}`),
    });
    expect(t[0]?.supersedes).toBe(`${JIRA_RECORD}|transition|`);
  });

  it.each<ApprovalState>(['not_requested', 'requested'])('%s never transitions', (state) => {
    expect(approval(change({ approval: state }), configured).map((c) => c.operation)).not.toContain(
      'jira.transition',
    );
  });

  it('only the configured decision transitions', () => {
    const onlyApproved: JiraWriteBack = {
      ...ON,
      transitions: { approved: 'Ready', rejected: null },
    };
    expect(
      approval(change({ approval: 'rejected' }), onlyApproved).map((c) => c.operation),
    ).not.toContain('jira.transition');
  });

  it('plans no transition when none is configured', () => {
    expect(approval(change({ approval: 'approved' })).map((c) => c.operation)).not.toContain(
      'jira.transition',
    );
  });
});

describe('approval write-back: switches', () => {
  it.each([
    ['labels', { labels: false }, 'jira.labels'],
    ['property', { property: false }, 'jira.property'],
    ['comments', { comments: false }, 'jira.comment'],
  ] as const)('switched-off %s produce none', (_name, off, operation) => {
    for (const state of ['requested', 'approved', 'rejected'] as const) {
      const ops = approval(change({ approval: state }), { ...ON, ...off }).map((c) => c.operation);
      expect(ops).not.toContain(operation);
    }
  });

  it('everything off plans nothing', () => {
    const off: JiraWriteBack = {
      labels: false,
      property: false,
      comments: false,
      transitions: { approved: null, rejected: null },
    };
    expect(approval(change({ approval: 'approved' }), off)).toEqual([]);
  });
});

describe('approval write-back: already written', () => {
  it.each(['requested', 'approved', 'rejected'] as const)(
    '%s: nothing when each hash is in `written`',
    (state) => {
      const wb: JiraWriteBack = { ...ON, transitions: { approved: 'Ready', rejected: 'Closed' } };
      const c = change({ approval: state, ...WINDOW });
      const first = approval(c, wb);
      expect(first.length).toBeGreaterThan(0);
      const written: Record<string, string> = {};
      for (const cmd of first)
        written[cmd.payload.aspect as string] = cmd.payload.desiredHash as string;
      expect(approval(c, wb, jiraLink({ syncState: { base: {}, written } }))).toEqual([]);
    },
  );

  it('a new decision after a written one names the previous write in its keys', () => {
    const requested = approval(change({ approval: 'requested' }));
    const written: Record<string, string> = {};
    for (const cmd of requested)
      written[cmd.payload.aspect as string] = cmd.payload.desiredHash as string;
    const approved = approval(
      change({ approval: 'approved' }),
      ON,
      jiraLink({ syncState: { base: {}, written } }),
    );
    const labels = byAspect(approved, 'labels');
    expect(labels?.idempotencyKey).toBe(
      `${JIRA_RECORD}|labels|${digest('labels:requested').slice(0, 16)}|${digest('labels:approved').slice(0, 16)}`,
    );
    expect(byAspect(approved, 'comment')?.idempotencyKey).toBe(
      `${JIRA_RECORD}|comment|-|${digest('comment:approved').slice(0, 16)}`,
    );
  });
});

describe('jiraApprovalCommands directly', () => {
  it('targets the issue id when the link has no key', () => {
    const cmds = jiraApprovalCommands(
      change({ approval: 'requested' }),
      jiraLink({ externalKey: null }),
      ON,
    );
    expect(cmds.map((c) => c.target)).toEqual(['10042', '10042']);
  });
});
