import type { Change, CodeChange, Finding, Link } from '../../../src/model/index.js';
import {
  codeChangeVerdict,
  findingsSummary,
  planFindings,
  type CodeChangeVerdict,
  type FindingsPlanInput,
} from '../../../src/sync/plan-findings.js';
import type { PlannedCommand } from '../../../src/sync/plan-keys.js';
import { aChange, aCodeChange, T0 } from '../policy/builders.js';

/** Findings written back where people work (DESIGN §8), one aspect per link and desired state. */

const CHANGE = aChange();
const CHANGE_ID = CHANGE.id;
const SYS_ID = 'c83c5e5347c12200e0ef563dbb9a7190';
const SN_RECORD = `servicenow:change_request:sn-prod:${SYS_ID}`;
const JIRA_RECORD = 'jira:issue:jira-cloud:10042';
const PR = aCodeChange();
const HEAD = 'a'.repeat(40);
const MR: CodeChange = aCodeChange({
  id: 'gitlab:merge_request:gl:acme/payments!7',
  system: 'gitlab',
  number: 7,
  headSha: 'c'.repeat(40),
});

function link(over: Partial<Link> & Pick<Link, 'recordId' | 'system' | 'kind'>): Link {
  return {
    changeId: CHANGE_ID,
    connection: over.system === 'servicenow' ? 'sn-prod' : `${over.system}-main`,
    externalId: over.recordId.split(':').slice(3).join(':'),
    externalKey: null,
    url: null,
    sourceVersion: null,
    lastReadHash: null,
    lastWrittenHash: null,
    updatedAt: T0,
    ...over,
  };
}

const snLink = (over: Partial<Link> = {}) =>
  link({
    recordId: SN_RECORD,
    system: 'servicenow',
    kind: 'change_request',
    externalKey: 'CHG0030001',
    ...over,
  });
const jiraLink = (over: Partial<Link> = {}) =>
  link({ recordId: JIRA_RECORD, system: 'jira', kind: 'issue', externalKey: 'OPS-42', ...over });
const prLink = (over: Partial<Link> = {}) =>
  link({ recordId: PR.id, system: 'github', kind: 'pull_request', ...over });
const mrLink = (over: Partial<Link> = {}) =>
  link({ recordId: MR.id, system: 'gitlab', kind: 'merge_request', ...over });

function finding(policy: string, over: Partial<Finding> = {}): Finding {
  return {
    id: `${policy}|${CHANGE_ID}`,
    changeId: CHANGE_ID,
    subject: 'CHG0030001',
    policy,
    severity: 'high',
    blocking: true,
    status: 'open',
    message: `${policy} message.`,
    evidence: {},
    firstSeenAt: T0,
    lastSeenAt: T0,
    resolvedAt: null,
    waiver: null,
    ...over,
  };
}

const FREEZE = finding('freeze-window', {
  message: 'The planned window falls in the Year-end freeze.',
});
const RISK = finding('risk-underestimated', {
  severity: 'medium',
  blocking: false,
  message: 'Declared risk moderate is lower than computed high.',
});
const SOD = finding('separation-of-duties', {
  severity: 'critical',
  message: 'The requester also approved the change.',
});

const TWO_SUMMARY =
  'changebridge governance for CHG0030001: 2 open findings (1 blocking).\n\n' +
  '- [blocking, high] The planned window falls in the Year-end freeze. (freeze-window)\n' +
  '- [medium] Declared risk moderate is lower than computed high. (risk-underestimated)';
const RESOLVED_SUMMARY = 'changebridge governance for CHG0030001: all findings are resolved.';

function plan(over: Partial<FindingsPlanInput> = {}): PlannedCommand[] {
  return planFindings({
    change: CHANGE,
    links: [],
    findings: [],
    codeChanges: [PR, MR],
    jiraComments: true,
    ...over,
  });
}

/** The link as it is after the given commands were applied (their desired hashes written). */
function afterWriting(l: Link, cmds: PlannedCommand[]): Link {
  const written: Record<string, string> = { ...(l.syncState?.written ?? {}) };
  for (const c of cmds) {
    const p = c.payload as { link: { recordId: string }; aspect: string; desiredHash: string };
    if (p.link.recordId === l.recordId) written[p.aspect] = p.desiredHash;
  }
  return { ...l, syncState: { base: {}, written } };
}

