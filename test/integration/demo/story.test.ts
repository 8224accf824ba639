import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  startGitHubSimulator,
  type GitHubSimulator,
} from '../../../connectors/github/simulator/index.js';
import { JiraSimulator } from '../../../connectors/jira/simulator.js';
import { DEFAULT_SIM_USER, ServiceNowSimulator } from '../../../connectors/servicenow/simulator.js';
import {
  actTwo,
  describeStory,
  seedStory,
  STORY_JIRA_CHANGE_FIELD,
  type StoryFacts,
  type StorySims,
} from '../../../src/demo/story.js';
import { ManualClock } from '../../../src/runtime/index.js';

/**
 * The demo story, seeded into real simulators and read back over HTTP the way changebridge
 * reads it: Table API with Basic auth, Jira REST v3 with e-mail + API token, GitHub REST
 * with a token. Webhook receivers count what the simulators announced.
 */

const NOW = new Date('2026-03-02T09:30:00Z');
const TOKEN = 'ghp_demo_story_test_token';

interface Running {
  sims: StorySims & { github: GitHubSimulator };
  clock: ManualClock;
  stop(): Promise<void>;
}

async function startSims(hookUrl?: string): Promise<Running> {
  const clock = new ManualClock(NOW);
  const servicenow = await new ServiceNowSimulator({
    clock,
    ...(hookUrl ? { businessRule: { url: `${hookUrl}/servicenow`, secret: 'demo-secret' } } : {}),
  }).start();
  const jira = new JiraSimulator({ now: () => clock.now().getTime() });
  await jira.start();
  if (hookUrl) jira.webhooks.register({ url: `${hookUrl}/jira`, secret: 'demo-secret' });
  const github = await startGitHubSimulator({ clock, tokens: [TOKEN] });
  return {
    sims: { servicenow, jira, github },
    clock,
    stop: async () => {
      await Promise.all([servicenow.stop(), jira.stop(), github.close()]);
    },
  };
}

