import axios, { AxiosError, type AxiosResponse } from 'axios';
import { JiraSimulator, type FaultPreset } from '../../../connectors/jira/simulator.js';
import { FAULT_PRESETS } from '../../../connectors/jira/simulator-faults.js';
import { RequestMeter } from '../../../src/runtime/request-meter.js';

/**
 * Rate-based faults and the request-rate meter, over real sockets: what an end-to-end test
 * leans on to say "with 20 % faults the daemon still converges and never exceeds its rate".
 */

type Outcome =
  | { kind: 'ok'; res: AxiosResponse }
  | { kind: FaultPreset; res?: AxiosResponse; error?: AxiosError };

const sims: JiraSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function start(sim: JiraSimulator): Promise<JiraSimulator> {
  sims.push(sim);
  await sim.start();
  sim.state.addProject({ key: 'OPS', name: 'Operations', issueTypes: ['Change'] });
  return sim;
}

function call(sim: JiraSimulator, method: string, path: string, data?: unknown) {
  return axios.request({
    method,
    url: `${sim.url}${path}`,
    data,
    auth: { username: sim.email, password: sim.apiToken },
    validateStatus: () => true,
  });
}

/** Which fault (if any) a request met, told apart from the client's side only. */
async function outcome(sim: JiraSimulator, method: string, path: string, data?: unknown) {
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

async function run(sim: JiraSimulator, n: number, path = '/rest/api/3/myself') {
  const out: Outcome[] = [];
  for (let i = 0; i < n; i++) out.push(await outcome(sim, 'GET', path));
  return out;
}

const summaryOf = (sim: JiraSimulator, key: string): unknown => sim.state.find(key)?.summary;

describe('Jira simulator: faults at a rate', () => {
  it('fails about `rate` of requests, every kind with its own shape', async () => {
    const sim = await start(new JiraSimulator({ faults: { rate: 0.2, seed: 7 } }));
    const before = sim.requestCount;
    const out = await run(sim, 500);
    const faults = out.filter((o) => o.kind !== 'ok');
    expect(faults.length / out.length).toBeGreaterThanOrEqual(0.12);
    expect(faults.length / out.length).toBeLessThanOrEqual(0.28);
    expect(new Set(faults.map((o) => o.kind))).toEqual(new Set(FAULT_PRESETS));
    expect(sim.requestCount - before).toBe(500);

    const first = (kind: string) => faults.find((o) => o.kind === kind)!;
    expect(first('429-retry-after').res!.headers).toMatchObject({
      'retry-after': '1',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': expect.any(String),
      'ratelimit-reason': 'jira-burst-based',
    });
    const plain = first('429').res!;
    expect(plain.headers['retry-after']).toBeUndefined();
    expect(plain.headers['x-ratelimit-reset']).toBeUndefined();
    expect(plain.data).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });
    for (const status of ['500', '502', '503']) {
      expect(first(status).res!.data).toEqual({
        errorMessages: [expect.stringContaining(`Injected fault ${status}`)],
        errors: {},
      });
    }
    const reset = first('reset').error!;
    expect(`${reset.code} ${reset.message}`).toMatch(/ECONNRESET|socket hang up/);
    // The log says the client got no answer.
    expect(sim.countRequests((r) => r.status === 0)).toBe(
      faults.filter((o) => o.kind === 'reset').length,
    );
  });

  it('same seed → same fault sequence; another seed → another', async () => {
    const kinds = async (seed: number) => {
      const sim = await start(new JiraSimulator());
      sim.injectFaults({ rate: 0.3, kinds: ['429', '503', 'reset'], seed });
      return (await run(sim, 120)).map((o) => o.kind);
    };
    const a = await kinds(42);
    expect(await kinds(42)).toEqual(a);
    expect(await kinds(43)).not.toEqual(a);
    expect(new Set(a)).toEqual(new Set(['ok', '429', '503', 'reset']));
  });

  it('a faulted write changes nothing; method and path narrow the rule', async () => {
    const sim = await start(new JiraSimulator());
    const created = await call(sim, 'POST', '/rest/api/3/issue', {
      fields: { project: { key: 'OPS' }, issuetype: { name: 'Change' }, summary: 'Original' },
    });
    expect(created.status).toBe(201);
    const key = (created.data as { key: string }).key;
    const issues = sim.state.issues.size;

    sim.injectFaults({ rate: 1, method: 'PUT', path: '/rest/api/3/issue/', seed: 3 });
    sim.injectFaults({ rate: 1, method: 'POST', path: '/rest/api/3/issue', seed: 4 });
    const writes: Outcome[] = [];
    for (let i = 0; i < 30; i++) {
      writes.push(
        await outcome(sim, 'PUT', `/rest/api/3/issue/${key}`, {
          fields: { summary: `Edited ${i}` },
        }),
        await outcome(sim, 'POST', '/rest/api/3/issue', {
          fields: { project: { key: 'OPS' }, issuetype: { name: 'Change' }, summary: 'New' },
        }),
      );
    }
    expect(writes.every((o) => o.kind !== 'ok')).toBe(true);
    expect(new Set(writes.map((o) => o.kind)).size).toBe(FAULT_PRESETS.length);
    expect(summaryOf(sim, key)).toBe('Original');
    expect(sim.state.issues.size).toBe(issues);
    // Reads do not match the rules.
    expect((await outcome(sim, 'GET', `/rest/api/3/issue/${key}`)).kind).toBe('ok');

    sim.clearFaults();
    const put = await call(sim, 'PUT', `/rest/api/3/issue/${key}`, {
      fields: { summary: 'Edited' },
    });
    expect(put.status).toBe(204);
    expect(summaryOf(sim, key)).toBe('Edited');
  });

  it('rejects a rate that is not a probability and kinds it does not know', () => {
    const sim = new JiraSimulator();
    expect(() => sim.injectFaults({ rate: 1.5 })).toThrow(/\[jira-simulator\].*0–1/);
    expect(() => sim.injectFaults({ rate: 0.1, kinds: ['418' as FaultPreset] })).toThrow(
      /\[jira-simulator\] fault kinds \[418\]/,
    );
  });
});