const hashOf = (c: PlannedCommand | undefined) =>
  (c!.payload as { desiredHash: string }).desiredHash;
const short = (hash: string) => hash.slice(0, 16);
const shapeOf = (cmds: PlannedCommand[]) => cmds.map((c) => [c.operation, c.target]);

describe('findingsSummary', () => {
  it.each<[string, Finding[], string]>([
    ['no findings', [], RESOLVED_SUMMARY],
    [
      'one non-blocking finding',
      [RISK],
      'changebridge governance for CHG0030001: 1 open finding.\n\n' +
        '- [medium] Declared risk moderate is lower than computed high. (risk-underestimated)',
    ],
    ['blocking first, whatever the input order', [RISK, FREEZE], TWO_SUMMARY],
    ['the same with the input sorted', [FREEZE, RISK], TWO_SUMMARY],
    [
      'blocking findings among themselves by id',
      [RISK, SOD, FREEZE],
      'changebridge governance for CHG0030001: 3 open findings (2 blocking).\n\n' +
        '- [blocking, high] The planned window falls in the Year-end freeze. (freeze-window)\n' +
        '- [blocking, critical] The requester also approved the change. (separation-of-duties)\n' +
        '- [medium] Declared risk moderate is lower than computed high. (risk-underestimated)',
    ],
  ])('%s', (_name, findings, expected) => {
    expect(findingsSummary(CHANGE, findings)).toBe(expected);
  });
});

describe('codeChangeVerdict', () => {
  it.each<[string, Partial<Change>, Finding[], CodeChangeVerdict]>([
    [
      'approved, nothing blocking',
      {},
      [RISK],
      { state: 'success', description: 'CHG0030001 is approved' },
    ],
    [
      'approved with blocking findings: counts them and quotes the first',
      {},
      [RISK, SOD, FREEZE],
      {
        state: 'failure',
        description: 'CHG0030001: 2 blocking finding(s): The requester also approved the change.',
      },
    ],
    [
      'rejected wins over blocking findings',
      { approval: 'rejected' },
      [FREEZE],
      { state: 'failure', description: 'CHG0030001 was rejected' },
    ],
    [
      'a standard change is approved',
      { type: 'standard', approval: 'not_requested' },
      [],
      { state: 'success', description: 'CHG0030001 is approved' },
    ],
    [
      'requested',
      { approval: 'requested' },
      [RISK],
      { state: 'pending', description: 'CHG0030001 is waiting for approval' },
    ],
    [
      'requested with blocking findings fails',
      { approval: 'requested' },
      [FREEZE],
      {
        state: 'failure',
        description:
          'CHG0030001: 1 blocking finding(s): The planned window falls in the Year-end freeze.',
      },
    ],
    [
      'not requested',
      { approval: 'not_requested' },
      [],
      { state: 'failure', description: 'CHG0030001 has not been submitted for approval' },
    ],
  ])('%s', (_name, change, findings, expected) => {
    expect(codeChangeVerdict(aChange(change), findings)).toEqual(expected);
  });
});

