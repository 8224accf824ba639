import { parseEncodedQuery, sortRows } from '../../../connectors/servicenow/simulator-query.js';
import {
  seededRandom,
  FaultInjector,
  RateLimiter,
} from '../../../connectors/servicenow/simulator-faults.js';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';
import { SimState } from '../../../connectors/servicenow/simulator-state.js';
import { ManualClock } from '../../../src/runtime/index.js';

const rows = [
  { number: 'CHG1', state: '-5', risk: '4', short_description: 'Upgrade DB', assigned_to: '' },
  { number: 'CHG2', state: '3', risk: '2', short_description: 'Patch web', assigned_to: 'u1' },
  { number: 'CHG3', state: '-1', risk: '3', short_description: 'db failover', assigned_to: 'u2' },
  { number: 'CHG4', state: '10', risk: '1', short_description: 'Rotate certs', assigned_to: '' },
];
const match = (q: string) =>
  rows.filter(parseEncodedQuery('change_request', q).matches).map((r) => r.number);

describe('simulator encoded-query evaluation', () => {
  it.each([
    ['state=3', ['CHG2']],
    ['state!=3', ['CHG1', 'CHG3', 'CHG4']],
    ['state>-2', ['CHG2', 'CHG3', 'CHG4']], // integers compare as numbers, not text
    ['state>=3^state<=10', ['CHG2', 'CHG4']],
    ['state<0', ['CHG1', 'CHG3']],
    ['stateIN3,10', ['CHG2', 'CHG4']],
    ['stateNOT IN3,10', ['CHG1', 'CHG3']],
    ['short_descriptionLIKEdb', ['CHG1', 'CHG3']],
    ['short_descriptionSTARTSWITHpatch', ['CHG2']],
    ['assigned_toISEMPTY', ['CHG1', 'CHG4']],
    ['assigned_toISNOTEMPTY', ['CHG2', 'CHG3']],
    ['state=3^ORstate=10', ['CHG2', 'CHG4']],
    ['risk=4^NQrisk=1', ['CHG1', 'CHG4']],
    ['state=3^ORrisk=4^assigned_toISEMPTY', ['CHG1']],
  ])('%s', (q, want) => {
    expect(match(q)).toEqual(want);
  });

  it('silently ignores unknown fields and unparseable terms — like an instance, every row can match', () => {
    expect(match('nmber=CHG1')).toEqual(['CHG1', 'CHG2', 'CHG3', 'CHG4']);
    expect(match('state=3^bogus_field=1')).toEqual(['CHG2']);
    expect(match('%%%')).toHaveLength(4);
  });

  it('orders by ORDERBY and ORDERBYDESC, numbers numerically', () => {
    const q = parseEncodedQuery('change_request', 'ORDERBYDESCstate^ORDERBYnumber');
    expect(sortRows([...rows], q.orders).map((r) => r.number)).toEqual([
      'CHG4',
      'CHG2',
      'CHG3',
      'CHG1',
    ]);
  });
});

