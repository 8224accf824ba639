import { createScheduler, parseSchedule, tickOf } from '../../../src/ingest/index.js';
import { createNullLogger, ManualClock, UserError } from '../../../src/runtime/index.js';

describe('schedule ticks', () => {
  it('reads 5-field expressions as minute ticks and 6-field ones as second ticks', () => {
    expect(parseSchedule('poll', '*/5 * * * *')).toBe('minute');
    expect(parseSchedule('poll', ' 0 3 * * 1-5 ')).toBe('minute');
    expect(parseSchedule('smoke', '* * * * * *')).toBe('second');
    expect(parseSchedule('smoke', '30 */2 * * * *')).toBe('second');
  });

  it('truncates a firing time to its tick, so replicas a few ms apart agree', () => {
    const late = new Date('2026-03-01T10:05:00.012Z');
    const slow = new Date('2026-03-01T10:05:59.999Z');
    expect(tickOf(late, 'minute').toISOString()).toBe('2026-03-01T10:05:00.000Z');
    expect(tickOf(slow, 'minute').toISOString()).toBe('2026-03-01T10:05:00.000Z');
    expect(tickOf(slow, 'second').toISOString()).toBe('2026-03-01T10:05:59.000Z');
    expect(tickOf(new Date('2026-03-01T10:06:00.000Z'), 'minute').toISOString()).toBe(
      '2026-03-01T10:06:00.000Z',
    );
  });

  it.each([
    ['61 * * * *', /minute: 61 is a invalid expression/],
    ['* * *', /expected 5 or 6 fields/],
    ['every five minutes', /invalid cron expression "every five minutes"/],
  ])('rejects %j naming the job and the fix', (cron, why) => {
    const err = (() => {
      try {
        parseSchedule('poll', cron);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^\[changebridge\/schedule\] job "poll" has an invalid/);
    expect((err as Error).message).toMatch(why);
    expect((err as UserError).hint).toMatch(/Fix the cron of schedule "poll"/);
  });
});

describe('createScheduler validation', () => {
  const base = {
    store: {
      jobLeases: {
        tryAcquire: () => Promise.resolve(true),
        renew: () => Promise.resolve(true),
        release: () => Promise.resolve(true),
      },
    },
    clock: new ManualClock(),
    logger: createNullLogger(),
    holder: 'a',
  };
  const job = { name: 'poll', cron: '*/5 * * * *', leaseMs: 60_000, run: () => Promise.resolve() };

  it('refuses a bad expression before scheduling anything', () => {
    expect(() =>
      createScheduler({ ...base, jobs: [job, { ...job, name: 'report', cron: '* *' }] }),
    ).toThrow(/job "report" has an invalid cron expression "\* \*"/);
  });

  it('refuses duplicate names and non-positive leases', () => {
    expect(() => createScheduler({ ...base, jobs: [job, job] })).toThrow(
      /job "poll" is configured twice/,
    );
    expect(() => createScheduler({ ...base, jobs: [{ ...job, leaseMs: 0 }] })).toThrow(
      /job "poll" has lease 0 ms/,
    );
  });

  it('names the known schedules when asked for an unknown one', async () => {
    const s = createScheduler({ ...base, jobs: [job] });
    await expect(s.runNow('pol')).rejects.toMatchObject({
      message: expect.stringMatching(/no schedule named "pol"/),
      hint: 'Known schedules: poll.',
    });
  });
});
