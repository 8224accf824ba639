import { digest } from '../../../src/sync/plan-keys.js';
import {
  changeIdFromCorrelation,
  correlationId,
  planChange,
  type PlannedCommand,
} from '../../../src/sync/planner.js';
import { nameUuid } from '../../../src/sync/record-facts.js';
import {
  agreed,
  CHANGE_ID,
  change,
  input,
  JIRA_RECORD,
  jiraLink,
  SN_RECORD,
  SN_URL,
  settings,
  snLink,
} from './planner-support.js';

/** Jira-only teams (DESIGN §4): creating the change request, then the issue's number and link. */

const ops = (cmds: PlannedCommand[], operation: string) =>
  cmds.filter((c) => c.operation === operation);

describe('planChange: creating the change request for a Jira-only change', () => {
  const c = change({
    title: 'x'.repeat(200),
    plannedStart: new Date('2026-03-02T10:00:00Z'),
    plannedEnd: new Date('2026-03-02T12:30:00Z'),
  });
  const issue = jiraLink();

  it('plans exactly one servicenow.create_change addressed by correlation id', () => {
    const creates = ops(
      planChange(input(c, [issue], { createFrom: issue })),
      'servicenow.create_change',
    );
    expect(creates).toEqual([
      {
        idempotencyKey: `create|${CHANGE_ID}|servicenow:sn-prod`,
        changeId: CHANGE_ID,
        targetSystem: 'servicenow',
        connection: 'sn-prod',
        operation: 'servicenow.create_change',
        target: `changebridge:${CHANGE_ID}`,
        payload: {
          fields: {
            assignment_group: 'CAB',
            correlation_display: 'OPS-42',
            type: 'normal',
            short_description: 'x'.repeat(160),
            description: 'Rotate the signing keys of the public API.',
            justification: 'Keys are 13 months old.',
            start_date: '2026-03-02 10:00:00',
            end_date: '2026-03-02 12:30:00',
          },
        },
        supersedes: null,
      },
    ]);
  });

  it('leaves out empty optional fields', () => {
    const bare = change({ description: null, justification: null });
    const [create] = ops(
      planChange(input(bare, [issue], { createFrom: issue })),
      'servicenow.create_change',
    );
    expect(create?.payload.fields).toEqual({
      assignment_group: 'CAB',
      type: 'normal',
      short_description: 'Rotate API keys',
      // the Jira issue it came from, shown on the change request
      correlation_display: 'OPS-42',
    });
  });

  it('yields the same key when planned again (the outbox keeps one row)', () => {
    const a = ops(planChange(input(c, [issue], { createFrom: issue })), 'servicenow.create_change');
    const b = ops(planChange(input(c, [issue], { createFrom: issue })), 'servicenow.create_change');
    expect(b).toEqual(a);
  });

  it('plans no number, remote link or approval write-back while there is no change request', () => {
    const approved = change({ approval: 'approved' });
    const cmds = planChange(input(approved, [issue], { createFrom: issue }));
    expect(cmds.map((x) => x.operation).sort()).toEqual(['jira.edit', 'servicenow.create_change']);
    expect(cmds.find((x) => x.operation === 'jira.edit')?.payload.aspect).toBe('fields');
  });

  it.each([
    ['a ServiceNow change_request link exists', { links: [issue, snLink()] }],
    ['nothing qualifies (no createFrom)', { createFrom: null }],
    [
      'Jira-only is switched off',
      { settings: settings({ jiraOnly: { ...settings().jiraOnly, enabled: false } }) },
    ],
    ['Jira is the system of record', { settings: settings({ systemOfRecord: 'jira' }) }],
    [
      'no ServiceNow connection is configured',
      { settings: settings({ servicenowConnection: null }) },
    ],
  ] as const)('creates nothing when %s', (_name, over) => {
    const base = input(c, [issue], { createFrom: issue });
    const cmds = planChange({ ...base, ...over });
    expect(ops(cmds, 'servicenow.create_change')).toEqual([]);
  });
});

