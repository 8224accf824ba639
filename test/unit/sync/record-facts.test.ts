import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isUuid, type SystemName } from '../../../src/model/index.js';
import {
  embeddedUser,
  nameUuid,
  normaliseStamp,
  recordVersion,
} from '../../../src/sync/record-facts.js';

/** Version stamps, embedded users and name-derived ids, on real vendor payloads where they fit. */

const SHARED = '/work/shared/fixtures/';
type Json = Record<string, unknown>;
const fixture = (path: string) => JSON.parse(readFileSync(`${SHARED}${path}`, 'utf8')) as Json;

function githubPullRequest(): Json {
  const require = createRequire(import.meta.url);
  const all = require('@octokit/webhooks-examples') as { name: string; examples: Json[] }[];
  const found = all.find((e) => e.name === 'pull_request')?.examples[0];
  if (!found) throw new Error('no pull_request example in @octokit/webhooks-examples');
  return found;
}

describe('normaliseStamp', () => {
  it.each([
    ['ServiceNow, UTC', '2026-03-02 10:00:00', '2026-03-02T10:00:00.000Z'],
    ['ServiceNow with surrounding blanks', ' 2026-03-02 10:00:00 ', '2026-03-02T10:00:00.000Z'],
    ['Jira +0100', '2026-03-02T10:00:00.000+0100', '2026-03-02T09:00:00.000Z'],
    ['Jira -0530', '2026-03-02T10:00:00.000-0530', '2026-03-02T15:30:00.000Z'],
    ['Jira -0800 from a real webhook', '2019-02-15T19:14:22.002-0800', '2019-02-16T03:14:22.002Z'],
    ['Jira +0000', '2021-01-18T23:45:00.000+0000', '2021-01-18T23:45:00.000Z'],
    ['ISO with a colon offset', '2026-03-02T10:00:00+05:30', '2026-03-02T04:30:00.000Z'],
    ['ISO Z (GitHub)', '2019-05-15T15:20:33Z', '2019-05-15T15:20:33.000Z'],
    ['ISO with milliseconds', '2019-06-05T14:32:20.211Z', '2019-06-05T14:32:20.211Z'],
    ['GitLab "UTC" suffix', '2022-12-07 07:53:43 UTC', '2022-12-07T07:53:43.000Z'],
    ['a day across midnight', '2026-12-31T23:30:00.000-0100', '2027-01-01T00:30:00.000Z'],
  ])('%s: %s → %s', (_name, raw, iso) => {
    expect(normaliseStamp(raw)).toBe(iso);
  });

  it.each([[''], ['   '], ['yesterday'], ['2026-13-45 99:99:99']])('%j → null', (raw) => {
    expect(normaliseStamp(raw)).toBeNull();
  });

  it('gives the same stamp for the same instant in every format', () => {
    const forms = [
      '2026-03-02 09:00:00',
      '2026-03-02T10:00:00.000+0100',
      '2026-03-02T03:30:00.000-0530',
      '2026-03-02T09:00:00Z',
    ];
    expect(new Set(forms.map(normaliseStamp))).toEqual(new Set(['2026-03-02T09:00:00.000Z']));
  });
});

