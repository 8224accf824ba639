import {
  HttpError,
  ManualClock,
  RetryableError,
  createHttpClientFactory,
  createMemoryLogger,
  type HttpMetric,
  type HttpSettings,
} from '../../../src/runtime/index.js';

// Scheduling and retry decisions with a ManualClock: no real waiting, exact wait times.

const HOST = 'api.example.com';
const flush = () => new Promise<void>((r) => setImmediate(r));

function setup(defaults: Partial<HttpSettings> = {}) {
  const clock = new ManualClock('2026-03-01T10:00:00Z');
  const mem = createMemoryLogger();
  const metrics: HttpMetric[] = [];
  const factory = createHttpClientFactory({
    // intervalCap 0: p-queue's interval runs on real timers, which a ManualClock cannot move.
    defaults: { intervalCap: 0, jitter: 'none', baseBackoffMs: 1000, maxRetries: 3, ...defaults },
    logger: mem.logger,
    clock,
    onMetric: (m) => metrics.push(m),
  });
  return { clock, mem, metrics, factory };
}

const httpError = (status: number, headers: Record<string, string> = {}, method = 'GET') =>
  new HttpError({
    method,
    url: `https://${HOST}/rest/api/3/issue/CB-1?token=abc`,
    status,
    responseHeaders: headers,
  });

/** A call that fails with the given errors in turn, then succeeds. */
function failing(...errors: unknown[]) {
  const calls: number[] = [];
  const fn = async (attempt: number) => {
    calls.push(attempt);
    const e = errors.shift();
    if (e !== undefined) throw e;
    return { status: 200, data: 'ok' };
  };
  return { fn, calls };
}

