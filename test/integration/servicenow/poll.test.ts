import { decodeCursor, encodeCursor } from '../../../connectors/servicenow/index.js';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';
import type { PollPage, PollStream } from '../../../src/model/index.js';
import { ManualClock } from '../../../src/runtime/index.js';
import { startHarness, stream, type Harness } from './harness.js';

const clock = new ManualClock('2026-03-02T00:00:00Z');
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ sim: { clock }, connector: { pageSize: 7 } });
  seedServiceNow(h.sim.state, { seed: 9, changes: 40, now: new Date('2026-03-01T12:00:00Z') });
});
afterEach(() => h.stop());

async function drain(
  s: PollStream,
  cursor: string | null,
  startedAt = clock.now(),
): Promise<PollPage[]> {
  const pages: PollPage[] = [];
  for await (const p of s.poll(cursor, { startedAt })) pages.push(p);
  return pages;
}

describe('ServiceNow poll streams', () => {
  it('streams change_request, sysapproval_approver and incident', () => {
    expect(h.connector.streams.map((s) => s.name)).toEqual([
      'change_request',
      'sysapproval_approver',
      'incident',
    ]);
  });

  it('reads every record once, in (sys_updated_on, sys_id) order, with the documented query and parameters', async () => {
    const pages = await drain(stream(h.connector, 'change_request'), null);
    const events = pages.flatMap((p) => p.events);
    expect(events).toHaveLength(40);
    expect(new Set(events.map((e) => e.externalId)).size).toBe(40);
    const keys = events.map(
      (e) => `${(e.payload as Record<string, string>).sys_updated_on}|${e.externalId}`,
    );
    expect(keys).toEqual([...keys].sort());
    expect(events[0]).toMatchObject({
      system: 'servicenow',
      source: 'servicenow:servicenow',
      kind: 'change_request',
      event: 'poll',
      thin: false,
    });
    expect(events[0]!.deliveryKey).toMatch(
      /^change_request:[0-9a-f]{32}@\d{4}-\d\d-\d\d \d\d:\d\d:\d\d#\d+$/,
    );
    // Payload: raw strings only, references as plain sys_ids, only the mapped columns.
    const payload = events[0]!.payload as Record<string, unknown>;
    expect(Object.values(payload).every((v) => typeof v === 'string')).toBe(true);
    expect(payload.requested_by).toMatch(/^[0-9a-f]{32}$/);
    expect(payload).not.toHaveProperty('sys_domain');
    const first = h.sim.requests[0]!;
    expect(first.query).toMatchObject({
      sysparm_query: 'sys_updated_on>=1970-01-01 00:00:00^ORDERBYsys_updated_on^ORDERBYsys_id',
      sysparm_limit: '7',
      sysparm_exclude_reference_link: 'true',
      sysparm_display_value: 'false',
      sysparm_no_count: 'true',
    });
    expect(first.query.sysparm_fields).toContain('implementation_plan');
    expect(h.sim.requests.every((r) => r.query.sysparm_offset === undefined)).toBe(true);
  });

  it('sysapproval_approver reads approvals of changes only', async () => {
    h.sim.state.insert(
      'sysapproval_approver',
      { source_table: 'sc_request', state: 'requested' },
      { silent: true },
    );
    const events = (await drain(stream(h.connector, 'sysapproval_approver'), null)).flatMap(
      (p) => p.events,
    );
    expect(events.length).toBe(
      [...h.sim.state.table('sysapproval_approver').values()].filter(
        (r) => r.source_table === 'change_request',
      ).length,
    );
    expect(h.sim.requests[0]!.query.sysparm_query).toMatch(
      /^source_table=change_request\^sys_updated_on>=/,
    );
  });

  it('resumes after the cursor: nothing new means no events', async () => {
    const s = stream(h.connector, 'incident');
    const pages = await drain(s, null);
    const cursor = pages.at(-1)!.nextCursor;
    const again = await drain(s, cursor);
    expect(again.flatMap((p) => p.events)).toHaveLength(0);
    h.sim.state.update('incident', pages[0]!.events[0]!.externalId!, { state: '2' });
    const changed = (await drain(s, cursor)).flatMap((p) => p.events);
    expect(changed.map((e) => e.externalId)).toEqual([pages[0]!.events[0]!.externalId]);
  });

  it('never stores a cursor past the signpost (the second the run started)', async () => {
    clock.set('2026-03-02T00:00:10Z');
    h.sim.state.update('change_request', [...h.sim.state.table('change_request').keys()][0]!, {
      state: '-1',
    }); // stamped 00:00:10
    const startedAt = new Date('2026-03-02T00:00:05Z');
    const pages = await drain(stream(h.connector, 'change_request'), null, startedAt);
    expect(pages.flatMap((p) => p.events)).toHaveLength(40);
    expect(decodeCursor(pages.at(-1)!.nextCursor, 'change_request')).toEqual({
      ts: '2026-03-02 00:00:05',
      id: '',
    });
  });

  it('starts each pass overlapSeconds before the cursor (the inbox drops the repeats)', async () => {
    const h2 = await startHarness({ sim: { clock }, connector: { overlapSeconds: 120 } });
    try {
      const a = h2.sim.state.insert(
        'incident',
        {},
        { at: new Date('2026-03-01T10:00:00Z'), silent: true },
      );
      const cursor = encodeCursor({ ts: '2026-03-01 10:01:00', id: 'f'.repeat(32) });
      const events = (await drain(stream(h2.connector, 'incident'), cursor)).flatMap(
        (p) => p.events,
      );
      expect(events.map((e) => e.externalId)).toEqual([a.sys_id]);
      expect(h2.sim.requests[0]!.query.sysparm_query).toMatch(
        /^sys_updated_on>=2026-03-01 09:59:00\^/,
      );
    } finally {
      await h2.stop();
    }
  });

  it('a corrupt stored cursor fails loudly instead of re-reading or skipping', async () => {
    await expect(drain(stream(h.connector, 'incident'), 'garbage')).rejects.toThrow(
      /stored cursor of stream incident is invalid/,
    );
  });
});