/** Counts webhook posts per system (first path segment). */
async function startReceiver(): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(req.url ?? '');
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function getJson<T>(url: string, authorization: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization, accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

type SnRow = Record<string, string>;

function serviceNowReader(sim: ServiceNowSimulator) {
  const auth = basic(DEFAULT_SIM_USER.userName, DEFAULT_SIM_USER.password);
  return async (table: string, query: string): Promise<SnRow[]> => {
    const q = new URLSearchParams({ sysparm_query: query, sysparm_exclude_reference_link: 'true' });
    return (await getJson<{ result: SnRow[] }>(`${sim.url}/api/now/table/${table}?${q}`, auth))
      .result;
  };
}

function jiraReader(sim: JiraSimulator) {
  const auth = basic(sim.email, sim.apiToken);
  return (key: string) =>
    getJson<{ key: string; fields: Record<string, unknown> }>(
      `${sim.url}/rest/api/3/issue/${key}`,
      auth,
    );
}

describe('demo story', () => {
  let run: Running;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let facts: StoryFacts;

  beforeAll(async () => {
    receiver = await startReceiver();
    run = await startSims(receiver.url);
    facts = seedStory(run.sims, NOW);
  });
  afterAll(async () => {
    await run.stop();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  test('act one: the four change requests are in ServiceNow as the Table API stores them', async () => {
    const read = serviceNowReader(run.sims.servicenow);
    const [pg] = await read('change_request', 'number=CHG0030001');
    expect(pg).toMatchObject({
      sys_id: facts.changes.postgresUpgrade.sysId,
      short_description: 'Upgrade payments database to PostgreSQL 16',
      type: 'normal',
      state: '-3',
      approval: 'requested',
      start_date: '2026-03-03 22:00:00',
      end_date: '2026-03-03 23:00:00',
      sys_updated_on: '2026-03-01 13:30:00',
    });
    const [approval] = await read('sysapproval_approver', `sysapproval=${pg!.sys_id}`);
    const approver = facts.people.find((p) => p.role === 'approver')!;
    expect(approval).toMatchObject({ state: 'requested', approver: approver.servicenow.sysId });

    const rows = await read('change_request', 'numberSTARTSWITHCHG003000^ORDERBYnumber');
    expect(rows.map((r) => [r.number, r.type, r.state, r.approval, r.close_code])).toEqual([
      ['CHG0030001', 'normal', '-3', 'requested', ''],
      ['CHG0030002', 'standard', '-2', 'approved', ''],
      ['CHG0030003', 'emergency', '-1', 'approved', ''],
      ['CHG0030004', 'normal', '3', 'approved', 'successful'],
    ]);
    expect(rows[3]).toMatchObject({ active: 'false', closed_at: '2026-02-23 22:15:00' });
    const [tlsApproval] = await read('sysapproval_approver', `sysapproval=${rows[1]!.sys_id}`);
    expect(tlsApproval!.state).toBe('approved');

    const users = await read('sys_user', 'emailENDSWITH@acme.example^ORDERBYuser_name');
    expect(users.map((u) => u.email)).toEqual(facts.people.map((p) => p.email).sort());
  });

  test('act one: Jira issues carry the change numbers; the PAY issue has none', async () => {
    const read = jiraReader(run.sims.jira);
    expect(facts.linkedIssues.map((i) => [i.key, i.changeNumber])).toEqual([
      ['OPS-1', 'CHG0030001'],
      ['OPS-2', 'CHG0030002'],
      ['OPS-3', 'CHG0030003'],
    ]);
    const ops1 = await read('OPS-1');
    expect(ops1.fields).toMatchObject({
      summary: 'Upgrade payments database to PostgreSQL 16',
      issuetype: { name: 'Change' },
      [STORY_JIRA_CHANGE_FIELD]: 'CHG0030001',
      customfield_10102: '2026-03-03T22:00:00.000+0000',
    });
    expect((await read('OPS-3')).fields).toMatchObject({
      status: { statusCategory: { key: 'indeterminate' } },
    });
    const pay = await read(facts.jiraOnlyIssue.key);
    expect(facts.jiraOnlyIssue.key).toBe('PAY-1');
    expect(pay.fields).toMatchObject({
      summary: 'Enable 3-D Secure v2 for card payments',
      issuetype: { name: 'Change' },
      [STORY_JIRA_CHANGE_FIELD]: null,
    });
    // Same people, matched by e-mail.
    const dev = facts.people.find((p) => p.role === 'payments')!;
    expect(run.sims.jira.state.users.get(dev.jira.accountId)?.emailAddress).toBe(dev.email);
    expect(pay.fields.reporter).toMatchObject({ accountId: dev.jira.accountId });
  });

  test('act one: GitHub has the merged PR, its production deployment and an unlinked one', async () => {
    const gh = facts.github!;
    const auth = `token ${TOKEN}`;
    const base = `${run.sims.github.url}/repos/${gh.repo}`;
    const pr = await getJson<Record<string, unknown>>(
      `${base}/pulls/${gh.pullRequest.number}`,
      auth,
    );
    expect(pr).toMatchObject({
      title: 'CHG0030001: migrate payments schema for PostgreSQL 16',
      merged: true,
      merge_commit_sha: gh.pullRequest.mergeSha,
    });
    const deployments = await getJson<{ id: number; sha: string; environment: string }[]>(
      `${base}/deployments?environment=production`,
      auth,
    );
    expect(deployments.map((d) => [d.id, d.sha])).toEqual(
      expect.arrayContaining([
        [gh.linkedDeployment.id, gh.pullRequest.mergeSha],
        [gh.unlinkedDeployment.id, gh.unlinkedDeployment.sha],
      ]),
    );
  });

  test('act one announced itself: business-rule posts and Jira webhooks were sent', async () => {
    await run.sims.servicenow.flushOutbound();
    await run.sims.jira.webhooks.idle();
    expect(receiver.seen.filter((u) => u === '/servicenow').length).toBeGreaterThanOrEqual(12);
    expect(receiver.seen.filter((u) => u === '/jira').length).toBeGreaterThanOrEqual(4);
  });

  test('describeStory names every record', () => {
    const text = describeStory(facts).join('\n');
    for (const s of ['CHG0030001', 'CHG0030004', 'OPS-2', 'PAY-1', 'acme/payments#1'])
      expect(text).toContain(s);
  });

  test('act two: approval, edits on both sides, stamps move, listeners fire', async () => {
    const sn = serviceNowReader(run.sims.servicenow);
    const jira = jiraReader(run.sims.jira);
    const [rbBefore] = await sn('change_request', 'number=CHG0030003');
    const ops2Before = await jira('OPS-2');
    receiver.seen.length = 0;

    run.clock.advance(3_600_000);
    const later = run.clock.now();
    const two = actTwo(run.sims, facts, later);
    await run.sims.servicenow.flushOutbound();
    await run.sims.jira.webhooks.idle();

    const [pg] = await sn('change_request', 'number=CHG0030001');
    expect(pg).toMatchObject({
      approval: 'approved',
      state: '-2',
      sys_updated_on: '2026-03-02 10:30:00',
    });
    const [approval] = await sn('sysapproval_approver', `sysapproval=${pg!.sys_id}`);
    expect(approval).toMatchObject({
      sys_id: two.approved.approvalSysId,
      state: 'approved',
      sys_updated_by: 'marcus.lindqvist',
    });

    const [rb] = await sn('change_request', 'number=CHG0030003');
    expect(rb!.description).toContain('malformed 3DS method URL');
    expect(rbBefore!.sys_updated_on).toBe('2026-03-02 08:30:00');
    expect(rb!.sys_updated_on).toBe('2026-03-02 10:30:00');
    expect(rb!.sys_mod_count).toBe(String(Number(rbBefore!.sys_mod_count) + 1));
    expect(rb!.sys_updated_by).toBe('dana.whitfield');

    const ops2 = await jira('OPS-2');
    expect(ops2.fields.summary).toBe(two.jiraSummaryEdit.to);
    expect(String(ops2.fields.updated) > String(ops2Before.fields.updated)).toBe(true);
    expect(two.jiraSummaryEdit).toMatchObject({
      issueKey: 'OPS-2',
      from: 'Rotate TLS certificates on the edge load balancers',
    });

    expect(two.jiraOnlyChange).toEqual({
      outcome: 'absent',
      reason: expect.stringContaining('PAY-1'),
    });
    expect(receiver.seen.filter((u) => u === '/servicenow').length).toBe(3);
    expect(receiver.seen.filter((u) => u === '/jira').length).toBe(1);
  });

  test('act two approves the change changebridge created for the Jira-only issue', () => {
    // What the daemon does for PAY-1: a change request correlated to the issue.
    const created = run.sims.servicenow.state.insert(
      'change_request',
      {
        short_description: 'Enable 3-D Secure v2 for card payments',
        state: '-4',
        correlation_id: `jira:issue:jira:${facts.jiraOnlyIssue.id}`,
        correlation_display: facts.jiraOnlyIssue.key,
      },
      { user: DEFAULT_SIM_USER.userName },
    );
    const pgSysId = facts.changes.postgresUpgrade.sysId;
    const pgBefore = { ...run.sims.servicenow.state.get('change_request', pgSysId)! };
    run.clock.advance(60_000);
    const two = actTwo(run.sims, facts, run.clock.now());
    // CHG0030001 was approved the first time: running act two again leaves it alone.
    expect(run.sims.servicenow.state.get('change_request', pgSysId)).toEqual(pgBefore);
    expect(two.jiraOnlyChange).toMatchObject({
      outcome: 'approved',
      number: 'CHG0030005',
      sysId: created.sys_id,
    });
    const row = run.sims.servicenow.state.get('change_request', created.sys_id!)!;
    expect(row).toMatchObject({ approval: 'approved', state: '-2' });
  });
});

test('seedStory is deterministic on fresh simulators', async () => {
  const first = await startSims();
  const second = await startSims();
  try {
    const a = seedStory(first.sims, NOW);
    const b = seedStory(second.sims, NOW);
    expect(b).toEqual(a);
    expect(a.changes.tlsRotation).toMatchObject({ number: 'CHG0030002', jiraIssueKey: 'OPS-2' });
    expect(() => seedStory(first.sims, NOW)).toThrow(/already seeded/);
  } finally {
    await Promise.all([first.stop(), second.stop()]);
  }
});

test('the story works without GitHub', async () => {
  const run = await startSims();
  try {
    const facts = seedStory({ servicenow: run.sims.servicenow, jira: run.sims.jira }, NOW);
    expect(facts.github).toBeNull();
    expect(describeStory(facts).join('\n')).not.toContain('GitHub');
  } finally {
    await run.stop();
  }
});