describe('factory.schedule retry execution', () => {
  it('waits exactly what the classifier says between attempts, then succeeds', async () => {
    const { clock, factory, mem } = setup();
    const { fn, calls } = failing(httpError(503), httpError(502));
    const result = factory.schedule(HOST, fn, { method: 'GET', path: '/rest/api/3/issue/CB-1' });

    await clock.whenSleeping(1);
    expect(calls).toEqual([1]);
    expect(clock.nextWakeAt).toBe(clock.now().getTime() + 1000);
    clock.advance(1000);
    await flush();
    await clock.whenSleeping(1);
    expect(calls).toEqual([1, 2]);
    expect(clock.nextWakeAt).toBe(clock.now().getTime() + 2000);
    clock.advance(2000);
    await expect(result).resolves.toEqual({ status: 200, data: 'ok' });
    expect(calls).toEqual([1, 2, 3]);

    const retries = mem.lines().filter((l) => l.event === 'http.retry');
    expect(retries).toEqual([
      expect.objectContaining({
        level: 'info',
        method: 'GET',
        host: HOST,
        path: '/rest/api/3/issue/CB-1',
        status: 503,
        attempt: 1,
        waitMs: 1000,
      }),
      expect.objectContaining({ status: 502, attempt: 2, waitMs: 2000 }),
    ]);
    expect(String(retries[0]?.reason)).toContain('HTTP 503');
    // One line per retry, and nothing about headers or bodies.
    expect(mem.text()).not.toMatch(/headers|body/i);
  });

  it('does not hold the host slot while waiting to retry', async () => {
    const { clock, factory } = setup({ concurrency: 1 });
    const a = failing(httpError(500));
    const b = failing();
    const pa = factory.schedule(HOST, a.fn, { method: 'GET' });
    await clock.whenSleeping(1);
    // A is backing off; B gets the only slot and finishes without time moving.
    await expect(factory.schedule(HOST, b.fn, { method: 'GET' })).resolves.toBeDefined();
    clock.advance(1000);
    await expect(pa).resolves.toBeDefined();
  });

  it('a rate limit pauses the whole host until the server says', async () => {
    const { clock, factory } = setup({ concurrency: 2 });
    const a = failing(httpError(429, { 'retry-after': '5' }));
    const pa = factory.schedule(HOST, a.fn, { method: 'GET' });
    await clock.whenSleeping(2); // A's retry wait + the host pause
    expect(factory.stats(HOST).pausedUntil?.toISOString()).toBe('2026-03-01T10:00:05.000Z');

    const b = failing();
    const pb = factory.schedule(HOST, b.fn, { method: 'GET' });
    await flush();
    expect(b.calls).toEqual([]); // queued behind the pause
    expect(factory.stats(HOST).queued).toBe(1);

    clock.advance(5000);
    await Promise.all([pa, pb]);
    expect(b.calls).toEqual([1]);
    expect(factory.stats(HOST).pausedUntil).toBeUndefined();
    // Other hosts are not affected by this host's pause.
    const c = failing();
    await factory.schedule('other.example.com', c.fn, { method: 'GET' });
  });

  it('gives up after maxRetries with the attempts and reason in the error', async () => {
    const { clock, factory } = setup({ maxRetries: 2 });
    const { fn, calls } = failing(httpError(500), httpError(500), httpError(500));
    const p = factory.schedule(HOST, fn, { method: 'GET' });
    const settled = p.catch((e: unknown) => e);
    await clock.whenSleeping(1);
    clock.advance(1000);
    await flush();
    await clock.whenSleeping(1);
    clock.advance(2000);
    const err = (await settled) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(calls).toEqual([1, 2, 3]);
    expect(err.attempts).toBe(3);
    expect(err.message).toContain('gave up after 3 attempts');
    expect(err.message).toContain('retries exhausted (2 of 2 used)');
    expect(err.message).not.toContain('token=abc');
  });

  it('does not repeat a POST that may have been applied', async () => {
    const { factory } = setup();
    const { fn, calls } = failing(httpError(502, {}, 'POST'));
    await expect(factory.schedule(HOST, fn, { method: 'POST' })).rejects.toThrow(
      /not retried: POST HTTP 502: POST is not idempotent/,
    );
    expect(calls).toEqual([1]);
  });

  it('retries a POST the caller declares idempotent', async () => {
    const { clock, factory } = setup();
    const { fn, calls } = failing(httpError(502, {}, 'POST'));
    const p = factory.schedule(HOST, fn, { method: 'POST', idempotent: true });
    await clock.whenSleeping(1);
    clock.advance(1000);
    await p;
    expect(calls).toEqual([1, 2]);
  });

  it('retries when the call throws RetryableError', async () => {
    const { clock, factory } = setup();
    const { fn, calls } = failing(
      new RetryableError('servicenow', 'batch partly unserviced', { waitMs: 250 }),
    );
    const p = factory.schedule(HOST, fn, { method: 'POST' });
    await clock.whenSleeping(1);
    expect(clock.nextWakeAt).toBe(clock.now().getTime() + 250);
    clock.advance(250);
    await p;
    expect(calls).toEqual([1, 2]);
  });

  it('passes unknown errors through untouched, without retrying', async () => {
    const { factory } = setup();
    const boom = new TypeError('mapping bug');
    const { fn, calls } = failing(boom);
    await expect(factory.schedule(HOST, fn, { method: 'GET' })).rejects.toBe(boom);
    expect(calls).toEqual([1]);
  });

  it('an abort during the wait stops retrying', async () => {
    const { clock, factory } = setup();
    const ac = new AbortController();
    const { fn, calls } = failing(httpError(503));
    const p = factory.schedule(HOST, fn, { method: 'GET', signal: ac.signal });
    await clock.whenSleeping(1);
    ac.abort(new Error('shutting down'));
    await expect(p).rejects.toThrow('shutting down');
    expect(calls).toEqual([1]);
  });

  it('reports attempts, retries and give-ups to the metrics hook', async () => {
    const { clock, factory, metrics } = setup({ maxRetries: 1 });
    const { fn } = failing(httpError(503), httpError(503));
    const p = factory.schedule(HOST, fn, { method: 'GET' }).catch(() => undefined);
    await clock.whenSleeping(1);
    clock.advance(1000);
    await p;
    expect(metrics.map((m) => m.type)).toEqual(['attempt', 'retry', 'attempt', 'give_up']);
    expect(metrics[0]).toMatchObject({ type: 'attempt', host: HOST, ok: false, status: 503 });
    expect(metrics[3]).toMatchObject({ type: 'give_up', attempts: 2 });
  });
});