describe('planFindings: ServiceNow change request', () => {
  it('plans one work note with the summary when findings exist', () => {
    const cmds = plan({ links: [snLink()], findings: [FREEZE, RISK] });
    expect(cmds).toHaveLength(1);
    const desired = hashOf(cmds[0]);
    expect(desired).toMatch(/^[0-9a-f]{64}$/);
    expect(cmds[0]).toEqual({
      idempotencyKey: `${SN_RECORD}|findings|${short(desired)}`,
      changeId: CHANGE_ID,
      targetSystem: 'servicenow',
      connection: 'sn-prod',
      operation: 'servicenow.work_note',
      target: SYS_ID,
      payload: {
        link: { changeId: CHANGE_ID, recordId: SN_RECORD },
        aspect: 'findings',
        desiredHash: desired,
        text: TWO_SUMMARY,
      },
      supersedes: `${SN_RECORD}|findings|`,
    });
  });

  it('announces nothing when there are no findings and nothing was written', () => {
    expect(plan({ links: [snLink()], findings: [] })).toEqual([]);
    expect(plan({ links: [snLink({ syncState: { base: {}, written: {} } })] })).toEqual([]);
  });

  it('plans nothing when the written hash already is the desired one', () => {
    const first = plan({ links: [snLink()], findings: [FREEZE, RISK] });
    const written = afterWriting(snLink(), first);
    expect(plan({ links: [written], findings: [FREEZE, RISK] })).toEqual([]);
    // The set is compared, not the list: another order is the same state.
    expect(plan({ links: [written], findings: [RISK, FREEZE] })).toEqual([]);
  });

  it('announces that all findings are resolved once the set became empty after a write', () => {
    const first = plan({ links: [snLink()], findings: [FREEZE] });
    const written = afterWriting(snLink(), first);
    const cmds = plan({ links: [written], findings: [] });
    expect(cmds).toHaveLength(1);
    const prev = hashOf(first[0]);
    const desired = hashOf(cmds[0]);
    expect(desired).not.toBe(prev);
    expect(cmds[0]).toMatchObject({
      idempotencyKey: `${SN_RECORD}|findings|${short(desired)}`,
      operation: 'servicenow.work_note',
      payload: { aspect: 'findings', text: RESOLVED_SUMMARY },
    });
    // …and only once.
    expect(plan({ links: [afterWriting(written, cmds)], findings: [] })).toEqual([]);
  });

  it.each<[string, Finding[]]>([
    ['a finding more', [FREEZE, RISK, SOD]],
    ['a finding less', [FREEZE]],
    ['a changed message', [FREEZE, { ...RISK, message: 'Declared risk is too low.' }]],
    ['a changed severity', [FREEZE, { ...RISK, severity: 'high' }]],
    ['a changed blocking flag', [FREEZE, { ...RISK, blocking: true }]],
  ])('plans a new note with a new key for %s', (_name, findings) => {
    const first = plan({ links: [snLink()], findings: [FREEZE, RISK] });
    const written = afterWriting(snLink(), first);
    const cmds = plan({ links: [written], findings });
    expect(cmds).toHaveLength(1);
    const prev = hashOf(first[0]);
    expect(hashOf(cmds[0])).not.toBe(prev);
    expect(cmds[0]!.idempotencyKey).toBe(`${SN_RECORD}|findings|${short(hashOf(cmds[0]))}`);
    expect(cmds[0]!.idempotencyKey).not.toBe(first[0]!.idempotencyKey);
  });

  it('a set that flips back (A → B → A) reuses the first key: the same note is never posted twice', () => {
    const first = plan({ links: [snLink()], findings: [FREEZE, RISK] });
    const afterA = afterWriting(snLink(), first);
    const toB = plan({ links: [afterA], findings: [FREEZE] });
    const afterB = afterWriting(afterA, toB);
    const backToA = plan({ links: [afterB], findings: [FREEZE, RISK] });
    expect(backToA).toHaveLength(1);
    expect(backToA[0]!.idempotencyKey).toBe(first[0]!.idempotencyKey);
  });

  it('evidence alone does not make a new note', () => {
    const first = plan({ links: [snLink()], findings: [FREEZE] });
    const written = afterWriting(snLink(), first);
    expect(plan({ links: [written], findings: [{ ...FREEZE, evidence: { x: 1 } }] })).toEqual([]);
  });

  it('writes nothing to ServiceNow records that are not change requests', () => {
    const incident = link({
      recordId: 'servicenow:incident:sn-prod:inc1',
      system: 'servicenow',
      kind: 'incident',
    });
    expect(plan({ links: [incident], findings: [FREEZE] })).toEqual([]);
  });
});

describe('planFindings: Jira issue', () => {
  it('comments only when jiraComments is on', () => {
    expect(plan({ links: [jiraLink()], findings: [FREEZE, RISK], jiraComments: false })).toEqual(
      [],
    );
    const cmds = plan({ links: [jiraLink()], findings: [FREEZE, RISK], jiraComments: true });
    const desired = hashOf(cmds[0]);
    expect(cmds).toEqual([
      {
        idempotencyKey: `${JIRA_RECORD}|findings|${short(desired)}`,
        changeId: CHANGE_ID,
        targetSystem: 'jira',
        connection: 'jira-main',
        operation: 'jira.comment',
        target: 'OPS-42',
        payload: {
          link: { changeId: CHANGE_ID, recordId: JIRA_RECORD },
          aspect: 'findings',
          desiredHash: desired,
          text: TWO_SUMMARY,
        },
        supersedes: `${JIRA_RECORD}|findings|`,
      },
    ]);
  });

  it('targets the issue id when the issue has no key', () => {
    const cmds = plan({ links: [jiraLink({ externalKey: null })], findings: [FREEZE] });
    expect(shapeOf(cmds)).toEqual([['jira.comment', '10042']]);
  });

  it('the issue and the change request get the same desired state for the same set', () => {
    const cmds = plan({ links: [snLink(), jiraLink()], findings: [FREEZE, RISK] });
    expect(shapeOf(cmds)).toEqual([
      ['servicenow.work_note', SYS_ID],
      ['jira.comment', 'OPS-42'],
    ]);
    expect(hashOf(cmds[0])).toBe(hashOf(cmds[1]));
  });

  it('announces resolution on the issue only after it heard about findings', () => {
    expect(plan({ links: [jiraLink()], findings: [] })).toEqual([]);
    const written = afterWriting(jiraLink(), plan({ links: [jiraLink()], findings: [FREEZE] }));
    expect(plan({ links: [written], findings: [] })).toMatchObject([
      { operation: 'jira.comment', payload: { text: RESOLVED_SUMMARY } },
    ]);
  });
});

