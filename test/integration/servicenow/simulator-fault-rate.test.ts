import axios, { AxiosError, type AxiosResponse } from 'axios';
import {
  DEFAULT_SIM_USER,
  ServiceNowSimulator,
  type ServiceNowSimulatorOptions,
} from '../../../connectors/servicenow/simulator.js';
import {
  FAULT_PRESETS,
  FaultInjector,
  seededRandom,
  type FaultPreset,
} from '../../../connectors/servicenow/simulator-faults.js';
import { RequestMeter } from '../../../src/runtime/request-meter.js';
import { seedServiceNow } from '../../../connectors/servicenow/simulator-seed.js';

/**
 * Rate-based faults and the request-rate meter, over real sockets: what an end-to-end test
 * leans on to say "with 20 % faults the daemon still converges and never exceeds its rate".
 */

type Outcome =
  | { kind: 'ok'; res: AxiosResponse }
  | { kind: FaultPreset; res?: AxiosResponse; error?: AxiosError };

const TABLE = '/api/now/table/change_request';
const sims: ServiceNowSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function start(options: ServiceNowSimulatorOptions = {}): Promise<ServiceNowSimulator> {
  const sim = await new ServiceNowSimulator(options).start();
  sims.push(sim);
  seedServiceNow(sim.state, { seed: 1, changes: 5 });
  return sim;
}

function call(sim: ServiceNowSimulator, method: string, path: string, data?: unknown) {
  return axios.request({
    method,
    url: `${sim.url}${path}`,
    data,
    auth: { username: DEFAULT_SIM_USER.userName, password: DEFAULT_SIM_USER.password },
    validateStatus: () => true,
  });
}

/** Which fault (if any) a request met, told apart from the client's side only. */
async function outcome(sim: ServiceNowSimulator, method: string, path: string, data?: unknown) {
  try {
    const res = await call(sim, method, path, data);
    if (res.status < 400) return { kind: 'ok', res } as Outcome;
    if (res.status === 429) {
      const kind = res.headers['retry-after'] === undefined ? '429' : '429-retry-after';
      return { kind, res } as Outcome;
    }
    return { kind: String(res.status) as FaultPreset, res } as Outcome;
  } catch (e) {
    if (e instanceof AxiosError && !e.response) return { kind: 'reset', error: e } as Outcome;
    throw e;
  }
}

async function run(sim: ServiceNowSimulator, n: number) {
  const out: Outcome[] = [];
  for (let i = 0; i < n; i++) out.push(await outcome(sim, 'GET', `${TABLE}?sysparm_limit=1`));
  return out;
}

