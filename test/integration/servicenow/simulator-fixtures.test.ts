import { readFileSync } from 'node:fs';
import { DEFAULT_SIM_USER, ServiceNowSimulator } from '../../../connectors/servicenow/simulator.js';

/**
 * The simulator is only useful if it answers like a real instance. These tests hold it to
 * ServiceNow's own published examples in ../shared/fixtures/servicenow: the same columns,
 * every value a string, references as {link, value}, the same error envelope.
 */
const FIXTURES = new URL('../../../../shared/fixtures/servicenow/', import.meta.url);
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
type Obj = Record<string, unknown>;

/** Structure only: keys kept, every leaf replaced by its JSON type. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return v === null ? 'null' : typeof v;
}

let sim: ServiceNowSimulator;
const auth = `Basic ${Buffer.from(`${DEFAULT_SIM_USER.userName}:${DEFAULT_SIM_USER.password}`).toString('base64')}`;
beforeAll(async () => {
  sim = await new ServiceNowSimulator().start();
});
afterAll(() => sim.stop());

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { Authorization: auth },
) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text ? JSON.parse(text) : undefined) as Obj,
  };
}

/** An incident with the same references set as the fixture INC0000046. */
async function incidentLikeFixture(): Promise<Obj> {
  const user = sim.state.insert('sys_user', { user_name: 'abel.tuter', name: 'Abel Tuter' });
  const created = await call('POST', '/api/now/table/incident', {
    short_description: "Can't access SFA software",
    caller_id: user.sys_id,
    opened_by: user.sys_id,
    location: '105cf7f3c611227501e75e08b14a38ba',
    assignment_group: '8a4dde73c6112278017a6a4baf547aa7',
    problem_id: 'a9e4890bc6112276003d7a5a5c774a74',
    cmdb_ci: 'a9c0c8d2c6112276018f7705562f9cb0',
    impact: 1,
  });
  return created.body;
}

