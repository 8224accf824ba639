import type { WriteCommand } from '../../../src/model/index.js';
import { HttpError } from '../../../src/runtime/index.js';
import { SIM_ACCOUNT_ID } from '../../../connectors/jira/simulator.js';
import { adfToText } from '../../../connectors/jira/adf.js';
import { startJira } from './harness.js';

/**
 * Write-backs against the simulator over HTTP. The same desired state applied twice
 * makes zero writes the second time; a comment retried after a lost answer is not
 * posted again; vendor errors arrive with Jira's own words.
 */

let ctx: Awaited<ReturnType<typeof startJira>>;
const writes = () => ctx.sim.countRequests((r) => r.method !== 'GET');

beforeAll(async () => {
  ctx = await startJira();
  ctx.sim.state.createIssue(
    { project: 'OPS', issueType: 'Change', summary: 'Rotate certificates', labels: ['security'] },
    SIM_ACCOUNT_ID,
  );
});
afterAll(async () => ctx.sim.stop());

const desiredState: WriteCommand[] = [
  {
    operation: 'jira.comment',
    target: 'OPS-1',
    payload: { text: '**Blocked**: approval missing\n\n- freeze-window\n- approval-required' },
    idempotencyKey: 'c-1',
  },
  {
    operation: 'jira.property',
    target: 'OPS-1',
    payload: { value: { status: 'blocked', findings: 2 } },
    idempotencyKey: 'p-1',
  },
  {
    operation: 'jira.labels',
    target: 'OPS-1',
    payload: { add: ['cb-blocked'], remove: ['security'] },
    idempotencyKey: 'l-1',
  },
  {
    operation: 'jira.transition',
    target: 'OPS-1',
    payload: { status: 'Blocked' },
    idempotencyKey: 't-1',
  },
  {
    operation: 'jira.remote_link',
    target: 'OPS-1',
    payload: {
      globalId: 'servicenow:change_request:sn:abc',
      url: 'https://sn.example.com/change_request.do?sys_id=abc',
      title: 'CHG0030001',
    },
    idempotencyKey: 'r-1',
  },
  {
    operation: 'jira.edit',
    target: 'OPS-1',
    payload: { fields: { customfield_10050: 'CHG0030001' } },
    idempotencyKey: 'e-1',
  },
];

test('applying the same desired state twice writes nothing the second time', async () => {
  const before = writes();
  for (const c of desiredState) expect((await ctx.jira.execute(c)).outcome).toBe('done');
  expect(writes() - before).toBe(desiredState.length);

  const issue = ctx.sim.state.find('OPS-1')!;
  expect(issue.labels).toEqual(['cb-blocked']);
  expect(ctx.sim.state.statusOf(issue).name).toBe('Blocked');
  expect(issue.properties.get('changebridge')).toEqual({ status: 'blocked', findings: 2 });
  expect(issue.remoteLinks).toHaveLength(1);
  expect(issue.customFields.customfield_10050).toBe('CHG0030001');
  expect(adfToText(issue.comments[0]!.body)).toContain('Blocked: approval missing');

  const again = writes();
  for (const c of desiredState) expect((await ctx.jira.execute(c)).outcome).toBe('skipped');
  expect(writes()).toBe(again);
});

test('a comment retried after its answer was lost is not posted twice', async () => {
  // The comment is stored, but the answer never arrives (the connection drops after the write).
  const cmd: WriteCommand = {
    operation: 'jira.comment',
    target: 'OPS-1',
    payload: { text: 'retry me' },
    idempotencyKey: 'c-retry',
  };
  ctx.sim.state.addComment(
    ctx.sim.state.find('OPS-1')!,
    { type: 'doc', version: 1, content: [] },
    SIM_ACCOUNT_ID,
    {
      changebridge: { idempotencyKey: 'c-retry' },
    },
  );
  const count = ctx.sim.state.find('OPS-1')!.comments.length;
  expect(await ctx.jira.execute(cmd)).toMatchObject({ outcome: 'skipped' });
  expect(await ctx.jira.execute(cmd)).toMatchObject({ outcome: 'skipped' });
  expect(ctx.sim.state.find('OPS-1')!.comments).toHaveLength(count);
});

