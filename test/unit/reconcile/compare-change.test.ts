import type { Change, Link } from '../../../src/model/index.js';
import {
  compareChange,
  type ChangeView,
  type Discrepancy,
  type FreshRecord,
  type RecordFacts,
} from '../../../src/reconcile/index.js';
import { aChange, at, T0 } from '../policy/builders.js';

/**
 * compareChange (DESIGN §7): one canonical change, its links, and each linked record read
 * fresh. The default view is clean: an approved, scheduled CHG0030001 with its ServiceNow
 * change request, its Jira issue OPS-12 and a merged pull request, all agreeing.
 */
const CHANGE_ID = '11111111-1111-4111-8111-111111111111';
const SN = 'servicenow:change_request:sn:sys-1';
const JIRA = 'jira:issue:jira:10001';
const PR = 'github:pull_request:gh:acme/payments#12';
const MR = 'gitlab:merge_request:gl:acme/payments!7';

// The labels plan-jira writes (src/sync/plan-jira.ts APPROVAL_LABELS).
const LABELS = {
  not_requested: null,
  requested: 'change-requested',
  approved: 'change-approved',
  rejected: 'change-rejected',
};

function aLink(recordId: string, overrides: Partial<Link> = {}): Link {
  const [system, kind, connection, externalId] = recordId.split(':') as [
    Link['system'],
    Link['kind'],
    string,
    string,
  ];
  return {
    changeId: CHANGE_ID,
    recordId,
    system,
    connection,
    kind,
    externalId,
    externalKey: null,
    url: `https://example.com/${externalId}`,
    sourceVersion: null,
    lastReadHash: null,
    lastWrittenHash: null,
    updatedAt: T0,
    ...overrides,
  };
}

const snLink = (o: Partial<Link> = {}) => aLink(SN, { externalKey: 'CHG0030001', ...o });
const jiraLink = (o: Partial<Link> = {}) => aLink(JIRA, { externalKey: 'OPS-12', ...o });
const prLink = (o: Partial<Link> = {}) => aLink(PR, { externalKey: 'acme/payments#12', ...o });
const mrLink = (o: Partial<Link> = {}) => aLink(MR, { externalKey: 'acme/payments!7', ...o });

type Mirrored = FreshRecord['mirrored'];

function aFresh(
  link: Link,
  values: Record<string, unknown>,
  mirrored: Mirrored,
  facts: RecordFacts,
): FreshRecord {
  return {
    recordId: link.recordId,
    system: link.system,
    kind: link.kind,
    key: link.externalKey,
    values,
    mirrored,
    facts,
  };
}

const SN_MIRRORED: Mirrored = [
  { name: 'title', authority: 'servicenow' },
  { name: 'description', authority: 'servicenow' },
  { name: 'plannedStart', authority: 'servicenow' },
  { name: 'services', authority: 'servicenow' },
];
const JIRA_MIRRORED: Mirrored = [
  { name: 'title', authority: 'servicenow' },
  { name: 'description', authority: 'servicenow' },
  { name: 'justification', authority: 'jira' },
];

function snFresh(
  values: Record<string, unknown> = {},
  facts: RecordFacts = {},
  mirrored: Mirrored = SN_MIRRORED,
): FreshRecord {
  return aFresh(
    snLink(),
    {
      title: 'Upgrade payments API',
      description: null,
      plannedStart: at('2026-11-03T09:00:00Z'),
      services: ['payments-api'],
      approval: 'approved',
      ...values,
    },
    mirrored,
    { jiraKey: 'OPS-12', ...facts },
  );
}

function jiraFresh(
  values: Record<string, unknown> = {},
  facts: RecordFacts = {},
  mirrored: Mirrored = JIRA_MIRRORED,
): FreshRecord {
  return aFresh(
    jiraLink(),
    {
      title: 'Upgrade payments API',
      description: null,
      justification: 'Security patch for CVE-2026-1234.',
      ...values,
    },
    mirrored,
    {
      labels: ['change-approved', 'team-payments'],
      changeNumber: 'CHG0030001',
      statusCategory: 'indeterminate',
      ...facts,
    },
  );
}

