import { resolve } from 'node:path';
import { loadMappings } from '../../../src/mapping/load-files.js';
import type { SourceEvent } from '../../../src/model/index.js';
import { startWorld, type GitLabWorld } from './support.js';

/**
 * Reconciliation's fresh read against the GitLab simulator over loopback HTTP: merge
 * requests by `iids[]` (100 per request), deployments by listing newest first with direct
 * reads for the rest, events shaped like polled ones (the same mapping gives the same
 * patch), deleted and unknown ids absent.
 */

const P = 'acme/payments';
const mappings = loadMappings(resolve('mappings'));
const mapped = (kind: string, e: SourceEvent) =>
  mappings.get('gitlab', kind, null)!.map(e.payload).patch;

let world: GitLabWorld;
let deploymentIds: number[];

beforeAll(async () => {
  world = await startWorld({ mergeRequests: 250 });
  deploymentIds = world.sim.state.deployments.map((d) => d.id);
  const project = world.sim.state.project(P);
  for (let i = 0; i < 148; i++) {
    const d = world.sim.state.deploy(project.id, {
      environment: i % 2 ? 'production' : 'staging',
      ref: project.defaultBranch,
      userId: world.seed.developer.id,
    });
    deploymentIds.push(d.id);
  }
});
afterAll(() => world.sim.close());

async function polled(kind: string): Promise<Map<string, SourceEvent>> {
  const out = new Map<string, SourceEvent>();
  const s = world.connector.streams.find((x) => x.name === kind)!;
  for await (const page of s.poll(null, { startedAt: new Date() }))
    for (const e of page.events) out.set(e.externalId!, e);
  return out;
}

function calls(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of world.sim.requests) {
    const key = r.replace(/\/deployments\/\d+$/, '/deployments/{id}');
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
      system: 'gitlab',
      kind,
      event: 'reconcile',
      externalId: id,
      deliveryKey: before.deliveryKey,
    });
    expect(fresh.payload).toEqual(before.payload);
    expect(mapped(kind, fresh)).toEqual(mapped(kind, before));
  }
}

describe('GitLab readMany', () => {
  it('serves merge_request and deployment', () => {
    expect(world.connector.readableKinds).toEqual(['merge_request', 'deployment']);
  });

  it('reads 250 merge requests in 3 requests (iids[], 100 each), shaped like polled ones', async () => {
    const poll = await polled('merge_request');
    expect(poll.size).toBe(250);
    world.sim.requests.length = 0;
    const got = await world.connector.readMany!('merge_request', [...poll.keys()]);
    expect(got.size).toBe(250);
    expect(calls()).toEqual({ 'GET /projects/acme%2Fpayments/merge_requests': 3 });
    expectSameAsPolled('merge_request', got, poll);
  });

  it('leaves deleted, unknown and malformed merge requests out', async () => {
    const mrs = world.sim.state.mergeRequests;
    const gone = mrs.findIndex((m) => m.iid === 7);
    mrs.splice(gone, 1);
    world.sim.requests.length = 0;
    const got = await world.connector.readMany!('merge_request', [
      `${P}!6`,
      `${P}!7`,
      `${P}!9999`,
      'acme/unknown!1',
      'no-iid',
    ]);
    expect([...got.keys()]).toEqual([`${P}!6`]);
    expect(calls()).toEqual({
      'GET /projects/acme%2Fpayments/merge_requests': 1,
      'GET /projects/acme%2Funknown/merge_requests': 1,
    });
  });

  it('reads deployments by listing newest first; old and deleted ones are read directly', async () => {
    const poll = await polled('deployment');
    expect(poll.size).toBe(150);
    const gone = deploymentIds[100]!;
    const list = world.sim.state.deployments;
    list.splice(
      list.findIndex((d) => d.id === gone),
      1,
    );
    world.sim.requests.length = 0;
    const ids = [...poll.keys()];
    const got = await world.connector.readMany!('deployment', ids);
    expect(got.size).toBe(149);
    expect(got.has(`${P}/deployments/${gone}`)).toBe(false);
    expect(calls()).toEqual({
      'GET /projects/acme%2Fpayments/deployments': 2,
      'GET /projects/acme%2Fpayments/deployments/{id}': 1,
    });
    poll.delete(`${P}/deployments/${gone}`);
    expectSameAsPolled('deployment', got, poll);

    // The oldest alone: after one page without it, a direct read is cheaper than paging on.
    world.sim.requests.length = 0;
    const old = await world.connector.readMany!('deployment', [
      `${P}/deployments/${deploymentIds[0]}`,
    ]);
    expect(old.size).toBe(1);
    expect(calls()).toEqual({
      'GET /projects/acme%2Fpayments/deployments': 1,
      'GET /projects/acme%2Fpayments/deployments/{id}': 1,
    });
  });

  it('waits out a 429 with Retry-After', async () => {
    world.sim.faults.inject({
      method: 'GET',
      pathPrefix: '/projects/acme%2Fpayments/merge_requests',
      times: 1,
      status: 429,
      body: 'Retry later',
      headers: { 'Retry-After': '1' },
    });
    world.sim.requests.length = 0;
    const t0 = Date.now();
    const got = await world.connector.readMany!('merge_request', [`${P}!1`, `${P}!2`]);
    expect(got.size).toBe(2);
    expect(calls()).toEqual({ 'GET /projects/acme%2Fpayments/merge_requests': 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('refuses other kinds and stops when aborted', async () => {
    await expect(world.connector.readMany!('pipeline', [`${P}!1`])).rejects.toThrow(
      /not a record kind/,
    );
    const abort = new AbortController();
    abort.abort();
    await expect(
      world.connector.readMany!('merge_request', [`${P}!1`], abort.signal),
    ).rejects.toThrow();
  });
});