describe('ServiceNow simulator: faults at a rate', () => {
  it('fails about `rate` of requests, every kind with its own shape', async () => {
    const sim = await start({ faults: { rate: 0.2, seed: 7 } });
    const before = sim.requestCount;
    const out = await run(sim, 500);
    const faults = out.filter((o) => o.kind !== 'ok');
    expect(faults.length / out.length).toBeGreaterThanOrEqual(0.12);
    expect(faults.length / out.length).toBeLessThanOrEqual(0.28);
    expect(new Set(faults.map((o) => o.kind))).toEqual(new Set(FAULT_PRESETS));
    expect(sim.requestCount - before).toBe(500);

    const first = (kind: string) => faults.find((o) => o.kind === kind)!;
    expect(first('429-retry-after').res!.headers['retry-after']).toBe('1');
    const plain = first('429').res!;
    expect(plain.headers['retry-after']).toBeUndefined();
    expect(plain.headers['x-ratelimit-reset']).toBeUndefined();
    expect(plain.data).toEqual({
      error: { message: 'Rate limit exceeded', detail: 'Injected fault 429' },
      status: 'failure',
    });
    for (const status of ['500', '502', '503']) {
      expect(first(status).res!.data).toEqual({
        error: { message: 'Internal Server Error', detail: `Injected fault ${status}` },
        status: 'failure',
      });
    }
    const reset = first('reset').error!;
    expect(`${reset.code} ${reset.message}`).toMatch(/ECONNRESET|socket hang up/);
  });

  it('same seed → same fault sequence; another seed → another', async () => {
    const kinds = async (seed: number) => {
      const sim = await start();
      sim.injectFaults({ rate: 0.3, kinds: ['429', '503', 'reset'], seed });
      return (await run(sim, 120)).map((o) => o.kind);
    };
    const a = await kinds(42);
    expect(await kinds(42)).toEqual(a);
    expect(await kinds(43)).not.toEqual(a);
    expect(new Set(a)).toEqual(new Set(['ok', '429', '503', 'reset']));
  });

  it('a faulted write changes nothing; method and path narrow the rule', async () => {
    const sim = await start();
    const row = [...sim.state.table('change_request').values()][0]!;
    const sysId = String(row.sys_id);
    const original = row.short_description;
    const count = sim.state.count('change_request');

    sim.injectFaults({ rate: 1, method: 'PATCH', path: TABLE, seed: 3 });
    sim.injectFaults({ rate: 1, method: 'POST', path: TABLE, seed: 4 });
    const writes: Outcome[] = [];
    for (let i = 0; i < 30; i++) {
      writes.push(
        await outcome(sim, 'PATCH', `${TABLE}/${sysId}`, { short_description: `Edited ${i}` }),
        await outcome(sim, 'POST', TABLE, { short_description: 'New' }),
      );
    }
    expect(writes.every((o) => o.kind !== 'ok')).toBe(true);
    expect(new Set(writes.map((o) => o.kind)).size).toBe(FAULT_PRESETS.length);
    expect(sim.state.get('change_request', sysId)?.short_description).toBe(original);
    expect(sim.state.count('change_request')).toBe(count);
    // Reads do not match the rules.
    expect((await outcome(sim, 'GET', `${TABLE}/${sysId}`)).kind).toBe('ok');

    sim.clearFaults();
    const patch = await call(sim, 'PATCH', `${TABLE}/${sysId}`, { short_description: 'Edited' });
    expect(patch.status).toBe(200);
    expect(sim.state.get('change_request', sysId)?.short_description).toBe('Edited');
  });

  it('keeps the scripted API: a single-fault rate rule replays as before', () => {
    // Rules with one fault draw once per request, so sequences recorded before the change hold.
    const old = seededRandom(5);
    const expected = Array.from({ length: 200 }, () => old() < 0.25);
    const f = new FaultInjector(seededRandom(5));
    f.add({ rate: 0.25, fault: { kind: 'status', status: 503 } });
    expect(Array.from({ length: 200 }, () => f.pick('GET', '/') !== undefined)).toEqual(expected);
    expect(() => f.addRate({ rate: -0.1 })).toThrow(/\[servicenow-simulator\].*0–1/);
    expect(() => f.addRate({ rate: 0.1, kinds: [] })).toThrow(/fault kinds/);
  });
});

describe('ServiceNow simulator: request-rate meter', () => {
  it('a burst of 10, a pause, then 3 → at most 10 in any second', async () => {
    const sim = await start({ faults: { rate: 0.2, seed: 1 } });
    const before = sim.requestCount;
    // Faulted requests are requests too: count them, do not fail on them.
    const settle = (n: number) =>
      Promise.allSettled(Array.from({ length: n }, () => call(sim, 'GET', TABLE)));
    await settle(10);
    await new Promise((r) => setTimeout(r, 1100));
    await settle(3);
    expect(sim.requestCount - before).toBe(13);
    expect(sim.maxRequestsPerWindow(1000)).toBe(10);
    expect(sim.maxRequestsPerWindow(60_000)).toBe(13);
  });

  it('slides rather than buckets, and stays bounded', () => {
    let now = 0;
    const meter = new RequestMeter(3, () => now);
    for (const t of [0, 950, 1050]) {
      now = t;
      meter.record();
    }
    expect(meter.maxRequestsPerWindow(1000)).toBe(2);
    expect(meter.maxRequestsPerWindow(1051)).toBe(3);
    now = 1100;
    meter.record();
    expect(meter.maxRequestsPerWindow(1000)).toBe(3);
    meter.reset();
    expect([meter.requestCount, meter.maxRequestsPerWindow(1000)]).toEqual([0, 0]);
  });
});