const prFresh = (open = false) => aFresh(prLink(), {}, [], { open });
const mrFresh = (open = false) => aFresh(mrLink(), {}, [], { open });

interface ViewInput {
  change?: Partial<Change>;
  links?: Link[];
  /** Overrides the default fresh reads; `undefined` removes a read (not read at all). */
  fresh?: Record<string, FreshRecord | null | undefined>;
  expectsChangeRequest?: boolean;
}

function aView(input: ViewInput = {}): ChangeView {
  const fresh = new Map<string, FreshRecord | null>();
  const entries: Record<string, FreshRecord | null | undefined> = {
    [SN]: snFresh(),
    [JIRA]: jiraFresh(),
    [PR]: prFresh(),
    [MR]: mrFresh(),
    ...input.fresh,
  };
  for (const [id, r] of Object.entries(entries)) if (r !== undefined) fresh.set(id, r);
  return {
    change: aChange(input.change),
    links: input.links ?? [snLink(), jiraLink(), prLink()],
    fresh,
    expectsChangeRequest: input.expectsChangeRequest ?? true,
    approvalLabels: LABELS,
  };
}

const compare = (input: ViewInput = {}) => compareChange(aView(input));
const ids = (input: ViewInput = {}) => compare(input).map((d) => d.discriminator);
const only = (input: ViewInput): Discrepancy => {
  const out = compare(input);
  expect(out).toHaveLength(1);
  return out[0]!;
};

describe('compareChange: a clean view', () => {
  it('finds nothing when every record agrees with the change', () => {
    expect(compare()).toEqual([]);
  });

  it('finds nothing for a change with no links', () => {
    expect(compare({ links: [] })).toEqual([]);
  });
});

describe('compareChange: orphans (a linked record gone)', () => {
  it.each([
    [
      'the change request',
      SN,
      snLink(),
      'high',
      'The ServiceNow change request CHG0030001 linked to CHG0030001 no longer exists or is no longer visible to changebridge.',
    ],
    [
      'the Jira issue',
      JIRA,
      jiraLink(),
      'medium',
      'The Jira issue OPS-12 linked to CHG0030001 no longer exists or is no longer visible to changebridge.',
    ],
    [
      'the pull request',
      PR,
      prLink(),
      'medium',
      'The GitHub pull request acme/payments#12 linked to CHG0030001 no longer exists or is no longer visible to changebridge.',
    ],
  ])('reports %s when its fresh read is null', (_, recordId, link, severity, message) => {
    expect(only({ fresh: { [recordId]: null } })).toEqual({
      policy: 'drift-orphan',
      changeId: CHANGE_ID,
      subject: 'CHG0030001',
      discriminator: `gone:${recordId}`,
      severity,
      message,
      evidence: { record: recordId, key: link.externalKey, url: link.url },
      correction: null,
    });
  });

  it('names a record without a key by its external id', () => {
    const d = only({
      links: [snLink(), jiraLink({ externalKey: null })],
      fresh: { [SN]: snFresh({}, { jiraKey: null }), [JIRA]: null },
    });
    expect(d.message).toBe(
      'The Jira issue 10001 linked to CHG0030001 no longer exists or is no longer visible to changebridge.',
    );
    expect(d.evidence).toEqual({ record: JIRA, key: null, url: 'https://example.com/10001' });
  });

  it('reports every gone record separately', () => {
    expect(ids({ fresh: { [SN]: null, [JIRA]: null, [PR]: null } })).toEqual([
      `gone:${SN}`,
      `gone:${JIRA}`,
      `gone:${PR}`,
    ]);
  });
});

