import type { Change, Link } from '../../../src/model/index.js';
import { projectionHash } from '../../../src/sync/merge.js';
import { planChange, serviceNowFields, type PlannedCommand } from '../../../src/sync/planner.js';
import {
  agreed,
  change,
  input,
  JIRA_RECORD,
  jiraLink,
  SN_RECORD,
  SYS_ID,
  snLink,
} from './planner-support.js';

/** The `fields` aspect: mirrored and written-only fields, planned over the shipped mappings. */

const WRITTEN = ['title', 'description', 'justification'];
const hashOf = (c: Change) => projectionHash(WRITTEN, c as unknown as Record<string, unknown>);

const fieldCommands = (cmds: PlannedCommand[]) => cmds.filter((c) => c.payload.aspect === 'fields');

/** Plans for a change whose two links last agreed on `before`. */
function planAfterEdit(before: Change, after: Change, written: Record<string, string> = {}) {
  const links: Link[] = [
    snLink({ syncState: agreed(before, written) }),
    jiraLink({ syncState: agreed(before, written) }),
  ];
  return fieldCommands(planChange(input(after, links)));
}

describe('planChange: fields already shown', () => {
  it('plans no field command when both bases equal the canonical values', () => {
    const c = change();
    expect(planAfterEdit(c, c)).toEqual([]);
  });

  it('treats a null canonical value and a null base as agreeing', () => {
    const c = change({ description: null, justification: null });
    const links = [
      snLink({
        syncState: {
          base: { title: c.title, description: null, justification: null },
          written: {},
        },
      }),
    ];
    expect(fieldCommands(planChange(input(c, links)))).toEqual([]);
  });

  it('plans writes when there is no sync state yet (never synced)', () => {
    const cmds = fieldCommands(planChange(input(change(), [snLink(), jiraLink()])));
    expect(cmds.map((c) => c.operation)).toEqual(['servicenow.update_change', 'jira.edit']);
    expect(cmds.map((c) => c.idempotencyKey)).toEqual([
      `${SN_RECORD}|fields|-|${hashOf(change()).slice(0, 16)}`,
      `${JIRA_RECORD}|fields|-|${hashOf(change()).slice(0, 16)}`,
    ]);
  });

  it('plans nothing for a link without a mapping', () => {
    const c = change();
    expect(planChange(input(c, [snLink()], { mappingFor: () => undefined }))).toEqual([]);
  });
});

describe('planChange: canonical title changed', () => {
  const before = change();
  const after = change({ title: 'Rotate API and webhook keys' });
  const cmds = planAfterEdit(before, after, { fields: hashOf(before) });
  const desiredHash = hashOf(after);
  const desiredBase = {
    title: 'Rotate API and webhook keys',
    description: 'Rotate the signing keys of the public API.',
    justification: 'Keys are 13 months old.',
  };

  it('updates the ServiceNow change request by sys_id with string fields', () => {
    const sn = cmds.find((c) => c.targetSystem === 'servicenow');
    expect(sn).toEqual({
      idempotencyKey: `${SN_RECORD}|fields|${hashOf(before).slice(0, 16)}|${desiredHash.slice(0, 16)}`,
      changeId: after.id,
      targetSystem: 'servicenow',
      connection: 'sn-prod',
      operation: 'servicenow.update_change',
      target: SYS_ID,
      supersedes: `${SN_RECORD}|fields|`,
      payload: {
        link: { changeId: after.id, recordId: SN_RECORD },
        aspect: 'fields',
        desiredHash,
        base: desiredBase,
        fields: {
          short_description: 'Rotate API and webhook keys',
          description: 'Rotate the signing keys of the public API.',
          justification: 'Keys are 13 months old.',
        },
      },
    });
    for (const v of Object.values(sn!.payload.fields as object)) expect(typeof v).toBe('string');
  });

  it('edits the Jira issue by key, description and justification as ADF', () => {
    const jira = cmds.find((c) => c.targetSystem === 'jira');
    expect(jira).toMatchObject({
      operation: 'jira.edit',
      target: 'OPS-42',
      connection: 'jira-cloud',
      changeId: after.id,
      supersedes: `${JIRA_RECORD}|fields|`,
      payload: {
        link: { changeId: after.id, recordId: JIRA_RECORD },
        aspect: 'fields',
        desiredHash,
        base: desiredBase,
      },
    });
    const fields = jira!.payload.fields as Record<string, unknown>;
    expect(Object.keys(fields).sort()).toEqual(['customfield_10101', 'description', 'summary']);
    expect(fields.summary).toBe('Rotate API and webhook keys');
    expect(fields.description).toMatchObject({ type: 'doc', version: 1 });
    expect(JSON.stringify(fields.description)).toContain(
      'Rotate the signing keys of the public API.',
    );
  });

  it('targets the Jira issue id when the link has no key', () => {
    const c = change();
    const cmd = fieldCommands(planChange(input(c, [jiraLink({ externalKey: null })])))[0];
    expect(cmd?.target).toBe('10042');
  });

  it('writes one command per linked record', () => {
    expect(cmds.map((c) => c.targetSystem)).toEqual(['servicenow', 'jira']);
  });
});

