import { jest } from '@jest/globals';
import { adfToText } from '../../../src/mapping/adf.js';
import { actTwo, seedStory, type StoryFacts } from '../../../src/demo/story.js';
import {
  createTestDatabase,
  describeEachDatabase,
  type TestDatabase,
} from '../../support/databases.js';
import {
  approvalComments,
  openSyncHarness,
  startSimWorld,
  type SimWorld,
  type SyncHarness,
} from '../../support/sync-world.js';

/**
 * The demo story through the whole pipeline in one process: poll → inbox → canonical →
 * planner → outbox → write-back, against the ServiceNow and Jira simulators over HTTP.
 */
describeEachDatabase('sync: the demo story end to end, in process', (dialect) => {
  let database: TestDatabase;
  let world: SimWorld;
  let h: SyncHarness;
  let facts: StoryFacts;

  beforeEach(async () => {
    world = await startSimWorld();
    facts = seedStory({ servicenow: world.servicenow, jira: world.jira }, new Date());
    database = await createTestDatabase(dialect);
    h = openSyncHarness(world, await database.open());
  });
  afterEach(async () => {
    await h.app.close();
    await database.drop();
    await world.close();
  });

  const issue = (key: string) => world.jira.state.find(key)!;
  const snChanges = () => [...world.servicenow.state.table('change_request').values()];
  const writes = () =>
    world.jira.countRequests((r) => r.method !== 'GET' && r.status < 400) +
    world.servicenow.requests.filter((r) => r.method !== 'GET' && r.status < 400).length;

  it('links both sides, creates the Jira-only change request once, writes back, then stays quiet', async () => {
    const first = await h.runtime.syncOnce();
    expect(first.processed).toMatchObject({ dead: 0, retried: 0 });
    expect(first.dispatched).toMatchObject({ dead: 0, retried: 0 });
    const store = h.app.store;

    for (const c of Object.values(facts.changes)) {
      const change = await store.changes.findByKey(c.number);
      expect(change?.title).toBe(c.title);
    }
    const pg = facts.changes.postgresUpgrade;
    const chg1 = (await store.changes.findByKey(pg.number))!;
    const links = await store.links.findByChange(chg1.id);
    expect(links.map((l) => `${l.system}:${l.externalKey}`).sort()).toEqual([
      `jira:${pg.jiraIssueKey}`,
      `servicenow:${pg.number}`,
    ]);

    // Jira-only team: exactly one change request, correlated, its number back on the issue.
    const created = snChanges().filter((r) => String(r.correlation_id).startsWith('changebridge:'));
    expect(created).toHaveLength(1);
    const payIssue = issue(facts.jiraOnlyIssue.key);
    expect(payIssue.customFields.customfield_10100).toBe(created[0]!.number);
    expect(payIssue.remoteLinks).toHaveLength(1);
    const jiraOnly = (await store.changes.findByKey(String(created[0]!.number)))!;
    expect(jiraOnly.title).toBe(facts.jiraOnlyIssue.summary);

    // Approved in ServiceNow → label, property and one comment on the Jira issue.
    const tls = issue(facts.changes.tlsRotation.jiraIssueKey!);
    expect(tls.labels).toContain('change-approved');
    expect(tls.properties.get('changebridge')).toMatchObject({ approval: 'approved' });
    expect(approvalComments(tls)).toHaveLength(1);
    expect(issue(pg.jiraIssueKey!).labels).toContain('change-requested');

    // ServiceNow is the authority for mirrored fields: Jira now shows its justification.
    const snPg = snChanges().find((r) => r.number === pg.number)!;
    expect(adfToText(issue(pg.jiraIssueKey!).customFields.customfield_10101)).toBe(
      snPg.justification,
    );

    // One Person per human: identities meet on their email address.
    const people = (await store.db.run((m) =>
      m.query(
        'SELECT p.email, p.display_name, COUNT(i.identity) AS n FROM people p JOIN person_identities i ON i.person_id = p.id GROUP BY p.id, p.email, p.display_name',
      ),
    )) as { email: string | null; display_name: string; n: number | string }[];
    const emails = people.map((p) => p.email);
    expect(new Set(emails).size).toBe(emails.length);
    // ServiceNow references carry only a sys_id: names and emails come from sys_user.
    const requester = facts.people.find((p) => p.role === 'requester')!;
    expect(people.map((p) => p.email)).toContain(requester.email);
    // A Jira user (account ids contain a colon) is named from the user object on the issue.
    const dev = facts.people.find((p) => p.role === 'payments')!;
    expect(people.map((p) => p.display_name)).toContain(dev.name);

    const before = writes();
    const quiet = await h.runtime.syncOnce();
    expect(quiet.processed.applied).toBe(0);
    expect(quiet.dispatched.claimed).toBe(0);
    expect(writes()).toBe(before);
  });

  it('creates new people in batches, asking for an email only when someone already has it', async () => {
    // One human with two ServiceNow accounts (same email, different case), each
    // requesting a change: both arrive in one batch.
    const sn = world.servicenow.state;
    const account = (userName: string, email: string) =>
      sn.insert('sys_user', { user_name: userName, name: 'Robin Twin', email }, { user: 'admin' })
        .sys_id as string;
    const request = (sysId: string, title: string) =>
      sn.insert(
        'change_request',
        { short_description: title, type: 'normal', state: '-5', requested_by: sysId },
        { user: 'admin' },
      );
    const a = account('robin.twin', 'Robin.Twin@acme.example');
    const b = account('robin.twin.admin', 'robin.twin@acme.example');
    request(a, 'Raise the card velocity limit');
    request(b, 'Lower the card velocity limit');

    const byEmail = jest.spyOn(h.app.store.people, 'findByEmail');
    const first = await h.runtime.syncOnce();
    expect(first.processed).toMatchObject({ dead: 0, retried: 0 });
    const people = h.app.store.people;
    const twin = await people.findByIdentity(`servicenow:sys_user:${a}`);
    expect(twin?.identities.sort()).toEqual(
      [`servicenow:sys_user:${a}`, `servicenow:sys_user:${b}`].sort(),
    );
    expect(twin?.email).toBe('robin.twin@acme.example');
    // Every person of the story is new, with an email nobody has: no lookup one by one
    // (before batching, each new identity's email was a query of its own).
    expect(byEmail).not.toHaveBeenCalled();

    // A third account of the same human, later: its email is taken, so it is looked up.
    const c = account('robin.twin.ops', 'robin.twin@acme.example');
    request(c, 'Reset the card velocity limit');
    const second = await h.runtime.syncOnce();
    expect(second.processed).toMatchObject({ dead: 0, retried: 0 });
    expect(byEmail.mock.calls.map(([email]) => email)).toEqual(['robin.twin@acme.example']);
    expect((await people.findByIdentity(`servicenow:sys_user:${c}`))?.id).toBe(twin?.id);
  });

  it('act two: approval shows up in Jira, edits flow per authority, echoes change nothing', async () => {
    await h.runtime.syncOnce();
    const two = actTwo({ servicenow: world.servicenow, jira: world.jira }, facts, new Date());
    const result = await h.runtime.syncOnce();
    expect(result.processed).toMatchObject({ dead: 0 });
    expect(result.dispatched).toMatchObject({ dead: 0 });

    const pgIssue = issue(facts.changes.postgresUpgrade.jiraIssueKey!);
    expect(pgIssue.labels).toContain('change-approved');
    expect(pgIssue.labels).not.toContain('change-requested');
    expect(approvalComments(pgIssue)).toHaveLength(1);
    expect(adfToText((approvalComments(pgIssue)[0] as { body: unknown }).body) ?? '').toContain(
      'was approved in ServiceNow',
    );

    // A Jira-side edit of a mirrored field, alone, reaches ServiceNow.
    const tls = snChanges().find((r) => r.number === two.jiraSummaryEdit.changeNumber)!;
    expect(tls.short_description).toBe(two.jiraSummaryEdit.to);
    // A ServiceNow edit reaches Jira.
    const rollback = issue(facts.changes.checkoutRollback.jiraIssueKey!);
    const snRollback = snChanges().find((r) => r.number === two.servicenowEdit.number)!;
    expect(adfToText(rollback.customFields.customfield_10101)).toBe(snRollback.justification);
    expect(adfToText(rollback.description)).toBe(snRollback.description);

    if (two.jiraOnlyChange.outcome === 'approved') {
      const pay = issue(facts.jiraOnlyIssue.key);
      expect(pay.labels).toContain('change-approved');
      expect(approvalComments(pay)).toHaveLength(1);
    }

    const before = writes();
    for (let i = 0; i < 3; i++) {
      const quiet = await h.runtime.syncOnce();
      expect(quiet.dispatched.claimed).toBe(0);
    }
    expect(writes()).toBe(before);
    // No duplicate comment anywhere.
    for (const i of world.jira.state.issues.values()) {
      const texts = i.comments.map((c) => adfToText(c.body));
      expect(new Set(texts).size).toBe(texts.length);
    }
  });
});