describe('compareChange: records not read are not judged', () => {
  it('skips a link absent from `fresh` even when other records are read', () => {
    expect(compare({ fresh: { [SN]: undefined } })).toEqual([]);
  });

  it('skips every link when nothing was read', () => {
    expect(compare({ fresh: { [SN]: undefined, [JIRA]: undefined, [PR]: undefined } })).toEqual([]);
  });

  it('does not judge an unread record whose last known state would drift', () => {
    // The PR is open and the change closed, but the PR was not read this run.
    expect(
      compare({
        change: { state: 'closed' },
        fresh: { [PR]: undefined, [JIRA]: jiraFresh({}, { statusCategory: 'done' }) },
      }),
    ).toEqual([]);
  });
});

describe('compareChange: field drift on mirrored fields', () => {
  it('plans a reapply when the ServiceNow record differs on a field ServiceNow owns', () => {
    expect(only({ fresh: { [SN]: snFresh({ title: 'Upgrade payments API v2' }) } })).toEqual({
      policy: 'drift-field',
      changeId: CHANGE_ID,
      subject: 'CHG0030001',
      discriminator: `field:${SN}:title`,
      severity: 'medium',
      message:
        'ServiceNow change request CHG0030001 shows a different title than CHG0030001: "Upgrade payments API v2" instead of "Upgrade payments API".',
      evidence: {
        record: SN,
        key: 'CHG0030001',
        field: 'title',
        recordValue: 'Upgrade payments API v2',
        canonicalValue: 'Upgrade payments API',
        authority: 'servicenow',
      },
      correction: { kind: 'reapply', recordId: SN },
    });
  });

  it('plans a rewrite of the fields when the Jira record differs on a field ServiceNow owns', () => {
    const d = only({ fresh: { [JIRA]: jiraFresh({ title: 'Upgrade payments' }) } });
    expect(d).toMatchObject({
      policy: 'drift-field',
      discriminator: `field:${JIRA}:title`,
      message:
        'Jira issue OPS-12 shows a different title than CHG0030001: "Upgrade payments" instead of "Upgrade payments API".',
      evidence: {
        record: JIRA,
        key: 'OPS-12',
        field: 'title',
        recordValue: 'Upgrade payments',
        canonicalValue: 'Upgrade payments API',
        authority: 'servicenow',
      },
      correction: { kind: 'rewrite', recordId: JIRA, aspect: 'fields' },
    });
  });

  it.each([
    ['ServiceNow', SN, 'servicenow', { kind: 'reapply', recordId: SN }],
    ['ServiceNow', SN, 'jira', { kind: 'rewrite', recordId: SN, aspect: 'fields' }],
    ['ServiceNow', SN, 'latest', { kind: 'rewrite', recordId: SN, aspect: 'fields' }],
    ['Jira', JIRA, 'jira', { kind: 'reapply', recordId: JIRA }],
    ['Jira', JIRA, 'servicenow', { kind: 'rewrite', recordId: JIRA, aspect: 'fields' }],
    ['Jira', JIRA, 'latest', { kind: 'rewrite', recordId: JIRA, aspect: 'fields' }],
  ])('%s record, authority %s → correction', (_, recordId, authority, correction) => {
    const mirrored = [{ name: 'title', authority }];
    const record =
      recordId === SN
        ? snFresh({ title: 'Other title' }, {}, mirrored)
        : jiraFresh({ title: 'Other title' }, {}, mirrored);
    const d = only({ fresh: { [recordId]: record } });
    expect(d.evidence.authority).toBe(authority);
    expect(d.correction).toEqual(correction);
  });

  it('shows dates as ISO strings and names camel-case fields in words', () => {
    const d = only({ fresh: { [SN]: snFresh({ plannedStart: at('2026-11-03T10:00:00Z') }) } });
    expect(d.discriminator).toBe(`field:${SN}:plannedStart`);
    expect(d.message).toBe(
      'ServiceNow change request CHG0030001 shows a different planned start than CHG0030001: "2026-11-03T10:00:00.000Z" instead of "2026-11-03T09:00:00.000Z".',
    );
    expect(d.evidence).toMatchObject({
      recordValue: '2026-11-03T10:00:00.000Z',
      canonicalValue: '2026-11-03T09:00:00.000Z',
    });
  });

  it('compares lists by value', () => {
    const d = only({ fresh: { [SN]: snFresh({ services: ['payments-api', 'ledger'] }) } });
    expect(d.discriminator).toBe(`field:${SN}:services`);
    expect(d.evidence).toMatchObject({
      recordValue: ['payments-api', 'ledger'],
      canonicalValue: ['payments-api'],
    });
  });

  it('reports a value cleared on the record (null in evidence, empty in the message)', () => {
    const d = only({ fresh: { [JIRA]: jiraFresh({ justification: null }) } });
    expect(d.discriminator).toBe(`field:${JIRA}:justification`);
    expect(d.message).toBe(
      'Jira issue OPS-12 shows a different justification than CHG0030001: "" instead of "Security patch for CVE-2026-1234.".',
    );
    expect(d.evidence).toMatchObject({ recordValue: null, authority: 'jira' });
    expect(d.correction).toEqual({ kind: 'reapply', recordId: JIRA });
  });

  it('shortens long values in the message but keeps them whole in evidence', () => {
    const long = 'x'.repeat(100);
    const d = only({ fresh: { [SN]: snFresh({ title: long }) } });
    expect(d.message).toContain(`"${'x'.repeat(57)}…"`);
    expect(d.evidence.recordValue).toBe(long);
  });

  it('reports each drifting field of each record with its own discriminator', () => {
    expect(
      ids({
        fresh: {
          [SN]: snFresh({ title: 'A', description: 'B' }),
          [JIRA]: jiraFresh({ title: 'C' }),
        },
      }),
    ).toEqual([`field:${SN}:title`, `field:${SN}:description`, `field:${JIRA}:title`]);
  });

  it.each<[string, Partial<Change>, Record<string, unknown>]>([
    ["'' on the record, null on the change", { description: null }, { description: '' }],
    ["null on the record, '' on the change", { description: '' }, { description: null }],
    ["'' on both", { description: '' }, { description: '' }],
    [
      'undefined on the record, null on the change',
      { description: null },
      { description: undefined },
    ],
    [
      'an ISO string on the record, the same Date on the change',
      {},
      { plannedStart: '2026-11-03T09:00:00.000Z' },
    ],
    [
      'an equal Date object on the record',
      {},
      { plannedStart: new Date('2026-11-03T09:00:00.000Z') },
    ],
    ['an equal list (another array)', {}, { services: ['payments-api'] }],
  ])('is not drift: %s', (_, change, values) => {
    expect(compare({ change, fresh: { [SN]: snFresh(values) } })).toEqual([]);
  });

  it('is not drift: a mirrored field the record does not map (absent from values)', () => {
    const record = snFresh();
    delete record.values.title;
    const jira = jiraFresh({ title: 'Something else' });
    expect(
      compare({ change: { title: 'Something else' }, fresh: { [SN]: record, [JIRA]: jira } }),
    ).toEqual([]);
  });

  it('is not drift: a field that differs but is not mirrored', () => {
    expect(compare({ fresh: { [SN]: snFresh({ risk: 'high', state: 'implement' }) } })).toEqual([]);
  });
});

