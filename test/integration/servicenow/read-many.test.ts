import { resolve } from 'node:path';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';
import { loadMappings } from '../../../src/mapping/load-files.js';
import type { SourceEvent } from '../../../src/model/index.js';
import { ManualClock } from '../../../src/runtime/index.js';
import { startHarness, stream, type Harness } from './harness.js';

/**
 * Reconciliation's batched fresh read against the simulator over loopback HTTP: the events
 * carry the payload a poll would (the same mapping gives the same canonical patch), missing
 * ids are absent, and 100 sys_ids go in one Table API request.
 */

const mappings = loadMappings(resolve('mappings'));
const clock = new ManualClock('2026-03-02T00:00:00Z');
let h: Harness;
afterEach(() => h.stop());

async function polled(kind: string): Promise<Map<string, SourceEvent>> {
  const out = new Map<string, SourceEvent>();
  for await (const page of stream(h.connector, kind).poll(null, { startedAt: clock.now() }))
    for (const e of page.events) out.set(e.externalId!, e);
  return out;
}

const readRequests = (table: string) =>
  h.sim.requests.filter(
    (r) =>
      r.method === 'GET' &&
      r.path === `/api/now/table/${table}` &&
      r.query.sysparm_query?.includes('sys_idIN'),
  );

const mapped = (kind: string, e: SourceEvent) =>
  mappings.get('servicenow', kind, null)!.map(e.payload).patch;

describe('ServiceNow readMany', () => {
  it('reads changes, approvals and incidents shaped like polled events; deleted and unknown ids are absent', async () => {
    h = await startHarness({ sim: { clock } });
    seedServiceNow(h.sim.state, { seed: 5, changes: 30, now: new Date('2026-03-01T12:00:00Z') });
    expect(h.connector.readableKinds).toEqual([
      'change_request',
      'sysapproval_approver',
      'incident',
    ]);
    for (const kind of h.connector.readableKinds!) {
      const poll = await polled(kind);
      const ids = [...poll.keys()].slice(0, 6);
      expect(ids.length).toBeGreaterThan(2);
      h.sim.state.delete(kind as 'change_request', ids[0]!);
      h.sim.requests.length = 0;
      const got = await h.connector.readMany!(kind, [...ids, 'f'.repeat(32), 'not-a-sys-id']);
      expect([...got.keys()].sort()).toEqual(ids.slice(1).sort());
      for (const id of ids.slice(1)) {
        const fresh = got.get(id)!;
        const before = poll.get(id)!;
        expect(fresh).toMatchObject({
          system: 'servicenow',
          kind,
          event: 'reconcile',
          externalId: id,
          deliveryKey: before.deliveryKey,
          thin: false,
        });
        expect(fresh.payload).toEqual(before.payload);
        expect(mapped(kind, fresh)).toEqual(mapped(kind, before));
      }
      expect(readRequests(kind)).toHaveLength(1);
      const q = readRequests(kind)[0]!.query;
      expect(q).toMatchObject({
        sysparm_display_value: 'false',
        sysparm_exclude_reference_link: 'true',
        sysparm_limit: '7',
      });
      expect(q.sysparm_query).toMatch(
        /^(source_table=change_request\^)?sys_idIN[0-9a-f,]+\^ORDERBYsys_id$/,
      );
    }
  });

  it('sees what changed since the poll', async () => {
    h = await startHarness({ sim: { clock } });
    seedServiceNow(h.sim.state, { seed: 6, changes: 5 });
    const [id] = [...(await polled('change_request')).keys()];
    h.sim.state.update('change_request', id!, { short_description: 'Edited after the poll' });
    const got = await h.connector.readMany!('change_request', [id!]);
    expect(mapped('change_request', got.get(id!)!)).toMatchObject({
      title: 'Edited after the poll',
    });
  });

  it('batches 100 sys_ids per request: 250 ids → 3 requests', async () => {
    h = await startHarness({ sim: { clock } });
    seedServiceNow(h.sim.state, { seed: 7, changes: 260, users: 10, incidents: 0 });
    const ids = [...h.sim.state.table('change_request').keys()].slice(0, 250);
    h.sim.requests.length = 0;
    const got = await h.connector.readMany!('change_request', [...ids, ...ids.slice(0, 10)]);
    expect(got.size).toBe(250);
    expect(h.sim.requests).toHaveLength(3);
    expect(h.sim.requests.map((r) => r.query.sysparm_limit)).toEqual(['100', '100', '50']);
    for (const r of h.sim.requests) {
      expect(r.path).toBe('/api/now/table/change_request');
      // The encoded URL stays far below 8 KB.
      expect(new URLSearchParams(r.query).toString().length).toBeLessThan(8 * 1024);
    }
  });

  it('reads the rest when the instance caps sysparm_limit below the batch (Link rel="next")', async () => {
    h = await startHarness({ sim: { clock, maxLimit: 40 } });
    seedServiceNow(h.sim.state, { seed: 8, changes: 120, users: 10, incidents: 0 });
    const ids = [...h.sim.state.table('change_request').keys()].slice(0, 100);
    h.sim.requests.length = 0;
    const got = await h.connector.readMany!('change_request', ids);
    expect(got.size).toBe(100);
    // Each follow-up asks only for the ids not yet returned (no offset, shorter URLs).
    expect(h.sim.requests.map((r) => r.query.sysparm_limit)).toEqual(['100', '60', '20']);
    expect(h.sim.requests.every((r) => r.query.sysparm_offset === undefined)).toBe(true);
  });

  it('waits out a 429 with Retry-After and still returns everything', async () => {
    h = await startHarness({ sim: { clock } });
    seedServiceNow(h.sim.state, { seed: 9, changes: 12, users: 8, incidents: 0 });
    const ids = [...h.sim.state.table('change_request').keys()];
    h.sim.injectFault({
      nth: 1,
      path: '/api/now/table/change_request',
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' } },
    });
    h.sim.requests.length = 0;
    const t0 = Date.now();
    const got = await h.connector.readMany!('change_request', ids);
    expect(got.size).toBe(12);
    expect(h.sim.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('refuses kinds it does not read, and stops when aborted', async () => {
    h = await startHarness({ sim: { clock } });
    await expect(h.connector.readMany!('sys_user', ['a'.repeat(32)])).rejects.toThrow(
      /not a table this connector reads/,
    );
    const abort = new AbortController();
    abort.abort();
    await expect(
      h.connector.readMany!('change_request', ['a'.repeat(32)], abort.signal),
    ).rejects.toThrow();
    expect(await h.connector.readMany!('incident', [])).toEqual(new Map());
  });
});