describe('planFindings: GitHub pull request', () => {
  const PR_TARGET = `acme/payments@${HEAD}`;

  it('sets the commit status on the head and comments while something blocks', () => {
    const cmds = plan({ links: [prLink()], findings: [FREEZE, RISK] });
    expect(shapeOf(cmds)).toEqual([
      ['github.status', PR_TARGET],
      ['github.comment', 'acme/payments#12'],
    ]);
    const [status, comment] = cmds;
    expect(status).toEqual({
      idempotencyKey: `${PR.id}|status|-|${short(hashOf(status))}`,
      changeId: CHANGE_ID,
      targetSystem: 'github',
      connection: 'github-main',
      operation: 'github.status',
      target: PR_TARGET,
      payload: {
        link: { changeId: CHANGE_ID, recordId: PR.id },
        aspect: 'status',
        desiredHash: hashOf(status),
        state: 'failure',
        description:
          'CHG0030001: 1 blocking finding(s): The planned window falls in the Year-end freeze.',
      },
      supersedes: `${PR.id}|status|`,
    });
    expect(comment).toEqual({
      idempotencyKey: `${PR.id}|comment|-|${short(hashOf(comment))}`,
      changeId: CHANGE_ID,
      targetSystem: 'github',
      connection: 'github-main',
      operation: 'github.comment',
      target: 'acme/payments#12',
      payload: {
        link: { changeId: CHANGE_ID, recordId: PR.id },
        aspect: 'comment',
        desiredHash: hashOf(comment),
        blocking: true,
        body: TWO_SUMMARY,
      },
      supersedes: `${PR.id}|comment|`,
    });
  });

  it.each<[string, Partial<Change>, Finding[], string]>([
    ['approved, no findings', {}, [], 'success'],
    ['approved, non-blocking findings', {}, [RISK], 'success'],
    ['requested', { approval: 'requested' }, [], 'pending'],
    ['not requested', { approval: 'not_requested' }, [], 'failure'],
    ['rejected', { approval: 'rejected' }, [], 'failure'],
  ])('without blocking findings only the status is set: %s', (_n, change, findings, state) => {
    const cmds = plan({ change: aChange(change), links: [prLink()], findings });
    expect(shapeOf(cmds)).toEqual([['github.status', PR_TARGET]]);
    expect(cmds[0]!.payload.state).toBe(state);
  });

  it('keeps commenting once a comment was written, so the PR hears that the block is gone', () => {
    const first = plan({ links: [prLink()], findings: [FREEZE] });
    const written = afterWriting(prLink(), first);
    const cmds = plan({ links: [written], findings: [RISK] });
    expect(shapeOf(cmds)).toEqual([
      ['github.status', PR_TARGET],
      ['github.comment', 'acme/payments#12'],
    ]);
    expect(cmds[0]!.payload.state).toBe('success');
    expect(cmds[1]!.payload).toMatchObject({ blocking: false });
    expect(cmds[1]!.idempotencyKey).toBe(
      `${PR.id}|comment|${short(hashOf(first[1]))}|${short(hashOf(cmds[1]))}`,
    );
  });

  it('replans nothing once status and comment show the desired state', () => {
    const first = plan({ links: [prLink()], findings: [FREEZE] });
    expect(plan({ links: [afterWriting(prLink(), first)], findings: [FREEZE] })).toEqual([]);
  });

  it('a new head commit gets its own status, the comment stays', () => {
    const first = plan({ links: [prLink()], findings: [FREEZE] });
    const moved = aCodeChange({ headSha: 'd'.repeat(40) });
    const cmds = plan({
      links: [afterWriting(prLink(), first)],
      findings: [FREEZE],
      codeChanges: [moved],
    });
    expect(shapeOf(cmds)).toEqual([['github.status', `acme/payments@${'d'.repeat(40)}`]]);
    expect(cmds[0]!.idempotencyKey).not.toBe(first[0]!.idempotencyKey);
  });

  it.each<[string, Link, CodeChange[]]>([
    [
      'no code change with the link record id',
      prLink(),
      [aCodeChange({ id: 'github:pull_request:gh:acme/payments#13' })],
    ],
    ['a code change without a head sha', prLink(), [aCodeChange({ headSha: null })]],
    [
      'a deployment link that happens to share the record id',
      link({ recordId: PR.id, system: 'github', kind: 'deployment' }),
      [PR],
    ],
  ])('plans nothing for %s', (_name, l, codeChanges) => {
    expect(plan({ links: [l], findings: [FREEZE], codeChanges })).toEqual([]);
  });
});