describe('compareChange: the change number a Jira issue carries', () => {
  it('reports an issue naming another change and plans a rewrite of the number', () => {
    expect(only({ fresh: { [JIRA]: jiraFresh({}, { changeNumber: 'CHG0030002' }) } })).toEqual({
      policy: 'drift-field',
      changeId: CHANGE_ID,
      subject: 'CHG0030001',
      discriminator: `number:${JIRA}`,
      severity: 'medium',
      message: 'Jira issue OPS-12 names change CHG0030002 but is linked to CHG0030001.',
      evidence: {
        record: JIRA,
        key: 'OPS-12',
        field: 'changeNumber',
        recordValue: 'CHG0030002',
        canonicalValue: 'CHG0030001',
      },
      correction: { kind: 'rewrite', recordId: JIRA, aspect: 'number' },
    });
  });

  it('reports an issue carrying no change number', () => {
    const d = only({ fresh: { [JIRA]: jiraFresh({}, { changeNumber: null }) } });
    expect(d.discriminator).toBe(`number:${JIRA}`);
    expect(d.message).toBe('Jira issue OPS-12 names change (none) but is linked to CHG0030001.');
    expect(d.evidence.recordValue).toBeNull();
  });

  it.each<[string, string, string | null | undefined]>([
    ['the number matches the change key', 'CHG0030001', 'CHG0030001'],
    ['the change number was not read (fact absent)', 'CHG0030001', undefined],
    ['the change key is a Jira key (no ServiceNow number yet), number empty', 'OPS-12', null],
    ['the change key is a Jira key, number different', 'OPS-12', 'CHG0030009'],
  ])('is not drift: %s', (_, key, changeNumber) => {
    const facts: RecordFacts = changeNumber === undefined ? {} : { changeNumber };
    const record = jiraFresh({}, facts);
    if (changeNumber === undefined) delete record.facts.changeNumber;
    expect(compare({ change: { key }, fresh: { [JIRA]: record } })).toEqual([]);
  });

  it('does not look for a change number on ServiceNow records', () => {
    expect(compare({ fresh: { [SN]: snFresh({}, { changeNumber: 'CHG0039999' }) } })).toEqual([]);
  });
});