describe('simulator sys_id lookups (reconciliation reads by sys_id IN)', () => {
  const a = 'a'.repeat(32);
  const b = 'b'.repeat(32);
  const c = 'c'.repeat(32);
  const byId = [
    { sys_id: a, state: '-5' },
    { sys_id: b, state: '3' },
    { sys_id: c, state: '3' },
  ];
  const ids = (q: string) =>
    byId.filter(parseEncodedQuery('change_request', q).matches).map((r) => r.sys_id);

  it('matches sys_idIN lists and exposes them as the candidate keys', () => {
    const q = parseEncodedQuery('change_request', `sys_idIN${a},${c},${'d'.repeat(32)}`);
    expect(ids(`sys_idIN${a},${c}`)).toEqual([a, c]);
    expect(q.sysIds).toEqual(new Set([a, c, 'd'.repeat(32)]));
    expect(ids(`state=3^sys_idIN${a},${c}^ORDERBYsys_id`)).toEqual([c]);
    expect(parseEncodedQuery('change_request', `sys_id=${b}`).sysIds).toEqual(new Set([b]));
  });

  it('offers no candidate keys when an OR or a new query could reach other rows', () => {
    expect(parseEncodedQuery('change_request', `sys_idIN${a}^ORstate=3`).sysIds).toBeUndefined();
    expect(parseEncodedQuery('change_request', `sys_idIN${a}^NQstate=3`).sysIds).toBeUndefined();
    expect(parseEncodedQuery('change_request', `sys_idNOT IN${a}`).sysIds).toBeUndefined();
    expect(ids(`sys_idIN${a}^ORstate=3`)).toEqual([a, b, c]);
  });

  it('SimState.query answers sys_id lookups like a scan would', () => {
    const state = new SimState(new ManualClock());
    seedServiceNow(state, { seed: 3, changes: 20 });
    const rows = [...state.table('change_request').values()];
    const wanted = [rows[4]!.sys_id!, rows[1]!.sys_id!, 'f'.repeat(32)];
    const got = state.query('change_request', `sys_idIN${wanted.join(',')}^ORDERBYsys_id`);
    expect(got.map((r) => r.sys_id)).toEqual([rows[4]!.sys_id, rows[1]!.sys_id].sort());
  });

  it('SimState.query keeps its sorted order in step with inserts, updates and deletes', () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    const state = new SimState(clock);
    seedServiceNow(state, { seed: 5, changes: 30 });
    const q = 'sys_updated_on>=2000-01-01 00:00:00^ORDERBYsys_updated_on^ORDERBYsys_id';
    // What a fresh scan-and-sort answers, the reference the kept order is checked against.
    const scan = () =>
      sortRows(
        [...state.table('change_request').values()].filter(
          parseEncodedQuery('change_request', q).matches,
        ),
        parseEncodedQuery('change_request', q).orders,
      ).map((r) => r.number);
    const numbers = () => state.query('change_request', q).map((r) => r.number);
    expect(numbers()).toEqual(scan());
    const first = state.query('change_request', q)[0]!;
    clock.advance(3_600_000_000);
    state.update('change_request', first.sys_id!, { short_description: 'moved to the end' });
    expect(numbers().at(-1)).toBe(first.number);
    expect(numbers()).toEqual(scan());
    const added = state.insert('change_request', { short_description: 'new' });
    expect(numbers()).toContain(added.number);
    state.delete('change_request', first.sys_id!);
    expect(numbers()).not.toContain(first.number);
    expect(numbers()).toEqual(scan());
    expect(numbers()).toHaveLength(30);
  });
});

describe('simulator index ranges (a poll pages a big table without scanning it)', () => {
  it('exposes plain AND comparisons on text fields, and whether they are every condition', () => {
    const q = parseEncodedQuery(
      'change_request',
      'sys_updated_on>2026-01-01 00:00:00^ORDERBYsys_updated_on^ORDERBYsys_id',
    );
    expect(q.ranges).toEqual([{ field: 'sys_updated_on', op: '>', value: '2026-01-01 00:00:00' }]);
    expect(q.onlyRanges).toBe(true);
    const drain = parseEncodedQuery(
      'change_request',
      'sys_updated_on=2026-01-01 00:00:00^sys_id>abc^bogus=1',
    );
    expect(drain.ranges?.map((r) => r.op)).toEqual(['=', '>']);
    expect(drain.onlyRanges).toBe(true); // the unknown field's term is dropped, as an instance does
    expect(parseEncodedQuery('change_request', 'number=CHG1^state=3').onlyRanges).toBe(false);
    // Integers (numeric compare), OR'd terms and ^NQ queries offer no range.
    expect(parseEncodedQuery('change_request', 'state>3').ranges).toBeUndefined();
    expect(parseEncodedQuery('change_request', 'number=CHG1^ORnumber=CHG2').ranges).toBeUndefined();
    expect(parseEncodedQuery('change_request', 'number=CHG1^NQnumber=CHG2').ranges).toBeUndefined();
  });

  it('SimState.query answers like a full scan for every kind of query', () => {
    const clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    const state = new SimState(clock);
    seedServiceNow(state, { seed: 9, changes: 120 });
    // Rows sharing a second, and empty values, as bulk updates and sparse fields give.
    const ids = [...state.table('change_request').keys()];
    for (const id of ids.slice(0, 40)) state.update('change_request', id, { assigned_to: '' });
    clock.advance(1000);
    for (const id of ids.slice(10, 30)) state.update('change_request', id, { work_notes: 'bulk' });
    const rows = [...state.table('change_request').values()];
    const stamps = [...new Set(rows.map((r) => r.sys_updated_on!))].sort();
    const random = seededRandom(17);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const fields = ['sys_updated_on', 'sys_id', 'number', 'assigned_to', 'state', 'risk'];
    const valueOf = (field: string): string =>
      random() < 0.15 ? '' : (pick(rows)[field] ?? '') + (random() < 0.2 ? '0' : '');
    const term = (): string =>
      `${pick(fields)}${pick(['=', '>', '>=', '<', '<=', '!=', 'ISEMPTY'])}${valueOf(pick(fields))}`;
    const scan = (q: string) => {
      const parsed = parseEncodedQuery('change_request', q);
      return sortRows(
        [...state.table('change_request').values()].filter(parsed.matches),
        parsed.orders,
      ).map((r) => r.sys_id);
    };
    let ranged = 0;
    for (let i = 0; i < 600; i++) {
      const terms = Array.from({ length: 1 + Math.floor(random() * 3) }, term);
      // Polls' own shapes, then random AND / OR / NQ mixes, each with random orders.
      const ts = pick(stamps);
      const shapes = [
        `sys_updated_on>=${ts}^ORDERBYsys_updated_on^ORDERBYsys_id`,
        `sys_updated_on>${ts}^ORDERBYsys_updated_on^ORDERBYsys_id`,
        `sys_updated_on=${ts}^sys_id>${pick(rows).sys_id}^ORDERBYsys_id`,
        terms.join('^'),
        terms.join('^OR'),
        terms.join('^NQ'),
      ];
      const orders = pick([
        '',
        '^ORDERBYsys_updated_on',
        '^ORDERBYDESCsys_updated_on',
        '^ORDERBYnumber^ORDERBYDESCsys_id',
        '^ORDERBYassigned_to',
      ]);
      const q = i % 6 < 3 ? shapes[i % 6]! : `${shapes[i % 6]!}${orders}`;
      if (parseEncodedQuery('change_request', q).ranges) ranged += 1;
      expect({ q, ids: state.query('change_request', q).map((r) => r.sys_id) }).toEqual({
        q,
        ids: scan(q),
      });
    }
    expect(ranged).toBeGreaterThan(300);
  });
});

