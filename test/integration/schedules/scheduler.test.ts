import type { ScheduledJob } from '../../../src/ingest/index.js';
import { ManualClock, systemClock } from '../../../src/runtime/index.js';
import type { Database } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';
import { deferred, replica, yieldToLoop, type Replica } from './support.js';

const MINUTE = 60_000;

describeEachDatabase('scheduler across replicas', (dialect) => {
  const handle = useTestDatabase(dialect);
  // The second replica talks to the same database over its own connection.
  let second: Database;
  beforeAll(async () => {
    second = await handle.test().open({ migrate: false });
  });
  afterAll(() => second.close());

  let clock: ManualClock;
  let n = 0;
  let jobName: string;
  beforeEach(() => {
    clock = new ManualClock('2026-03-02T09:00:00.000Z');
    jobName = `poll-${++n}`;
  });

  const pair = (
    run: (holder: string, signal: AbortSignal) => Promise<void>,
  ): [Replica, Replica] => {
    const job = (holder: string): ScheduledJob => ({
      name: jobName,
      cron: '*/5 * * * *',
      leaseMs: 10 * MINUTE,
      run: (signal) => run(holder, signal),
    });
    return [
      replica(handle.get(), 'replica-a', clock, [job('replica-a')]),
      replica(second, 'replica-b', clock, [job('replica-b')]),
    ];
  };

  it('runs each tick exactly once when both replicas fire it at the same moment', async () => {
    const runs: string[] = [];
    const [a, b] = pair(async (holder) => {
      runs.push(holder);
      await yieldToLoop();
    });
    for (let i = 0; i < 6; i++) {
      const tick = new Date(clock.now().getTime());
      clock.advance(5); // both replicas fire a few ms after the slot
      const outcomes = await Promise.all(
        i % 2 === 0
          ? [a.scheduler.fire(jobName, tick), b.scheduler.fire(jobName, tick)]
          : [b.scheduler.fire(jobName, tick), a.scheduler.fire(jobName, tick)],
      );
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['ran', 'skipped']);
      expect(outcomes.find((o) => o.outcome === 'skipped')).toMatchObject({
        reason: 'not-acquired',
      });
      expect(runs).toHaveLength(i + 1);
      clock.advance(5 * MINUTE - 5);
    }
    // A replica that fires late for a tick already run does not run it again.
    await expect(
      a.scheduler.fire(jobName, new Date('2026-03-02T09:05:00Z')),
    ).resolves.toMatchObject({
      outcome: 'skipped',
      reason: 'not-acquired',
    });
    expect(runs).toHaveLength(6);
    const [row] = (await a.store.jobLeases.list()).filter((r) => r.job === jobName);
    expect(row).toMatchObject({ lastTick: new Date('2026-03-02T09:25:00Z'), lastError: null });
    expect(['replica-a', 'replica-b']).toContain(row!.holder);
  });

  it('logs and releases a throwing job with its error, and the next tick still runs', async () => {
    let calls = 0;
    const [a, b] = pair(async () => {
      calls += 1;
      if (calls === 1) throw new Error('ServiceNow answered 503 three times');
    });
    const tick1 = clock.now();
    const first = await Promise.all([
      a.scheduler.fire(jobName, tick1),
      b.scheduler.fire(jobName, tick1),
    ]);
    const failed = first.find((o) => o.outcome === 'failed');
    expect(failed).toMatchObject({ error: 'ServiceNow answered 503 three times' });
    let [row] = (await a.store.jobLeases.list()).filter((r) => r.job === jobName);
    expect(row).toMatchObject({
      lastError: 'ServiceNow answered 503 three times',
      lastRunFinishedAt: clock.now(),
      // Released at once: the next tick does not wait for the lease to run out.
      leaseUntil: clock.now(),
    });
    const loser = [a, b].find((r) => r.holder === row!.holder)!;
    expect(loser.logs.lines()).toContainEqual(
      expect.objectContaining({
        event: 'schedule.error',
        level: 'error',
        job: jobName,
        tick: tick1.toISOString(),
        holder: row!.holder,
        stage: 'run',
        error: 'ServiceNow answered 503 three times',
        ms: expect.any(Number),
      }),
    );

    clock.advance(5 * MINUTE);
    const tick2 = clock.now();
    const second = await Promise.all([
      b.scheduler.fire(jobName, tick2),
      a.scheduler.fire(jobName, tick2),
    ]);
    expect(second.map((o) => o.outcome).sort()).toEqual(['ran', 'skipped']);
    expect(calls).toBe(2);
    [row] = (await a.store.jobLeases.list()).filter((r) => r.job === jobName);
    expect(row).toMatchObject({ lastTick: tick2, lastError: null });
  });

  it('skips a tick while its own previous run is still going, and says why', async () => {
    const gate = deferred();
    let calls = 0;
    const [a] = pair(async () => {
      calls += 1;
      if (calls === 1) await gate.promise;
    });
    const tick1 = clock.now();
    const slow = a.scheduler.fire(jobName, tick1);
    clock.advance(5 * MINUTE);
    const tick2 = clock.now();
    await expect(a.scheduler.fire(jobName, tick2)).resolves.toEqual({
      outcome: 'skipped',
      tick: tick2,
      reason: 'still-running',
    });
    expect(a.logs.lines()).toContainEqual(
      expect.objectContaining({
        event: 'schedule.skip',
        job: jobName,
        tick: tick2.toISOString(),
        holder: 'replica-a',
        reason: 'still-running',
        runningTick: tick1.toISOString(),
      }),
    );
    gate.resolve();
    await expect(slow).resolves.toMatchObject({ outcome: 'ran' });
    clock.advance(5 * MINUTE);
    await expect(a.scheduler.fire(jobName, clock.now())).resolves.toMatchObject({ outcome: 'ran' });
    expect(calls).toBe(2);
  });

  it('stop() aborts a running job, waits for it to finish and releases its lease', async () => {
    const started = deferred();
    let finished = false;
    let sawAbort = false;
    const [a] = pair(async (_holder, signal) => {
      started.resolve();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      sawAbort = signal.aborted;
      await yieldToLoop(); // cleanup that takes a moment: stop() must wait for it
      finished = true;
      throw signal.reason;
    });
    const run = a.scheduler.fire(jobName, clock.now());
    await started.promise;
    await a.scheduler.stop();
    expect(finished).toBe(true);
    expect(sawAbort).toBe(true);
    await expect(run).resolves.toMatchObject({
      outcome: 'failed',
      error: '[changebridge/schedule] the scheduler is stopping',
    });
    const [row] = (await a.store.jobLeases.list()).filter((r) => r.job === jobName);
    expect(row).toMatchObject({
      holder: 'replica-a',
      lastError: expect.stringMatching(/stopping/),
    });
    clock.advance(5 * MINUTE);
    await expect(a.scheduler.fire(jobName, clock.now())).resolves.toMatchObject({
      outcome: 'skipped',
      reason: 'stopped',
    });
  });

  it('renews the lease of a long run, and aborts a run whose lease was lost', async () => {
    const [a, b] = pair(async (holder, signal) => {
      if (holder === 'replica-b') return;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      throw signal.reason;
    });
    const run = a.scheduler.fire(jobName, clock.now());
    await clock.whenSleeping(1); // the lease keeper waits for its first beat
    clock.advance(4 * MINUTE); // past a third of the 10-minute lease
    await clock.whenSleeping(1); // renewed, and waiting for the next beat
    let [row] = (await a.store.jobLeases.list()).filter((r) => r.job === jobName);
    expect(row!.leaseUntil).toEqual(new Date(clock.now().getTime() + 10 * MINUTE));
    // Replica A stalls (a frozen VM) until its lease runs out; B takes the next tick.
    await b.store.jobLeases.release(jobName, 'replica-a', clock.now());
    clock.advance(MINUTE);
    await expect(b.scheduler.fire(jobName, clock.now())).resolves.toMatchObject({ outcome: 'ran' });
    clock.advance(4 * MINUTE); // A's next renewal finds the lease gone
    await expect(run).resolves.toMatchObject({
      outcome: 'failed',
      error: `[changebridge/schedule] lost the lease of job "${jobName}"`,
    });
    expect(a.logs.lines()).toContainEqual(
      expect.objectContaining({ event: 'schedule.lease_lost', job: jobName, holder: 'replica-a' }),
    );
    [row] = (await a.store.jobLeases.list()).filter((r) => r.job === jobName);
    // A's late release did not touch B's row.
    expect(row).toMatchObject({ holder: 'replica-b', lastError: null });
  });

  it('fires on real cron timers (1-second schedule smoke test)', async () => {
    const ran = deferred<Date>();
    const r = replica(handle.get(), 'replica-real', systemClock, [
      {
        name: `smoke-${n}`,
        cron: '* * * * * *',
        leaseMs: MINUTE,
        run: async () => ran.resolve(new Date()),
      },
    ]);
    r.scheduler.start();
    try {
      await ran.promise;
    } finally {
      await r.scheduler.stop();
    }
    const [row] = (await r.store.jobLeases.list()).filter((x) => x.job === `smoke-${n}`);
    expect(row!.holder).toBe('replica-real');
    expect(row!.lastTick!.getUTCMilliseconds()).toBe(0);
    expect(r.logs.lines().map((l) => l.event)).toEqual(
      expect.arrayContaining(['schedule.started', 'schedule.run', 'schedule.stopped']),
    );
  });
});