describe('compareChange: state drift between Jira and the change', () => {
  // Jira status category × change state. The rule: Jira done while the change is still
  // active (new … implement), or Jira not done while the change is closed or canceled;
  // `review` is neither (Jira may be done or not while the change is in review).
  it.each<[string, Change['state'], boolean]>([
    ['done', 'new', true],
    ['done', 'assess', true],
    ['done', 'authorize', true],
    ['done', 'scheduled', true],
    ['done', 'implement', true],
    ['done', 'review', false],
    ['done', 'closed', false],
    ['done', 'canceled', false],
    ['indeterminate', 'implement', false],
    ['indeterminate', 'scheduled', false],
    ['indeterminate', 'review', false],
    ['indeterminate', 'closed', true],
    ['indeterminate', 'canceled', true],
    ['new', 'new', false],
    ['new', 'review', false],
    ['new', 'closed', true],
    ['new', 'canceled', true],
  ])('Jira %s, change %s → drift: %s', (statusCategory, state, drift) => {
    expect(
      ids({ change: { state }, fresh: { [JIRA]: jiraFresh({}, { statusCategory }) } }),
    ).toEqual(drift ? [`state:${JIRA}`] : []);
  });

  it('says the issue is done while the change is still implementing', () => {
    expect(
      only({
        change: { state: 'implement' },
        fresh: { [JIRA]: jiraFresh({}, { statusCategory: 'done' }) },
      }),
    ).toEqual({
      policy: 'drift-state',
      changeId: CHANGE_ID,
      subject: 'CHG0030001',
      discriminator: `state:${JIRA}`,
      severity: 'medium',
      message: 'Jira issue OPS-12 is done while CHG0030001 is still being implemented.',
      evidence: {
        record: JIRA,
        key: 'OPS-12',
        statusCategory: 'done',
        changeState: 'implement',
      },
      correction: null,
    });
  });

  it('says the change is closed while the issue is still open', () => {
    const d = only({
      change: { state: 'closed' },
      fresh: { [JIRA]: jiraFresh({}, { statusCategory: 'indeterminate' }) },
    });
    expect(d.message).toBe('CHG0030001 is closed while Jira issue OPS-12 is still open.');
    expect(d.evidence).toEqual({
      record: JIRA,
      key: 'OPS-12',
      statusCategory: 'indeterminate',
      changeState: 'closed',
    });
  });

  it.each([null, undefined])('is not judged without a status category (%s)', (category) => {
    const record = jiraFresh({}, { statusCategory: category });
    if (category === undefined) delete record.facts.statusCategory;
    expect(compare({ change: { state: 'closed' }, fresh: { [JIRA]: record } })).toEqual([]);
  });

  it('ignores a status category on a ServiceNow record', () => {
    expect(
      compare({
        change: { state: 'implement' },
        fresh: { [SN]: snFresh({}, { statusCategory: 'done' }) },
      }),
    ).toEqual([]);
  });
});

