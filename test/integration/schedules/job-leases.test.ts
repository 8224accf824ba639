import { createStore, type Database, type Store } from '../../../src/store/index.js';
import { describeEachDatabase, useTestDatabase } from '../../support/databases.js';

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describeEachDatabase('job leases', (dialect) => {
  const handle = useTestDatabase(dialect);
  let second: Database;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    second = await handle.test().open({ migrate: false });
    a = createStore(handle.get());
    b = createStore(second);
  });
  afterAll(() => second.close());

  it('gives a brand-new job to exactly one of many simultaneous callers', async () => {
    for (let i = 0; i < 8; i++) {
      const job = `race-${i}`;
      const won = await Promise.all(
        [a, b, a, b].map((s, k) => s.jobLeases.tryAcquire(job, `holder-${k}`, T0, 60_000, T0)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
    }
  });

  it('admits one run per tick, never an earlier tick, and the same holder again', async () => {
    const jl = a.jobLeases;
    expect(await jl.tryAcquire('poll', 'x', T0, 60_000, T0)).toBe(true);
    // Same tick, other holder, even after release: the tick is taken.
    expect(await jl.release('poll', 'x', at(1000))).toBe(true);
    expect(await b.jobLeases.tryAcquire('poll', 'y', T0, 60_000, at(2000))).toBe(false);
    // An older tick (a replica whose clock lags) is refused too.
    expect(await b.jobLeases.tryAcquire('poll', 'y', at(-60_000), 60_000, at(2000))).toBe(false);
    expect(await b.jobLeases.tryAcquire('poll', 'y', at(60_000), 60_000, at(60_001))).toBe(true);
    // A restarted replica with the same holder name may take its own unexpired lease.
    expect(await b.jobLeases.tryAcquire('poll', 'y', at(120_000), 60_000, at(120_001))).toBe(true);
  });

  it('lets another replica take over only after a crashed holder’s lease runs out', async () => {
    expect(await a.jobLeases.tryAcquire('report', 'crashed', T0, 30_000, T0)).toBe(true);
    expect(await b.jobLeases.tryAcquire('report', 'alive', at(10_000), 30_000, at(10_000))).toBe(
      false,
    );
    expect(await a.jobLeases.renew('report', 'crashed', 30_000, at(20_000))).toBe(true);
    expect(await b.jobLeases.tryAcquire('report', 'alive', at(40_000), 30_000, at(40_000))).toBe(
      false,
    );
    expect(await b.jobLeases.tryAcquire('report', 'alive', at(60_000), 30_000, at(50_001))).toBe(
      true,
    );
    // The crashed holder wakes up: it can neither renew nor overwrite the outcome.
    expect(await a.jobLeases.renew('report', 'crashed', 30_000, at(51_000))).toBe(false);
    expect(await a.jobLeases.release('report', 'crashed', at(51_000), 'late')).toBe(false);
    expect(await b.jobLeases.release('report', 'alive', at(52_000), 'Jira 500')).toBe(true);
    const row = (await a.jobLeases.list()).find((r) => r.job === 'report');
    expect(row).toEqual({
      job: 'report',
      holder: 'alive',
      leaseUntil: at(52_000),
      lastTick: at(60_000),
      lastRunStartedAt: at(50_001),
      lastRunFinishedAt: at(52_000),
      lastError: 'Jira 500',
    });
  });

  it('refuses a lease that is not a positive duration, naming the job', async () => {
    await expect(a.jobLeases.tryAcquire('poll', 'x', T0, 0, T0)).rejects.toThrow(
      /lease for job "poll" must be a positive number of ms, got 0/,
    );
  });
});