describe('planFindings: GitLab merge request', () => {
  const MR_TARGET = `acme/payments@${'c'.repeat(40)}`;

  it('sets a failed commit status and writes an MR note while something blocks', () => {
    const cmds = plan({ links: [mrLink()], findings: [FREEZE, RISK] });
    expect(cmds).toEqual([
      {
        idempotencyKey: `${MR.id}|status|-|${short(hashOf(cmds[0]))}`,
        changeId: CHANGE_ID,
        targetSystem: 'gitlab',
        connection: 'gitlab-main',
        operation: 'gitlab.commit_status',
        target: MR_TARGET,
        payload: {
          link: { changeId: CHANGE_ID, recordId: MR.id },
          aspect: 'status',
          desiredHash: hashOf(cmds[0]),
          project: 'acme/payments',
          sha: 'c'.repeat(40),
          state: 'failed',
          description:
            'CHG0030001: 1 blocking finding(s): The planned window falls in the Year-end freeze.',
        },
        supersedes: `${MR.id}|status|`,
      },
      {
        idempotencyKey: `${MR.id}|comment|-|${short(hashOf(cmds[1]))}`,
        changeId: CHANGE_ID,
        targetSystem: 'gitlab',
        connection: 'gitlab-main',
        operation: 'gitlab.mr_note',
        target: 'acme/payments!7',
        payload: {
          link: { changeId: CHANGE_ID, recordId: MR.id },
          aspect: 'comment',
          desiredHash: hashOf(cmds[1]),
          project: 'acme/payments',
          iid: 7,
          body: TWO_SUMMARY,
        },
        supersedes: `${MR.id}|comment|`,
      },
    ]);
  });

  it.each<[Partial<Change>, string]>([
    [{}, 'success'],
    [{ approval: 'requested' }, 'pending'],
    [{ approval: 'rejected' }, 'failed'],
  ])('maps the verdict to a GitLab state: %j → %s, no note', (change, state) => {
    const cmds = plan({ change: aChange(change), links: [mrLink()], findings: [RISK] });
    expect(shapeOf(cmds)).toEqual([['gitlab.commit_status', MR_TARGET]]);
    expect(cmds[0]!.payload.state).toBe(state);
  });
});

describe('planFindings: several links', () => {
  it('plans per link, in link order, each with its own key', () => {
    const cmds = plan({
      links: [mrLink(), snLink(), prLink(), jiraLink()],
      findings: [FREEZE],
      jiraComments: false,
    });
    expect(shapeOf(cmds)).toEqual([
      ['gitlab.commit_status', `acme/payments@${'c'.repeat(40)}`],
      ['gitlab.mr_note', 'acme/payments!7'],
      ['servicenow.work_note', SYS_ID],
      ['github.status', `acme/payments@${HEAD}`],
      ['github.comment', 'acme/payments#12'],
    ]);
    expect(new Set(cmds.map((c) => c.idempotencyKey)).size).toBe(5);
  });

  it('a written aspect on one link does not silence another link', () => {
    const first = plan({ links: [snLink()], findings: [FREEZE] });
    const cmds = plan({ links: [afterWriting(snLink(), first), jiraLink()], findings: [FREEZE] });
    expect(shapeOf(cmds)).toEqual([['jira.comment', 'OPS-42']]);
  });
});