describe('compareChange: a closed change with its code change still open', () => {
  it.each<[string, Change['state'], boolean, boolean]>([
    ['closed, PR open', 'closed', true, true],
    ['canceled, PR open', 'canceled', true, true],
    ['closed, PR merged', 'closed', false, false],
    ['review, PR open', 'review', true, false],
    ['implement, PR open', 'implement', true, false],
  ])('%s → drift: %s', (_, state, open, drift) => {
    expect(
      ids({
        change: { state },
        links: [snLink(), prLink()],
        fresh: { [SN]: snFresh({}, { jiraKey: null }), [PR]: prFresh(open) },
      }),
    ).toEqual(drift ? [`open-code:${PR}`] : []);
  });

  it('reports an open pull request with its message and evidence', () => {
    expect(
      only({
        change: { state: 'closed' },
        fresh: { [PR]: prFresh(true), [JIRA]: jiraFresh({}, { statusCategory: 'done' }) },
      }),
    ).toEqual({
      policy: 'drift-state',
      changeId: CHANGE_ID,
      subject: 'CHG0030001',
      discriminator: `open-code:${PR}`,
      severity: 'medium',
      message: 'CHG0030001 is closed but GitHub pull request acme/payments#12 is still open.',
      evidence: { record: PR, key: 'acme/payments#12', changeState: 'closed' },
      correction: null,
    });
  });

  it('reports an open GitLab merge request the same way', () => {
    const d = only({
      change: { state: 'canceled' },
      links: [snLink(), mrLink()],
      fresh: { [SN]: snFresh({}, { jiraKey: null }), [MR]: mrFresh(true) },
    });
    expect(d.discriminator).toBe(`open-code:${MR}`);
    expect(d.message).toBe(
      'CHG0030001 is canceled but GitLab merge request acme/payments!7 is still open.',
    );
  });

  it('does not judge a code change whose open state was not read', () => {
    expect(
      compare({
        change: { state: 'closed' },
        fresh: {
          [PR]: aFresh(prLink(), {}, [], {}),
          [JIRA]: jiraFresh({}, { statusCategory: 'done' }),
        },
      }),
    ).toEqual([]);
  });
});

describe('compareChange: approval drift on the change request', () => {
  it('plans a reapply when ServiceNow shows another approval', () => {
    expect(only({ fresh: { [SN]: snFresh({ approval: 'requested' }) } })).toEqual({
      policy: 'drift-approval',
      changeId: CHANGE_ID,
      subject: 'CHG0030001',
      discriminator: `approval:${SN}`,
      severity: 'high',
      message:
        'ServiceNow change request CHG0030001 is requested but changebridge holds CHG0030001 as approved.',
      evidence: { record: SN, recordApproval: 'requested', canonicalApproval: 'approved' },
      correction: { kind: 'reapply', recordId: SN },
    });
  });

  it('writes approval states in words', () => {
    const d = only({
      change: { approval: 'requested' },
      fresh: {
        [SN]: snFresh({ approval: 'not_requested' }),
        [JIRA]: jiraFresh({}, { labels: ['change-requested'] }),
      },
    });
    expect(d.message).toBe(
      'ServiceNow change request CHG0030001 is not requested but changebridge holds CHG0030001 as requested.',
    );
  });

  it('is not judged when the mapping gives no approval', () => {
    const record = snFresh();
    delete record.values.approval;
    expect(compare({ fresh: { [SN]: record } })).toEqual([]);
  });
});