test('a transition to a status the workflow lacks names the available ones', async () => {
  await expect(
    ctx.jira.execute({
      operation: 'jira.transition',
      target: 'OPS-1',
      payload: { status: 'Approved' },
      idempotencyKey: 't-x',
    }),
  ).rejects.toMatchObject({
    message: expect.stringContaining('no transition from "Blocked" to status "Approved" on OPS-1'),
    hint: expect.stringContaining('"Done"'),
  });
});

test('create issue is idempotent by its command key', async () => {
  const cmd: WriteCommand = {
    operation: 'jira.create_issue',
    target: 'OPS',
    payload: {
      project: 'OPS',
      issueType: 'Change',
      summary: 'From ServiceNow',
      description: 'Created by **changebridge**',
    },
    idempotencyKey: 'create-1',
  };
  const first = await ctx.jira.execute(cmd);
  expect(first).toMatchObject({ outcome: 'done', result: { key: 'OPS-2' } });
  expect(await ctx.jira.execute(cmd)).toMatchObject({ outcome: 'skipped' });
  expect(
    [...ctx.sim.state.issues.values()].filter((i) => i.summary === 'From ServiceNow'),
  ).toHaveLength(1);
});

test('an oversized property is refused before any request', async () => {
  const before = ctx.sim.requests.length;
  await expect(
    ctx.jira.execute({
      operation: 'jira.property',
      target: 'OPS-1',
      payload: { value: { x: 'y'.repeat(40_000) } },
      idempotencyKey: 'big',
    }),
  ).rejects.toThrow(/Jira allows 32768/);
  expect(ctx.sim.requests.length).toBe(before);
});

test("Jira's errorMessages reach the error, with no credentials in it", async () => {
  const err = await ctx.jira
    .execute({
      operation: 'jira.labels',
      target: 'NOPE-9',
      payload: { add: ['x'] },
      idempotencyKey: 'n',
    })
    .catch((e: unknown) => e);
  // getIssue maps 404 to "not found"; a 400 shows Jira's own message:
  expect(String((err as Error).message)).toMatch(/NOPE-9 does not exist/);
  const bad = await ctx.jira
    .execute({
      operation: 'jira.edit',
      target: 'OPS-1',
      payload: { fields: { bogus: 1 } },
      idempotencyKey: 'b',
    })
    .catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(HttpError);
  expect((bad as HttpError).status).toBe(400);
  expect((bad as HttpError).message).toContain("Field 'bogus' cannot be set");
  expect(JSON.stringify(bad)).not.toContain(ctx.sim.apiToken);
  expect((bad as HttpError).message).not.toContain(ctx.sim.apiToken);
});

test('429 with Retry-After and 503 are retried through the shared queue', async () => {
  ctx.sim.injectFault({
    method: 'GET',
    path: '/transitions',
    status: 429,
    times: 1,
    retryAfterSeconds: 0,
  });
  ctx.sim.injectFault({ method: 'GET', path: '/rest/api/3/issue/OPS-2', status: 503, times: 1 });
  const res = await ctx.jira.execute({
    operation: 'jira.transition',
    target: 'OPS-2',
    payload: { status: 'in progress' },
    idempotencyKey: 't-2',
  });
  expect(res.outcome).toBe('done');
  expect(ctx.sim.countRequests((r) => r.status === 429 || r.status === 503)).toBe(2);
  expect(ctx.sim.state.statusOf(ctx.sim.state.find('OPS-2')!).name).toBe('In Progress');
});

test('OAuth bearer tokens work; a wrong token surfaces 401', async () => {
  const { url } = ctx;
  const { createJiraConnector } = await import('../../../connectors/jira/index.js');
  const { createNullLogger } = await import('../../../src/runtime/index.js');
  const ok = createJiraConnector(
    {
      connection: 'jira',
      baseUrl: url,
      auth: { type: 'oauth', accessToken: ctx.sim.bearerToken },
      projects: ['OPS'],
    },
    { http: ctx.factory, logger: createNullLogger() },
  );
  expect(await ok.reread({ externalId: 'OPS-1' } as never)).toMatchObject({
    externalId: 'OPS-1',
    thin: false,
  });
  const bad = createJiraConnector(
    {
      connection: 'jira',
      baseUrl: url,
      auth: { type: 'oauth', accessToken: 'wrong' },
      projects: ['OPS'],
    },
    { http: ctx.factory, logger: createNullLogger() },
  );
  await expect(bad.reread({ externalId: 'OPS-1' } as never)).rejects.toMatchObject({ status: 401 });
});