describe('simulator vs ServiceNow docs fixtures', () => {
  it("GET one incident has exactly the fixture's columns and value shapes", async () => {
    const created = await incidentLikeFixture();
    const sysId = (created.result as Obj).sys_id as string;
    const got = await call('GET', `/api/now/table/incident/${sysId}`);
    expect(got.status).toBe(200);
    const want = fixture('incident_get_by_sys_id_docs.json') as { result: Obj };
    expect(Object.keys(got.body.result as Obj).sort()).toEqual(Object.keys(want.result).sort());
    expect(shape(got.body)).toEqual(shape(want));
    const ref = (got.body.result as Obj).caller_id as Obj;
    expect(ref.link).toBe(`${sim.url}/api/now/table/sys_user/${ref.value as string}`);
    expect((got.body.result as Obj).impact).toBe('1'); // numbers come back as strings
  });

  it("POST answers 201 with the fixture's record shape and a Location header", async () => {
    const res = await call('POST', '/api/now/table/incident', {
      short_description: 'Unable to connect to office wifi',
      opened_by: 'a'.repeat(32),
      assignment_group: 'b'.repeat(32),
      sys_domain: 'global',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/\/api\/now\/table\/incident\/[0-9a-f]{32}$/);
    const want = fixture('incident_post_create_docs.json') as { result: Obj };
    expect(Object.keys(res.body.result as Obj).sort()).toEqual(Object.keys(want.result).sort());
    for (const [k, v] of Object.entries(res.body.result as Obj)) {
      // Same kind per column: string, or {link,value} where the fixture has a reference set.
      if (typeof want.result[k] === 'object') expect(shape(v)).toEqual(shape(want.result[k]));
      else expect(typeof v).toBe('string');
    }
    expect((res.body.result as Obj).number).toMatch(/^INC\d{7}$/);
  });

  it('PATCH answers 200 with the whole record, as in the fixture', async () => {
    const created = await incidentLikeFixture();
    const sysId = (created.result as Obj).sys_id as string;
    const res = await call('PATCH', `/api/now/table/incident/${sysId}`, {
      state: '2',
      urgency: '1',
    });
    expect(res.status).toBe(200);
    const want = fixture('incident_patch_docs.json') as { result: Obj };
    expect(Object.keys(res.body.result as Obj).sort()).toEqual(Object.keys(want.result).sort());
    expect(res.body.result).toMatchObject({ state: '2', urgency: '1', sys_mod_count: '1' });
  });

  it('GET list: {result: [...]}, X-Total-Count and Link headers; values as in the problem fixture', async () => {
    const res = await call(
      'GET',
      '/api/now/table/incident?sysparm_limit=1&sysparm_query=ORDERBYnumber',
    );
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.result)).toBe(true);
    expect(res.body.result).toHaveLength(1);
    const want = fixture('table_get_list_problem_docs.json') as { result: Obj[] };
    // Problem and incident share `task`'s columns and encoding rules.
    const common = Object.keys(want.result[0]!).filter(
      (k) => k in ((res.body.result as Obj[])[0] as Obj),
    );
    expect(common.length).toBeGreaterThan(50);
    expect(Number(res.headers.get('x-total-count'))).toBeGreaterThanOrEqual(3);
    const link = res.headers.get('link')!;
    expect(link).toMatch(/rel="first"/);
    expect(link).toMatch(/rel="next"/);
    expect(link).toMatch(/rel="last"/);
    expect(link).toContain('sysparm_offset=1');
    const empty = await call('GET', '/api/now/table/incident?sysparm_query=number=INC9999999');
    expect(empty).toMatchObject({ status: 200, body: { result: [] } });
  });

  it('change_request carries every column of the vendor change record; display_value=all gives {display_value, value}', async () => {
    const cr = sim.state.insert('change_request', {
      short_description: 'Clear BGP sessions on a Cisco router',
      type: 'standard',
      state: '-2',
      risk: '3',
      impact: '3',
    });
    const res = await call(
      'GET',
      `/api/now/table/change_request/${cr.sys_id}?sysparm_display_value=all&sysparm_exclude_reference_link=true`,
    );
    const want = fixture('change_request_get_sn_chg_rest_docs.json') as { result: Obj };
    const got = res.body.result as Record<string, Obj>;
    for (const k of Object.keys(want.result)) expect(got).toHaveProperty(k);
    expect(got.state).toEqual({ display_value: 'Scheduled', value: '-2' });
    expect(got.type).toEqual({ display_value: 'Standard', value: 'standard' });
    expect(got.risk).toEqual({ display_value: 'Moderate', value: '3' });
    expect(got.impact).toEqual({ display_value: '3 - Low', value: '3' });
    // Unlike the Change Management API fixture, the Table API never sends numbers or booleans.
    for (const v of Object.values(got)) expect(typeof v.value).toBe('string');
  });

  it('sysparm_fields, exclude_reference_link and display_value=true', async () => {
    const user = sim.state.insert('sys_user', { user_name: 'beth.anglin', name: 'Beth Anglin' });
    const cr = sim.state.insert('change_request', { requested_by: user.sys_id, state: '-1' });
    const raw = await call(
      'GET',
      `/api/now/table/change_request/${cr.sys_id}?sysparm_fields=number,requested_by,state,nonexistent&sysparm_exclude_reference_link=true`,
    );
    expect(raw.body.result).toEqual({ number: cr.number, requested_by: user.sys_id, state: '-1' });
    const display = await call(
      'GET',
      `/api/now/table/change_request/${cr.sys_id}?sysparm_fields=requested_by,state&sysparm_display_value=true`,
    );
    expect(display.body.result).toEqual({
      requested_by: {
        display_value: 'Beth Anglin',
        link: `${sim.url}/api/now/table/sys_user/${user.sys_id}`,
      },
      state: 'Implement',
    });
  });

  it('unknown fields in a query are silently ignored — and can return every row', async () => {
    const all = await call('GET', '/api/now/table/incident?sysparm_fields=sys_id');
    const typo = await call(
      'GET',
      '/api/now/table/incident?sysparm_fields=sys_id&sysparm_query=nmber=INC0000001',
    );
    expect((typo.body.result as Obj[]).length).toBe((all.body.result as Obj[]).length);
  });

  it('journal fields: written to sys_journal_field, read as "" unless display values are asked', async () => {
    const cr = sim.state.insert('change_request', {});
    await call('PATCH', `/api/now/table/change_request/${cr.sys_id}`, {
      work_notes: 'Deployed build 1.2.3',
    });
    const raw = await call(
      'GET',
      `/api/now/table/change_request/${cr.sys_id}?sysparm_fields=work_notes`,
    );
    expect(raw.body.result).toEqual({ work_notes: '' });
    const shown = await call(
      'GET',
      `/api/now/table/change_request/${cr.sys_id}?sysparm_fields=work_notes&sysparm_display_value=true`,
    );
    expect((shown.body.result as Obj).work_notes).toMatch(
      / - changebridge\.integration \(Work notes\)\nDeployed build 1\.2\.3/,
    );
    const journal = await call(
      'GET',
      `/api/now/table/sys_journal_field?sysparm_query=element_id=${cr.sys_id}`,
    );
    expect(journal.body.result).toEqual([
      expect.objectContaining({
        element: 'work_notes',
        value: 'Deployed build 1.2.3',
        name: 'change_request',
        element_id: cr.sys_id,
      }),
    ]);
  });

  describe('errors use the documented envelope', () => {
    const envelope = shape(fixture('error_format_envelope_docs.json'));

    it('404 for a missing record', async () => {
      const res = await call('GET', `/api/now/table/incident/${'0'.repeat(32)}`);
      expect(res.status).toBe(404);
      expect(shape(res.body)).toEqual(envelope);
      expect(res.body).toEqual({
        error: {
          message: 'No Record found',
          detail: "Record doesn't exist or ACL restricts the record retrieval",
        },
        status: 'failure',
      });
    });

    it('401 without credentials', async () => {
      const res = await call('GET', '/api/now/table/incident', undefined, {});
      expect(res.status).toBe(401);
      expect(shape(res.body)).toEqual(envelope);
    });

    it("429 over the rate limit, with the fixture's body and the documented headers", async () => {
      sim.setRateLimit({ limit: 1, windowMs: 60_000, rule: 'table-api-hourly' });
      try {
        await call('GET', '/api/now/table/incident?sysparm_limit=1');
        const res = await call('GET', '/api/now/table/incident?sysparm_limit=1');
        expect(res.status).toBe(429);
        const want = fixture('error_429_rate_limit_docs.json') as Obj;
        expect(shape(res.body)).toEqual(shape(want));
        expect((res.body.error as Obj).message).toBe((want.error as Obj).message);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(res.headers.get('x-ratelimit-limit')).toBe('1');
        expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
        expect(res.headers.get('x-ratelimit-rule')).toBe('table-api-hourly');
      } finally {
        sim.setRateLimit(undefined);
      }
    });

    it('400 for an invalid table, 403 for closing a change without close_code/close_notes', async () => {
      const bad = await call('GET', '/api/now/table/not_a_table');
      expect(bad.status).toBe(400);
      expect((bad.body.error as Obj).message).toBe('Invalid table not_a_table');
      const cr = sim.state.insert('change_request', { state: '-1' });
      const close = await call('PATCH', `/api/now/table/change_request/${cr.sys_id}`, {
        state: '3',
      });
      expect(close.status).toBe(403);
      expect(shape(close.body)).toEqual(envelope);
      const ok = await call('PATCH', `/api/now/table/change_request/${cr.sys_id}`, {
        state: '3',
        close_code: 'successful',
        close_notes: 'done',
      });
      expect(ok.status).toBe(200);
      expect(ok.body.result).toMatchObject({ state: '3', active: 'false' });
    });
  });
});