describe('compareChange: approval labels on the Jira issue', () => {
  it.each<[string, Change['approval'], string[], string[] | null]>([
    ['approved with its label', 'approved', ['change-approved', 'team-payments'], null],
    ['requested with its label', 'requested', ['change-requested'], null],
    ['rejected with its label', 'rejected', ['change-rejected'], null],
    ['not_requested with no label', 'not_requested', ['team-payments'], null],
    ['not_requested with no labels at all', 'not_requested', [], null],
    ['the expected label missing', 'approved', ['team-payments'], []],
    ['a wrong label', 'approved', ['change-requested'], ['change-requested']],
    [
      'an extra label beside the right one',
      'approved',
      ['change-requested', 'change-approved'],
      ['change-approved', 'change-requested'],
    ],
    ['a label while not_requested', 'not_requested', ['change-requested'], ['change-requested']],
  ])('%s', (_, approval, labels, shown) => {
    const out = compare({
      change: { approval },
      fresh: { [SN]: snFresh({ approval }), [JIRA]: jiraFresh({}, { labels }) },
    });
    if (shown === null) {
      expect(out).toEqual([]);
      return;
    }
    const expected = LABELS[approval] ? [LABELS[approval]] : [];
    expect(out).toEqual([
      {
        policy: 'drift-approval',
        changeId: CHANGE_ID,
        subject: 'CHG0030001',
        discriminator: `labels:${JIRA}`,
        severity: 'medium',
        message: expect.any(String),
        evidence: { record: JIRA, labels: shown, expected, approval },
        correction: { kind: 'rewrite', recordId: JIRA, aspect: 'labels' },
      },
    ]);
  });

  it.each([
    [['team-payments'], 'Jira issue OPS-12 shows no approval label but CHG0030001 is approved.'],
    [
      ['change-requested', 'change-approved'],
      'Jira issue OPS-12 shows change-approved, change-requested but CHG0030001 is approved.',
    ],
  ])('message for labels %j', (labels, message) => {
    expect(only({ fresh: { [JIRA]: jiraFresh({}, { labels }) } }).message).toBe(message);
  });

  it('says a not_requested change in words', () => {
    expect(
      only({
        change: { approval: 'not_requested' },
        fresh: {
          [SN]: snFresh({ approval: 'not_requested' }),
          [JIRA]: jiraFresh({}, { labels: ['change-approved'] }),
        },
      }).message,
    ).toBe('Jira issue OPS-12 shows change-approved but CHG0030001 is not requested.');
  });

  it('is not judged when the change has no change request link', () => {
    expect(
      compare({
        change: { key: 'OPS-12' },
        links: [jiraLink()],
        fresh: { [JIRA]: jiraFresh({}, { labels: ['change-rejected'], changeNumber: null }) },
        expectsChangeRequest: false,
      }),
    ).toEqual([]);
  });

  it('is judged when the change request link exists even if that record was not read', () => {
    expect(ids({ fresh: { [SN]: undefined, [JIRA]: jiraFresh({}, { labels: [] }) } })).toEqual([
      `labels:${JIRA}`,
    ]);
  });

  it('is not judged when the labels were not read', () => {
    const record = jiraFresh({}, { labels: ['change-rejected'] });
    delete record.facts.labels;
    expect(compare({ fresh: { [JIRA]: record } })).toEqual([]);
  });
});

describe('compareChange: a Jira change issue with no change request', () => {
  // A change created from Jira keeps its Jira key until ServiceNow gives it a number.
  const jiraOnly = (input: ViewInput = {}) =>
    compare({
      change: { key: 'OPS-12', approval: 'not_requested' },
      links: [jiraLink(), prLink()],
      fresh: { [JIRA]: jiraFresh({}, { labels: [], changeNumber: null }) },
      ...input,
    });

  it('reports the issue when a change request is expected', () => {
    expect(jiraOnly()).toEqual([
      {
        policy: 'drift-orphan',
        changeId: CHANGE_ID,
        subject: 'OPS-12',
        discriminator: `no-request:${JIRA}`,
        severity: 'medium',
        message: 'Jira OPS-12 is a change but has no ServiceNow change request.',
        evidence: { record: JIRA, key: 'OPS-12' },
        correction: null,
      },
    ]);
  });

  it('does not report it when no change request is expected', () => {
    expect(jiraOnly({ expectsChangeRequest: false })).toEqual([]);
  });

  it('does not report it twice when the issue itself is gone', () => {
    expect(jiraOnly({ fresh: { [JIRA]: null } }).map((d) => d.discriminator)).toEqual([
      `gone:${JIRA}`,
    ]);
  });

  it('names an issue without a key by its external id', () => {
    const out = jiraOnly({ links: [jiraLink({ externalKey: null })] });
    expect(out.map((d) => d.message)).toEqual([
      'Jira 10001 is a change but has no ServiceNow change request.',
    ]);
  });

  it('does not report it when the change has a change request link', () => {
    expect(compare({ expectsChangeRequest: true })).toEqual([]);
  });
});

