import { ManualClock, systemClock } from '../../../src/runtime/index.js';

describe('ManualClock', () => {
  it('sleeps resolve only when time is advanced past them, in deadline order', async () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const woke: string[] = [];
    void clock.sleep(2000).then(() => woke.push('b'));
    void clock.sleep(1000).then(() => woke.push('a'));
    clock.advance(999);
    await Promise.resolve();
    expect(woke).toEqual([]);
    expect(clock.pendingSleeps).toBe(2);
    expect(clock.nextWakeAt).toBe(Date.parse('2026-01-01T00:00:01Z'));
    clock.advance(1500);
    await Promise.resolve();
    expect(woke).toEqual(['a', 'b']);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:02.499Z');
  });

  it('set jumps to an absolute time and refuses to go back', () => {
    const clock = new ManualClock(0);
    clock.set('2026-05-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(() => clock.set(0)).toThrow(/in the past/);
    expect(() => clock.advance(-1)).toThrow(/forward/);
  });

  it('a zero sleep resolves without advancing', async () => {
    const clock = new ManualClock();
    await expect(clock.sleep(0)).resolves.toBeUndefined();
  });

  it('whenSleeping resolves once code under test starts waiting', async () => {
    const clock = new ManualClock();
    const waiting = clock.whenSleeping(2);
    void clock.sleep(10);
    let ready = false;
    void waiting.then(() => (ready = true));
    await Promise.resolve();
    expect(ready).toBe(false);
    void clock.sleep(10);
    await waiting;
    expect(ready).toBe(true);
  });

  it('an aborted sleep rejects and is forgotten', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const p = clock.sleep(1000, ac.signal);
    ac.abort(new Error('shutdown'));
    await expect(p).rejects.toThrow('shutdown');
    expect(clock.pendingSleeps).toBe(0);
  });
});

describe('systemClock', () => {
  it('sleeps for real and can be aborted', async () => {
    const t0 = Date.now();
    await systemClock.sleep(20);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(15);
    const ac = new AbortController();
    const p = systemClock.sleep(10_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
