import { Command } from 'commander';
import { PassThrough } from 'node:stream';
import { JiraSimulator, SIM_ACCOUNT_ID } from '../../../connectors/jira/simulator.js';
import { seedJira } from '../../../connectors/jira/simulator-seed.js';
import { registerSimJira, startSimJira } from '../../../src/cli/commands/sim-jira.js';
import type { CliIo } from '../../../src/cli/io.js';

/** The simulator is as strict as Jira Cloud: these are the quirks a kind fake would hide. */

const sim = new JiraSimulator({ rateLimit: { requests: 1000, windowMs: 60_000 } });
let base = '';
const auth = () => ({
  authorization: `Basic ${Buffer.from(`${sim.email}:${sim.apiToken}`).toString('base64')}`,
});
const get = async (path: string, headers: Record<string, string> = auth()) => {
  const res = await fetch(`${base}${path}`, { headers });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json().catch(() => null)) as Record<string, unknown>,
  };
};

beforeAll(async () => {
  base = await sim.start();
  sim.state.addProject({ key: 'OPS', name: 'Operations', issueTypes: ['Change'] });
  seedJira(sim.state, { seed: 1, issues: 7, projects: ['OPS'] });
});
afterAll(() => sim.stop());

test('wrong credentials → 401 with Jira’s error envelope', async () => {
  const res = await get('/rest/api/3/myself', {
    authorization: 'Basic ' + Buffer.from('x:y').toString('base64'),
  });
  expect(res.status).toBe(401);
  expect(res.body).toEqual({
    errorMessages: [expect.stringContaining('not authenticated')],
    errors: {},
  });
});

test('search/jql: id-only by default, 400 when unbounded, token paging, removed old search', async () => {
  const q = encodeURIComponent('project = OPS ORDER BY id ASC');
  const first = await get(`/rest/api/3/search/jql?jql=${q}&maxResults=5`);
  expect(first.status).toBe(200);
  expect((first.body.issues as unknown[])[0]).toEqual({ id: '10000' });
  expect(first.body).toMatchObject({ isLast: false, nextPageToken: expect.any(String) });
  expect(first.body).not.toHaveProperty('total');
  const second = await get(
    `/rest/api/3/search/jql?jql=${q}&maxResults=5&nextPageToken=${first.body.nextPageToken as string}`,
  );
  expect(second.body.issues as unknown[]).toHaveLength(2);
  expect(second.body.isLast).toBe(true);
  expect(
    (await get(`/rest/api/3/search/jql?jql=${encodeURIComponent('ORDER BY updated')}`)).body
      .errorMessages,
  ).toEqual([expect.stringContaining('Unbounded JQL queries are not allowed here')]);
  expect(
    (await get(`/rest/api/3/search/jql?jql=${encodeURIComponent('projekt = OPS')}`)).status,
  ).toBe(400);
  expect((await get(`/rest/api/3/search/jql?jql=${q}&nextPageToken=forged`)).status).toBe(400);
  expect((await get(`/rest/api/3/search?jql=${q}`)).status).toBe(410);
});

test('JQL subset: IN, labels, status, OR/parentheses, property paths', async () => {
  const issue = sim.state.find('OPS-2')!;
  sim.state.setProperty(issue, 'changebridge', { status: 'blocked' }, SIM_ACCOUNT_ID);
  const keys = async (jql: string) =>
    (
      (await get(`/rest/api/3/search/jql?fields=summary&jql=${encodeURIComponent(jql)}`)).body
        .issues as { key: string }[]
    ).map((i) => i.key);
  expect(await keys('issue.property[changebridge].status = blocked')).toEqual(['OPS-2']);
  expect(await keys('key IN (OPS-1, "OPS-3") ORDER BY key ASC')).toEqual(['OPS-1', 'OPS-3']);
  expect(await keys('(key = OPS-1 OR key = OPS-4) AND status = "To Do" ORDER BY id DESC')).toEqual([
    'OPS-4',
    'OPS-1',
  ]);
  expect(await keys('project = OPS AND status != "To Do"')).toEqual([]);
});

test('writes are validated like Jira: ADF comments, 32 KB properties, JSON only', async () => {
  const post = (path: string, body: unknown, type = 'application/json') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': type },
      body: JSON.stringify(body),
    });
  expect((await post('/rest/api/3/issue/OPS-1/comment', { body: 'plain text' })).status).toBe(400);
  expect(
    (
      await post(
        '/rest/api/3/issue/OPS-1/comment',
        { body: { type: 'doc', version: 1, content: [] } },
        'text/plain',
      )
    ).status,
  ).toBe(415);
  const big = await fetch(`${base}/rest/api/3/issue/OPS-1/properties/changebridge`, {
    method: 'PUT',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify({ x: 'y'.repeat(33_000) }),
  });
  expect(big.status).toBe(400);
  expect(
    (await post('/rest/api/3/issue/OPS-1/transitions', { transition: { id: '999' } })).status,
  ).toBe(400);
  expect((await get('/rest/api/3/issue/NOPE-1')).body.errorMessages).toEqual([
    'Issue does not exist or you do not have permission to see it.',
  ]);
});

test('rate limit: 429 with Retry-After and X-RateLimit-* headers', async () => {
  const limited = new JiraSimulator({ rateLimit: { requests: 2, windowMs: 60_000 } });
  const url = await limited.start();
  try {
    const h = {
      authorization: `Basic ${Buffer.from(`${limited.email}:${limited.apiToken}`).toString('base64')}`,
    };
    await fetch(`${url}/rest/api/3/myself`, { headers: h });
    await fetch(`${url}/rest/api/3/myself`, { headers: h });
    const res = await fetch(`${url}/rest/api/3/myself`, { headers: h });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  } finally {
    await limited.stop();
  }
});

test('the seeder is deterministic', () => {
  const a = new JiraSimulator({ now: () => 0 });
  const b = new JiraSimulator({ now: () => 0 });
  seedJira(a.state, { seed: 42, issues: 20 });
  seedJira(b.state, { seed: 42, issues: 20 });
  const dump = (s: JiraSimulator) =>
    [...s.state.issues.values()].map((i) => [i.key, i.summary, i.labels, i.customFields]);
  expect(dump(a)).toEqual(dump(b));
});

test('`sim jira` registers under the sim group; startSimJira prints URL and credentials', async () => {
  const program = new Command();
  const group = program.command('sim');
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const io = { stdout, stderr: new PassThrough(), env: {}, cwd: process.cwd() } as unknown as CliIo;
  registerSimJira(group, io, () => undefined);
  expect(group.commands.map((c) => c.name())).toEqual(['jira']);
  const started = await startSimJira(
    { port: 0, seed: 42, issues: 3, projects: ['OPS'], timeZone: 'UTC' },
    io,
  );
  try {
    expect(out).toMatch(/Jira simulator listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain(started.apiToken);
    expect(started.state.issues.size).toBe(3);
  } finally {
    await started.stop();
  }
  await expect(
    startSimJira({ port: 0, seed: 1, issues: 0, projects: ['OPS'], timeZone: 'Mars/Base' }, io),
  ).rejects.toThrow(/not a known IANA time zone/);
});