describe('compareChange: a change request referring to a missing Jira issue', () => {
  it('reports a Jira key no linked issue carries', () => {
    expect(only({ fresh: { [SN]: snFresh({}, { jiraKey: 'OPS-99' }) } })).toEqual({
      policy: 'drift-orphan',
      changeId: CHANGE_ID,
      subject: 'CHG0030001',
      discriminator: 'missing-issue:OPS-99',
      severity: 'medium',
      message: 'CHG0030001 refers to Jira OPS-99, which changebridge cannot find.',
      evidence: { record: SN, jiraKey: 'OPS-99' },
      correction: null,
    });
  });

  it('reports it when the change has no Jira issue at all', () => {
    expect(ids({ links: [snLink(), prLink()] })).toEqual(['missing-issue:OPS-12']);
  });

  it.each<[string, string | null | undefined]>([
    ['the linked issue', 'OPS-12'],
    ['no reference', null],
    ['an empty reference', ''],
    ['a reference that is not a Jira key', 'see OPS-12'],
    ['a lower-case key', 'ops-99'],
    ['the fact absent', undefined],
  ])('is not reported for %s', (_, jiraKey) => {
    const record = snFresh({}, { jiraKey });
    if (jiraKey === undefined) delete record.facts.jiraKey;
    expect(compare({ fresh: { [SN]: record } })).toEqual([]);
  });

  it('is not reported when the linked issue is gone (that is reported as gone)', () => {
    expect(ids({ fresh: { [JIRA]: null } })).toEqual([`gone:${JIRA}`]);
  });

  it('is not reported when the change request was not read or is gone', () => {
    expect(ids({ links: [snLink(), prLink()], fresh: { [SN]: undefined } })).toEqual([]);
    expect(ids({ links: [snLink(), prLink()], fresh: { [SN]: null } })).toEqual([`gone:${SN}`]);
  });
});

describe('compareChange: several problems at once', () => {
  it('returns every discrepancy, each with its own discriminator', () => {
    const out = compare({
      change: { state: 'implement' },
      fresh: {
        [SN]: snFresh(
          { title: 'Upgrade payments API v2', approval: 'rejected' },
          { jiraKey: 'OPS-99' },
        ),
        [JIRA]: jiraFresh(
          { justification: 'Other' },
          { statusCategory: 'done', labels: ['change-rejected'], changeNumber: 'CHG0030002' },
        ),
        [PR]: null,
      },
    });
    expect(out.map((d) => [d.policy, d.discriminator])).toEqual([
      ['drift-field', `field:${SN}:title`],
      ['drift-approval', `approval:${SN}`],
      ['drift-field', `field:${JIRA}:justification`],
      ['drift-field', `number:${JIRA}`],
      ['drift-state', `state:${JIRA}`],
      ['drift-approval', `labels:${JIRA}`],
      ['drift-orphan', `gone:${PR}`],
      ['drift-orphan', 'missing-issue:OPS-99'],
    ]);
    expect(new Set(out.map((d) => d.discriminator)).size).toBe(out.length);
    for (const d of out) {
      expect(d.changeId).toBe(CHANGE_ID);
      expect(d.subject).toBe('CHG0030001');
    }
  });
});