describe('recordVersion: ServiceNow', () => {
  it.each([
    [
      'Table API incident (vendor docs)',
      () => fixture('servicenow/incident_get_by_sys_id_docs.json').result,
      '2015-11-01T22:37:27.000Z#0000000004',
    ],
    [
      'Table API problem list row (vendor docs)',
      () => (fixture('servicenow/table_get_list_problem_docs.json').result as Json[])[0],
      '2016-01-19T04:52:04.000Z#0000000001',
    ],
    [
      'Change Management API change_request: {display_value, value} envelopes, numeric count',
      () => fixture('servicenow/change_request_get_sn_chg_rest_docs.json').result,
      // `value` is UTC; `display_value` (11:59:27) is the docs user's local time.
      '2015-07-06T18:59:27.000Z#0000000010',
    ],
  ])('%s', (_name, record, expected) => {
    expect(recordVersion('servicenow', record())).toBe(expected);
  });

  it.each([
    [
      'a string count',
      { sys_updated_on: '2026-03-02 10:00:00', sys_mod_count: '12' },
      '2026-03-02T10:00:00.000Z#0000000012',
    ],
    [
      'a number count',
      { sys_updated_on: '2026-03-02 10:00:00', sys_mod_count: 0 },
      '2026-03-02T10:00:00.000Z#0000000000',
    ],
    [
      'envelopes on both',
      {
        sys_updated_on: { display_value: '2026-03-02 11:00:00', value: '2026-03-02 10:00:00' },
        sys_mod_count: { display_value: '7', value: '7' },
      },
      '2026-03-02T10:00:00.000Z#0000000007',
    ],
    ['no count', { sys_updated_on: '2026-03-02 10:00:00' }, '2026-03-02T10:00:00.000Z'],
    [
      'an empty count',
      { sys_updated_on: '2026-03-02 10:00:00', sys_mod_count: '' },
      '2026-03-02T10:00:00.000Z',
    ],
    [
      'a count that is not a number',
      { sys_updated_on: '2026-03-02 10:00:00', sys_mod_count: 'x1' },
      '2026-03-02T10:00:00.000Z',
    ],
    ['no stamp', { sys_mod_count: '3' }, null],
    ['an empty stamp', { sys_updated_on: '', sys_mod_count: '3' }, null],
    ['an empty stamp envelope', { sys_updated_on: { display_value: '', value: '' } }, null],
    ['an unreadable stamp', { sys_updated_on: 'soon', sys_mod_count: '3' }, null],
  ])('%s', (_name, record, expected) => {
    expect(recordVersion('servicenow', record)).toBe(expected);
  });

  it('sorts later updates after earlier ones, also within the same second', () => {
    const v = (on: string, count: string | number) =>
      recordVersion('servicenow', { sys_updated_on: on, sys_mod_count: count })!;
    const inOrder = [
      v('2026-03-02 09:59:59', 99),
      v('2026-03-02 10:00:00', 2),
      v('2026-03-02 10:00:00', 9),
      v('2026-03-02 10:00:00', '10'),
      v('2026-03-02 10:00:00', 11),
      v('2026-03-02 10:00:01', 1),
      v('2026-03-03 00:00:00', 0),
    ];
    expect([...inOrder].reverse().sort()).toEqual(inOrder);
    expect(new Set(inOrder).size).toBe(inOrder.length);
  });
});

describe('recordVersion: Jira', () => {
  it.each([
    ['issue_created.json', '2019-08-27T19:43:24.193Z'],
    ['issue_created_simple.json', '2019-02-16T03:01:52.971Z'],
    ['issue_updated_status_changed.json', '2019-02-16T03:14:22.002Z'],
  ])('a real webhook issue (%s): fields.updated as ISO UTC', (file, expected) => {
    expect(recordVersion('jira', fixture(`jira/${file}`).issue)).toBe(expected);
  });

  it('a later webhook of the same issue sorts after an earlier one', () => {
    const created = recordVersion('jira', fixture('jira/issue_created_simple.json').issue)!;
    const updated = recordVersion('jira', fixture('jira/issue_updated_status_changed.json').issue)!;
    expect(created < updated).toBe(true);
  });

  it.each([
    ['+0100', { fields: { updated: '2026-03-02T10:00:00.000+0100' } }, '2026-03-02T09:00:00.000Z'],
    ['-0530', { fields: { updated: '2026-03-02T10:00:00.000-0530' } }, '2026-03-02T15:30:00.000Z'],
    [
      'a top-level `updated`',
      { updated: '2026-03-02T10:00:00.000+0000' },
      '2026-03-02T10:00:00.000Z',
    ],
    [
      'fields.updated before a top-level one',
      {
        fields: { updated: '2026-03-02T10:00:00.000+0000' },
        updated: '2020-01-01T00:00:00.000+0000',
      },
      '2026-03-02T10:00:00.000Z',
    ],
    [
      'no sys_mod_count suffix for Jira',
      { fields: { updated: '2026-03-02T10:00:00.000+0000' }, sys_mod_count: '5' },
      '2026-03-02T10:00:00.000Z',
    ],
  ])('%s', (_name, record, expected) => {
    expect(recordVersion('jira', record)).toBe(expected);
  });

  it('is null for a webhook issue without `updated` (real comment_created payload) or the whole envelope', () => {
    expect(recordVersion('jira', fixture('jira/comment_created.json').issue)).toBeNull();
    expect(recordVersion('jira', fixture('jira/issue_created.json'))).toBeNull();
  });
});

describe('recordVersion: Git hosts', () => {
  it('GitHub pull request (octokit webhook example)', () => {
    const pr = githubPullRequest().pull_request;
    expect(recordVersion('github', pr)).toBe('2019-05-15T15:20:33.000Z');
  });

  it.each([
    [
      'merge request webhook (GitLab docs)',
      () => fixture('gitlab/merge_request.json').object_attributes,
      '2013-12-03T17:23:34.000Z',
    ],
    [
      'external status check MR, "UTC" suffix (GitLab docs)',
      () => fixture('gitlab/external_status_check.json').object_attributes,
      '2022-12-07T07:53:43.000Z',
    ],
  ])('GitLab %s', (_name, record, expected) => {
    expect(recordVersion('gitlab', record())).toBe(expected);
  });
});

