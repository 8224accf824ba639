import { resolve } from 'node:path';
import type { GitHubSimulator } from '../../../connectors/github/simulator/index.js';
import { loadMappings } from '../../../src/mapping/load-files.js';
import type { SourceEvent } from '../../../src/model/index.js';
import { ManualClock } from '../../../src/runtime/index.js';
import { connectorFor, startSim } from './support.js';

/**
 * Reconciliation's fresh read against the GitHub simulator over loopback HTTP: pull
 * requests and deployments by external id, shaped like polled events (the same mapping
 * gives the same patch), found by listing 100 a page, the rest fetched one by one (404:
 * absent), plus the reviews / latest status the poll adds.
 */

const REPO = 'acme/payments';
const mappings = loadMappings(resolve('mappings'));
const mapped = (kind: string, e: SourceEvent) =>
  mappings.get('github', kind, null)!.map(e.payload).patch;

const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
let sim: GitHubSimulator;
let deploymentIds: number[];

beforeAll(async () => {
  sim = await startSim({ clock });
  sim.state.createRepo(REPO);
  for (let i = 1; i <= 250; i++) {
    sim.state.openPullRequest(REPO, {
      title: `CHG${String(30000 + i).padStart(7, '0')} change ${i}`,
      head: `f/${i}`,
      author: 'alice',
    });
    if (i % 10 === 0) sim.state.submitReview(REPO, i, { reviewer: 'bob', state: 'APPROVED' });
    clock.advance(1000);
  }
  sim.state.mergePullRequest(REPO, 20, 'bob');
  deploymentIds = [];
  for (let i = 0; i < 120; i++) {
    const d = sim.state.createDeployment(REPO, {
      ref: 'main',
      environment: i % 2 ? 'production' : 'staging',
      creator: 'deployer',
      description: `CHG${String(30000 + i).padStart(7, '0')}`,
    });
    if (i % 3) sim.state.addDeploymentStatus(REPO, d.id, { state: 'success', creator: 'deployer' });
    deploymentIds.push(d.id);
    clock.advance(1000);
  }
  clock.advance(60_000);
});
afterAll(() => sim.close());

const connector = () => connectorFor(sim, { repositories: [REPO] }, clock);

async function polled(kind: string): Promise<Map<string, SourceEvent>> {
  const out = new Map<string, SourceEvent>();
  const s = connector().streams.find((x) => x.name === kind)!;
  for await (const page of s.poll(null, { startedAt: clock.now() }))
    for (const e of page.events) out.set(e.externalId!, e);
  return out;
}

function calls(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of sim.log) {
    const shape = r.path
      .replace(/\/pulls\/\d+\/reviews$/, '/pulls/{n}/reviews')
      .replace(/\/pulls\/\d+$/, '/pulls/{n}')
      .replace(/\/deployments\/\d+\/statuses$/, '/deployments/{id}/statuses')
      .replace(/\/deployments\/\d+$/, '/deployments/{id}');
    const key = `${r.method} ${shape} ${r.status}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function expectSameAsPolled(
  kind: string,
  got: Map<string, SourceEvent>,
  poll: Map<string, SourceEvent>,
) {
  for (const [id, fresh] of got) {
    const before = poll.get(id)!;
    expect(fresh).toMatchObject({
      system: 'github',
      kind,
      event: 'reconcile',
      externalId: id,
      deliveryKey: before.deliveryKey,
    });
    const { github: a, ...freshRest } = fresh.payload as Record<string, unknown>;
    const { github: b, ...polledRest } = before.payload as Record<string, unknown>;
    expect(a).toMatchObject({ event: 'reconcile' });
    expect(b).toMatchObject({ event: 'poll' });
    expect(freshRest).toEqual(polledRest);
    expect(mapped(kind, fresh)).toEqual(mapped(kind, before));
  }
}

describe('GitHub readMany', () => {
  it('serves pull_request and deployment', () => {
    expect(connector().readableKinds).toEqual(['pull_request', 'deployment']);
  });

  it('reads 250 pull requests with 3 list pages + one reviews call each, shaped like polled ones', async () => {
    const poll = await polled('pull_request');
    expect(poll.size).toBe(250);
    sim.log.length = 0;
    const got = await connector().readMany!('pull_request', [...poll.keys()]);
    expect(got.size).toBe(250);
    expect(calls()).toEqual({
      'GET /repos/acme/payments/pulls 200': 3,
      'GET /repos/acme/payments/pulls/{n}/reviews 200': 250,
    });
    expectSameAsPolled('pull_request', got, poll);
    const merged = got.get(`${REPO}#20`)!.payload as {
      record: { merged: boolean; reviews: unknown[] };
    };
    expect(merged.record.merged).toBe(true);
    expect(merged.record.reviews).toHaveLength(1);
  });

  it('fetches old ones directly once listing would cost more, and leaves unknown numbers out (404)', async () => {
    sim.log.length = 0;
    const got = await connector().readMany!('pull_request', [
      `${REPO}#3`,
      `${REPO}#4000`,
      'acme/unknown#1',
      'not-an-id',
    ]);
    expect([...got.keys()]).toEqual([`${REPO}#3`]);
    expect(calls()).toEqual({
      // acme/payments: page 1 (#250–#151) has neither; two direct reads are cheaper than
      // paging on. acme/unknown: its first page is a 404, so nothing of it exists.
      'GET /repos/acme/payments/pulls 200': 2,
      'GET /repos/acme/payments/pulls/{n} 200': 1,
      'GET /repos/acme/payments/pulls/{n} 404': 1,
      'GET /repos/acme/payments/pulls/{n}/reviews 200': 1,
      'GET /repos/acme/unknown/pulls 404': 1,
    });
  });

  it('reads deployments with their latest status; a deleted one is absent', async () => {
    const poll = await polled('deployment');
    expect(poll.size).toBe(120);
    const gone = deploymentIds[7]!;
    sim.state.deleteDeployment(REPO, gone);
    sim.log.length = 0;
    const ids = [...poll.keys()];
    const got = await connector().readMany!('deployment', ids);
    expect(got.size).toBe(119);
    expect(got.has(`${REPO}/deployments/${gone}`)).toBe(false);
    expect(calls()).toEqual({
      'GET /repos/acme/payments/deployments 200': 2,
      'GET /repos/acme/payments/deployments/{id} 404': 1,
      'GET /repos/acme/payments/deployments/{id}/statuses 200': 119,
    });
    poll.delete(`${REPO}/deployments/${gone}`);
    expectSameAsPolled('deployment', got, poll);
  });

  it('waits out a 429 with Retry-After', async () => {
    sim.faults.add({
      kind: 'status',
      status: 429,
      method: 'GET',
      path: '/pulls',
      headers: { 'retry-after': '1' },
      body: { message: 'API rate limit exceeded' },
    });
    sim.log.length = 0;
    const t0 = Date.now();
    // The system clock here: the retry layer really waits the second out.
    const real = connectorFor(sim, { repositories: [REPO] });
    const got = await real.readMany!('pull_request', [`${REPO}#250`, `${REPO}#249`]);
    expect(got.size).toBe(2);
    expect(sim.log[0]).toMatchObject({ path: '/repos/acme/payments/pulls', status: 429 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('refuses other kinds and stops when aborted', async () => {
    await expect(connector().readMany!('push', [`${REPO}#1`])).rejects.toThrow(/not a record kind/);
    const abort = new AbortController();
    abort.abort();
    await expect(
      connector().readMany!('pull_request', [`${REPO}#1`], abort.signal),
    ).rejects.toThrow();
  });
});