describe('correlationId / changeIdFromCorrelation', () => {
  it.each([
    CHANGE_ID,
    nameUuid('jira:issue:jira-cloud:10042'),
    '00000000-0000-4000-8000-000000000000',
  ])('round-trips %s', (id) => {
    expect(correlationId(id)).toBe(`changebridge:${id}`);
    expect(changeIdFromCorrelation(correlationId(id))).toBe(id);
  });

  it.each([
    ['a non-string', 42],
    ['null', null],
    ['undefined', undefined],
    ['an empty string', ''],
    ['the bare prefix', 'changebridge:'],
    ['another prefix', `other:${CHANGE_ID}`],
    ['no prefix', CHANGE_ID],
    ['a prefix in the wrong case', `ChangeBridge:${CHANGE_ID}`],
    ['a short id', 'changebridge:2d711642-b726'],
    ['an id with trailing text', `changebridge:${CHANGE_ID}x`],
    ['an id with non-hex letters', 'changebridge:zd711642-b726-5044-8162-7ca9fbac32f5'],
    // The value is read back from a field people can edit: only a canonical change id (a
    // UUID, DESIGN §3; see isUuid in src/model/ids.ts) may come out, not any 36 characters
    // drawn from hex digits and dashes.
    ['36 dashes', `changebridge:${'-'.repeat(36)}`],
    ['36 hex digits without dashes', `changebridge:${'a'.repeat(36)}`],
  ])('rejects %s', (_name, value) => {
    expect(changeIdFromCorrelation(value)).toBeNull();
  });
});

describe('planChange: a Jira issue of a change with a change request', () => {
  const c = change();
  const number = 'CHG0030001';

  it('writes the change number into the configured field, then the remote link', () => {
    const cmds = planChange(
      input(c, [snLink({ syncState: agreed(c) }), jiraLink({ syncState: agreed(c) })]),
    );
    expect(cmds.map((x) => [x.operation, x.payload.aspect])).toEqual([
      ['jira.edit', 'number'],
      ['jira.remote_link', 'remote-link'],
    ]);
    const [edit, remote] = cmds;
    expect(edit).toEqual({
      idempotencyKey: `${JIRA_RECORD}|number|-|${digest(number).slice(0, 16)}`,
      changeId: CHANGE_ID,
      targetSystem: 'jira',
      connection: 'jira-cloud',
      operation: 'jira.edit',
      target: 'OPS-42',
      payload: {
        link: { changeId: CHANGE_ID, recordId: JIRA_RECORD },
        aspect: 'number',
        desiredHash: digest(number),
        fields: { customfield_10100: number },
      },
      supersedes: `${JIRA_RECORD}|number|`,
    });
    expect(remote).toMatchObject({
      operation: 'jira.remote_link',
      target: 'OPS-42',
      supersedes: null,
      payload: {
        link: { changeId: CHANGE_ID, recordId: JIRA_RECORD },
        aspect: 'remote-link',
        desiredHash: digest(SN_RECORD),
        globalId: SN_RECORD,
        url: SN_URL,
        title: `${number}: Rotate API keys`,
      },
    });
  });

  it('uses the configured change-number field', () => {
    const s = settings({
      jiraOnly: { ...settings().jiraOnly, changeNumberField: 'customfield_20000' },
    });
    const cmds = planChange(input(c, [snLink(), jiraLink()], { settings: s }));
    const edit = cmds.find((x) => x.payload.aspect === 'number');
    expect(edit?.payload.fields).toEqual({ customfield_20000: number });
  });

  it('falls back to the change key when the change request link has no key', () => {
    const other = change({ key: 'CHG0099999' });
    const cmds = planChange(input(other, [snLink({ externalKey: null }), jiraLink()]));
    expect(cmds.find((x) => x.payload.aspect === 'number')?.payload.fields).toEqual({
      customfield_10100: 'CHG0099999',
    });
  });

  it('skips the number when written.number already holds its digest', () => {
    const cmds = planChange(
      input(c, [
        snLink({ syncState: agreed(c) }),
        jiraLink({ syncState: agreed(c, { number: digest(number) }) }),
      ]),
    );
    expect(cmds.filter((x) => x.payload.aspect === 'number')).toEqual([]);
  });

  it('rewrites the number when the change request was renumbered', () => {
    const cmds = planChange(
      input(c, [
        snLink({ externalKey: 'CHG0030002' }),
        jiraLink({ syncState: agreed(c, { number: digest(number) }) }),
      ]),
    );
    const edit = cmds.find((x) => x.payload.aspect === 'number');
    expect(edit?.idempotencyKey).toBe(
      `${JIRA_RECORD}|number|${digest(number).slice(0, 16)}|${digest('CHG0030002').slice(0, 16)}`,
    );
  });

  it('plans no remote link when the change request has no url, or it was written', () => {
    const noUrl = planChange(input(c, [snLink({ url: null }), jiraLink()]));
    expect(ops(noUrl, 'jira.remote_link')).toEqual([]);
    const written = planChange(
      input(c, [
        snLink(),
        jiraLink({ syncState: agreed(c, { 'remote-link': digest(SN_RECORD) }) }),
      ]),
    );
    expect(ops(written, 'jira.remote_link')).toEqual([]);
  });

  it('plans exactly one remote link per Jira issue', () => {
    const cmds = planChange(input(c, [snLink(), jiraLink()]));
    expect(ops(cmds, 'jira.remote_link')).toHaveLength(1);
  });
});