describe('serviceNowFields', () => {
  it.each([
    ['a string', 'x', 'x'],
    ['null clears', null, ''],
    ['undefined clears', undefined, ''],
    ['a number', 3, '3'],
    ['a boolean', false, 'false'],
    [
      'a Date, as ServiceNow UTC date-time',
      new Date('2026-03-02T10:05:09.123Z'),
      '2026-03-02 10:05:09',
    ],
    ['an object, as JSON', { a: 1 }, '{"a":1}'],
  ] as const)('%s', (_name, value, expected) => {
    expect(serviceNowFields({ f: value })).toEqual({ f: expected });
  });
});

describe('planChange: idempotency keys', () => {
  const plan = (c: Change, link: Link) => fieldCommands(planChange(input(c, [link])))[0];

  it('planning the same state twice yields identical commands and keys', () => {
    const before = change();
    const after = change({ title: 'B' });
    const link = snLink({ syncState: agreed(before, { fields: hashOf(before) }) });
    const first = plan(after, link);
    const second = plan(
      change({ title: 'B' }),
      snLink({ syncState: agreed(before, { fields: hashOf(before) }) }),
    );
    expect(first).toBeDefined();
    expect(second).toEqual(first);
  });

  it('plans nothing once the desired hash is marked written (even if the base lags)', () => {
    const before = change();
    const after = change({ title: 'B' });
    const link = snLink({ syncState: agreed(before, { fields: hashOf(after) }) });
    expect(plan(after, link)).toBeUndefined();
  });

  it('A → B → A yields three distinct keys, each naming the previous write', () => {
    const a = change({ title: 'A' });
    const b = change({ title: 'B' });
    const start = change({ title: 'start' });
    const k1 = plan(a, snLink({ syncState: agreed(start, { fields: hashOf(start) }) }))!;
    const k2 = plan(b, snLink({ syncState: agreed(a, { fields: hashOf(a) }) }))!;
    const k3 = plan(a, snLink({ syncState: agreed(b, { fields: hashOf(b) }) }))!;
    const keys = [k1.idempotencyKey, k2.idempotencyKey, k3.idempotencyKey];
    expect(new Set(keys).size).toBe(3);
    expect(keys).toEqual([
      `${SN_RECORD}|fields|${hashOf(start).slice(0, 16)}|${hashOf(a).slice(0, 16)}`,
      `${SN_RECORD}|fields|${hashOf(a).slice(0, 16)}|${hashOf(b).slice(0, 16)}`,
      `${SN_RECORD}|fields|${hashOf(b).slice(0, 16)}|${hashOf(a).slice(0, 16)}`,
    ]);
    // Same desired state as the first, but a new key: the record moved in between.
    expect(k3.payload.desiredHash).toBe(k1.payload.desiredHash);
  });

  it('every key of a record and aspect starts with the supersedes prefix', () => {
    const a = change({ title: 'A' });
    const b = change({ title: 'B' });
    for (const cmd of [
      plan(a, snLink()),
      plan(b, snLink({ syncState: agreed(a, { fields: hashOf(a) }) })),
    ]) {
      expect(cmd!.supersedes).toBe(`${SN_RECORD}|fields|`);
      expect(cmd!.idempotencyKey.startsWith(cmd!.supersedes!)).toBe(true);
    }
    const jira = plan(a, jiraLink())!;
    expect(jira.idempotencyKey.startsWith(`${JIRA_RECORD}|fields|`)).toBe(true);
    expect(jira.idempotencyKey.startsWith(`${SN_RECORD}|`)).toBe(false);
  });
});
