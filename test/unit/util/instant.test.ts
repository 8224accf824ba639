import { parseIsoInstant } from '../../../src/util/instant.js';

const iso = (value: string, endOfDay = false): string | null =>
  parseIsoInstant(value, { endOfDay })?.toISOString() ?? null;

describe('parseIsoInstant (command-line instants)', () => {
  it.each([
    ['2026-11-01', false, '2026-11-01T00:00:00.000Z'],
    ['2026-11-30', true, '2026-11-30T23:59:59.999Z'],
    [' 2026-11-01T12:00 ', false, '2026-11-01T12:00:00.000Z'],
    ['2026-11-01T12:00:30.5Z', false, '2026-11-01T12:00:30.500Z'],
    ['2026-11-01T12:00+0200', false, '2026-11-01T10:00:00.000Z'],
    ['2026-11-01T01:00-05:00', false, '2026-11-01T06:00:00.000Z'],
    ['2028-02-29', false, '2028-02-29T00:00:00.000Z'],
    ['2026-04-30T23:59:59Z', false, '2026-04-30T23:59:59.000Z'],
  ])('%s (end of day: %s) → %s', (value, endOfDay, want) => {
    expect(iso(value, endOfDay)).toBe(want);
  });

  it.each([
    '2026-02-30', // Date.parse would give March 2
    '2026-02-29', // not a leap year
    '2026-04-31',
    '2026-02-30T10:00:00+02:00', // rolled over with a zone too
    '2026-02-31T00:00Z',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-01-01T25:00',
    '2026-1-1',
    'tomorrow',
    '',
  ])('refuses %j', (value) => {
    expect(iso(value)).toBeNull();
  });
});