describe('recordVersion: nothing to read', () => {
  const systems: SystemName[] = ['servicenow', 'jira', 'github', 'gitlab'];
  it.each(systems)('%s: missing or unusable → null', (system) => {
    for (const record of [
      null,
      undefined,
      'text',
      42,
      [],
      {},
      { updated_at: 5 },
      { fields: null },
    ]) {
      expect(recordVersion(system, record)).toBeNull();
    }
  });
});

describe('embeddedUser', () => {
  it.each([
    [
      'Jira webhook envelope (issue_created.json)',
      () => fixture('jira/issue_created.json'),
      '5cedcb4355a88a0fc86388ba',
      { displayName: 'Sample User', email: 'user@example.com' },
    ],
    [
      'Jira issue (issue_created_simple.json)',
      () => fixture('jira/issue_created_simple.json').issue,
      '5c5f880629be9642ba529340',
      { displayName: 'Test User', email: 'some-instance-test@gmail.com' },
    ],
    [
      'Jira comment author (comment_created.json)',
      () => fixture('jira/comment_created.json').comment,
      '5c5f880629be9642ba529340',
      { displayName: 'Test User', email: null },
    ],
    [
      'GitLab merge request user (GitLab docs)',
      () => fixture('gitlab/merge_request.json'),
      'root',
      { displayName: 'Administrator', email: 'admin@example.com' },
    ],
    [
      'GitHub pull request author (octokit example, no name or email)',
      () => githubPullRequest(),
      'Codertocat',
      { displayName: null, email: null },
    ],
  ])('%s', (_name, record, userId, expected) => {
    expect(embeddedUser(record(), userId)).toEqual(expected);
  });

  it.each([
    ['a user the record does not embed', () => fixture('jira/issue_created.json'), 'nobody'],
    [
      'a ServiceNow reference (sys_id only)',
      () => fixture('servicenow/incident_get_by_sys_id_docs.json'),
      '681ccaf9c0a8016400b98a06818d57c7',
    ],
    ['no record', () => null, 'x'],
    ['a string record', () => 'accountId', 'accountId'],
  ])('%s → null', (_name, record, userId) => {
    expect(embeddedUser(record(), userId)).toBeNull();
  });

  it('does not pass off GitLab\'s "[REDACTED]" placeholder as an email (real GitLab docs payload)', () => {
    // GitLab hides user emails in webhooks as "[REDACTED]". Taken as an email, every such
    // user would resolve to one Person by email (people.ts), breaking separation of duties.
    const record = fixture('gitlab/external_status_check.json');
    expect(embeddedUser(record, 'root')).toEqual({ displayName: 'Administrator', email: null });
  });

  it('matches ids as strings and ignores non-string names', () => {
    expect(embeddedUser({ user: { username: 7, name: 42, email: ['a'] } }, '7')).toEqual({
      displayName: null,
      email: null,
    });
  });

  it('prefers displayName/emailAddress over name/email', () => {
    const user = {
      accountId: 'a1',
      displayName: 'Ada L',
      name: 'ada',
      emailAddress: 'ada@x.io',
      email: 'old@x.io',
    };
    expect(embeddedUser({ fields: { assignee: user } }, 'a1')).toEqual({
      displayName: 'Ada L',
      email: 'ada@x.io',
    });
  });

  it('survives a cyclic record', () => {
    const a: Json = { name: 'loop' };
    a.self = a;
    a.child = { inner: a };
    expect(embeddedUser(a, 'x')).toBeNull();
    a.user = { login: 'x', name: 'Found' };
    expect(embeddedUser(a, 'x')).toEqual({ displayName: 'Found', email: null });
  });
});

describe('nameUuid', () => {
  const names = [
    '',
    'x',
    'servicenow:change_request:sn-prod:c83c5e5347c12200e0ef563dbb9a7190',
    'jira:issue:jira-cloud:10042',
    'person:jira:5cedcb4355a88a0fc86388ba',
    'ünïcødé ✓',
    'a'.repeat(10_000),
  ];

  it.each(
    names.map((n) => [n.slice(0, 60)] as const).map((row, i) => [...row, names[i]!] as const),
  )('%j: a valid version-5 layout UUID, the same every time', (_label, name) => {
    const id = nameUuid(name);
    expect(isUuid(id)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameUuid(name)).toBe(id);
  });

  it('gives different names different ids', () => {
    const ids = names.map(nameUuid);
    expect(new Set(ids).size).toBe(names.length);
    expect(nameUuid('x')).not.toBe(nameUuid('X'));
    expect(nameUuid('x')).not.toBe(nameUuid('x '));
  });

  it('is stable across releases (stored change ids depend on it)', () => {
    expect(nameUuid('x')).toBe('2d711642-b726-5044-8162-7ca9fbac32f5');
  });
});