describe('ServiceNow poll cursor floor', () => {
  it('re-reading the overlap window never moves the stored cursor backwards', async () => {
    const h3 = await startHarness({
      sim: { clock },
      connector: { overlapSeconds: 3600, pageSize: 2 },
    });
    try {
      for (let i = 0; i < 5; i++) {
        h3.sim.state.insert(
          'incident',
          {},
          { at: new Date(Date.UTC(2026, 2, 1, 10, i)), silent: true },
        );
      }
      const stored = encodeCursor({ ts: '2026-03-01 10:04:00', id: 'f'.repeat(32) });
      const pages = await drain(
        stream(h3.connector, 'incident'),
        stored,
        new Date('2026-03-02T00:00:00Z'),
      );
      expect(pages.flatMap((p) => p.events)).toHaveLength(5);
      for (const p of pages) {
        expect(decodeCursor(p.nextCursor, 'incident').ts >= '2026-03-01 10:04:00').toBe(true);
      }
    } finally {
      await h3.stop();
    }
  });
});

describe('ServiceNow poll round trips', () => {
  it('after a full page, sends the drain of its last second and the next query together', async () => {
    const h4 = await startHarness({ sim: { clock }, connector: { pageSize: 3 } });
    try {
      for (let i = 0; i < 7; i++) {
        h4.sim.state.insert(
          'incident',
          {},
          { at: new Date(Date.UTC(2026, 2, 1, 10, i)), silent: true },
        );
      }
      const pages = stream(h4.connector, 'incident').poll(null, { startedAt: clock.now() });
      const it = pages[Symbol.asyncIterator]();
      const first = await it.next();
      expect(first.value?.events).toHaveLength(3);
      expect(h4.sim.requestCount).toBe(1);
      // Every answer from now on takes 2 s. Sent one after the other, the drain's answer
      // would come before the next query left; sent together, both arrive at once.
      h4.sim.injectFault({ rate: 1, method: 'GET', fault: { kind: 'delay', ms: 2000 } });
      const second = it.next();
      const sentBoth = Date.now() + 1000;
      while (h4.sim.requestCount < 3 && Date.now() < sentBoth)
        await new Promise((r) => setTimeout(r, 10));
      expect(h4.sim.requestCount).toBe(3);
      h4.sim.clearFaults();
      expect((await second).value?.events).toHaveLength(3);
      const rest: number[] = [];
      for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value.events.length);
      expect(rest).toEqual([1]);
      const queries = h4.sim.requests.map((r) => r.query.sysparm_query ?? '');
      // The drain (`=` its last second) found nothing; the `>` query sent with it was used.
      expect(
        queries.filter((q) => q.startsWith('sys_updated_on=2026-03-01 10:02:00')),
      ).toHaveLength(1);
      expect(
        queries.filter((q) => q.startsWith('sys_updated_on>2026-03-01 10:02:00')),
      ).toHaveLength(1);
    } finally {
      await h4.stop();
    }
  });
});