describe('simulator seeder and faults', () => {
  it('the same seed gives the same records, sys_ids included', () => {
    const a = new SimState(new ManualClock());
    const b = new SimState(new ManualClock());
    const ra = seedServiceNow(a, { seed: 42, changes: 30 });
    const rb = seedServiceNow(b, { seed: 42, changes: 30 });
    expect(ra).toEqual(rb);
    expect([...a.table('change_request').values()]).toEqual([
      ...b.table('change_request').values(),
    ]);
    const c = seedServiceNow(new SimState(new ManualClock()), { seed: 43, changes: 30 });
    expect(c.changes).not.toEqual(ra.changes);
    const types = new Set([...a.table('change_request').values()].map((r) => r.type));
    expect(types).toEqual(new Set(['normal', 'standard', 'emergency']));
    expect(ra.approvals.length).toBeGreaterThan(0);
    // Closed changes always carry what closing requires.
    for (const r of a.table('change_request').values())
      if (r.state === '3') expect(r.close_code && r.close_notes).toBeTruthy();
  });

  it('faults fire on the Nth matching request, or at a seeded rate', () => {
    const f = new FaultInjector(seededRandom(1));
    f.add({ nth: 3, method: 'GET', fault: { kind: 'reset' } });
    const hits = [1, 2, 3, 4].map(() => f.pick('GET', '/api/now/table/x')?.kind);
    expect(hits).toEqual([undefined, undefined, 'reset', undefined]);
    expect(f.pick('POST', '/x')).toBeUndefined();
    const r = new FaultInjector(seededRandom(5));
    r.add({ rate: 0.25, fault: { kind: 'status', status: 503 } });
    const fired = Array.from({ length: 1000 }, () => r.pick('GET', '/')).filter(Boolean).length;
    expect(fired).toBeGreaterThan(180);
    expect(fired).toBeLessThan(320);
  });

  it('rate limiter: limit per window, then 429 headers until the window resets', () => {
    const rl = new RateLimiter({ limit: 2, windowMs: 10_000, rule: 'r' });
    expect(rl.check(0).allowed).toBe(true);
    expect(rl.check(1000).allowed).toBe(true);
    const denied = rl.check(2000);
    expect(denied).toEqual({
      allowed: false,
      headers: {
        'X-RateLimit-Limit': '2',
        'X-RateLimit-Reset': '10',
        'X-RateLimit-Rule': 'r',
        'Retry-After': '8',
      },
    });
    expect(rl.check(10_000).allowed).toBe(true);
  });
});