describe('Jira simulator: request-rate meter', () => {
  it('a burst of 10, a pause, then 3 → at most 10 in any second', async () => {
    const sim = await start(new JiraSimulator({ faults: { rate: 0.2, seed: 1 } }));
    const before = sim.requestCount;
    // Faulted requests are requests too: count them, do not fail on them.
    const settle = (n: number) =>
      Promise.allSettled(Array.from({ length: n }, () => call(sim, 'GET', '/rest/api/3/myself')));
    await settle(10);
    await new Promise((r) => setTimeout(r, 1100));
    await settle(3);
    expect(sim.requestCount - before).toBe(13);
    expect(sim.maxRequestsPerWindow(1000)).toBe(10);
    expect(sim.maxRequestsPerWindow(60_000)).toBe(13);
  });

  it('slides rather than buckets, and stays bounded', () => {
    let now = 0;
    const meter = new RequestMeter(4, () => now);
    // 900 and 1100 fall in different aligned seconds but the same sliding one.
    for (const t of [0, 900, 1100, 1200]) {
      now = t;
      meter.record();
    }
    expect(meter.maxRequestsPerWindow(1000)).toBe(3);
    expect(meter.maxRequestsPerWindow(300)).toBe(2);
    // Only the last 4 arrivals are kept: 5000 pushes 0 out.
    now = 5000;
    meter.record();
    expect(meter.requestCount).toBe(5);
    expect(meter.maxRequestsPerWindow(10_000)).toBe(4);
    expect(() => meter.maxRequestsPerWindow(0)).toThrow(/windowMs 0/);
  });
});
