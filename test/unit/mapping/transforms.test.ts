import { compileMapping, parseMappingText } from '../../../src/mapping/index.js';
import { adfToText, textToAdf } from '../../../src/mapping/adf.js';
import { formatDate, parseDate, zoneOffset } from '../../../src/mapping/dates.js';
import { compileTransform } from '../../../src/mapping/transforms.js';

const t = (step: unknown, system: 'servicenow' | 'jira' | 'github' | 'gitlab' = 'jira') =>
  compileTransform(step, { system });

describe('dates', () => {
  it.each([
    ['2015-07-06 18:59:27', 'servicenow', '2015-07-06T18:59:27.000Z'],
    ['2021-01-18T23:45:00.000+0000', 'jira', '2021-01-18T23:45:00.000Z'],
    ['2019-02-15T19:14:22.002-0800', 'jira', '2019-02-16T03:14:22.002Z'],
    ['2021-04-28 21:50:00 +0200', 'gitlab', '2021-04-28T19:50:00.000Z'],
    ['2019-05-15T15:20:53Z', 'iso', '2019-05-15T15:20:53.000Z'],
  ] as const)('%s (%s)', (text, format, iso) => {
    expect(parseDate(text, format).toISOString()).toBe(iso);
  });

  it('reads a ServiceNow instance time zone, including across DST', () => {
    const berlin = zoneOffset('Europe/Berlin');
    expect(parseDate('2026-01-15 10:00:00', 'servicenow', berlin).toISOString()).toBe(
      '2026-01-15T09:00:00.000Z',
    );
    expect(parseDate('2026-07-15 10:00:00', 'servicenow', berlin).toISOString()).toBe(
      '2026-07-15T08:00:00.000Z',
    );
    expect(formatDate(new Date('2026-07-15T08:00:00Z'), 'servicenow', berlin)).toBe(
      '2026-07-15 10:00:00',
    );
  });

  it('rejects text that is not a date', () => {
    expect(() => parseDate('yesterday', 'servicenow')).toThrow(
      '"yesterday" is not a servicenow date',
    );
    expect(() => parseDate('2026-13-45 99:99:99', 'servicenow')).toThrow();
  });

  it('reports a bad date in a record as a field issue', () => {
    const { source } = parseMappingText(
      'd.yaml',
      'system: servicenow\nkind: incident\ntarget: Incident\nfields:\n  openedAt:\n    from: opened_at\n    transform: [{ date: servicenow }]\n',
    );
    expect(compileMapping([source!]).map({ opened_at: 'soon' }).issues).toEqual([
      { field: 'openedAt', message: '"soon" is not a servicenow date' },
    ]);
  });
});

describe('named transforms', () => {
  it('trim, lower, upper work on text and lists', () => {
    expect(t('trim').forward(' a ', null)).toBe('a');
    expect(t('lower').forward(['A', 'B'], null)).toEqual(['a', 'b']);
    expect(t('upper').forward(null, null)).toBeNull();
  });

  it('number and boolean read ServiceNow strings and write them back as strings', () => {
    expect(t('number', 'servicenow').forward('3', null)).toBe(3);
    expect(t('number', 'servicenow').reverse!(3)).toBe('3');
    expect(t('boolean', 'servicenow').forward('true', null)).toBe(true);
    expect(() => t('number').forward('abc', null)).toThrow('"abc" is not a number');
  });

  it('split, join, first, last', () => {
    expect(t({ split: ',' }).forward('a, b,,c', null)).toEqual(['a', 'b', 'c']);
    expect(t({ join: '; ' }).forward(['a', '', 'b'], null)).toBe('a; b');
    expect(t('first').forward(['', 'x', 'y'], null)).toBe('x');
    expect(t('last').forward(['x', 'y'], null)).toBe('y');
  });

  it('user yields identity ids for each system', () => {
    expect(t('user', 'servicenow').forward({ link: 'l', value: 'abc' }, null)).toBe(
      'servicenow:sys_user:abc',
    );
    expect(t('user', 'jira').forward({ accountId: '5b10' }, null)).toBe('jira:5b10');
    expect(t('user', 'github').forward({ login: 'octocat', id: 1 }, null)).toBe('github:octocat');
    expect(t('user', 'gitlab').forward({ id: 1, username: 'root' }, null)).toBe('gitlab:root');
    expect(t('user', 'jira').reverse!('jira:5b10')).toEqual({ accountId: '5b10' });
  });

  it('keys uses the model key extractor', () => {
    expect(t({ keys: 'changes' }).forward(['CHG0030001 and OPS-1'], null)).toEqual(['CHG0030001']);
    expect(t({ keys: 'issues' }).forward('feature/ops-12', null)).toEqual(['OPS-12']);
  });

  it('template fills paths from the record and caps each value', () => {
    const fn = t({ template: '{{repo}}#{{.}}' }).forward;
    expect(fn(12, { repo: 'acme/api' })).toBe('acme/api#12');
    expect((fn('x'.repeat(10_000), {}) as string).length).toBe(1 + 4096);
  });

  it('ADF ↔ text', () => {
    const adf = textToAdf('one\n\ntwo');
    expect(adfToText(adf)).toBe('one\n\ntwo');
    expect(adfToText('already text')).toBe('already text');
    expect(
      adfToText({
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'a' },
              { type: 'hardBreak' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      }),
    ).toBe('a\nb');
  });

  it('names the unknown transform and suggests the closest one', () => {
    expect(() => t('upperr')).toThrow('unknown transform "upperr" (did you mean "upper"?)');
    expect(() => t({ keys: 'tickets' })).toThrow('keys takes changes, issues or all');
  });
});
