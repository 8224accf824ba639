import { compareCursor, decodeCursor, encodeCursor } from '../../../connectors/jira/cursor.js';
import {
  formatJiraTimestamp,
  formatJqlDate,
  parseJiraTimestamp,
  wallClockToDate,
} from '../../../connectors/jira/time-zone.js';
import { adfToText, markdownToAdf } from '../../../connectors/jira/adf.js';

test('JQL dates are minutes in the account time zone', () => {
  const at = new Date('2026-03-02T23:59:30Z');
  expect(formatJqlDate(at, 'UTC')).toBe('2026/03/02 23:59');
  expect(formatJqlDate(at, 'Asia/Kolkata')).toBe('2026/03/03 05:29');
  expect(formatJqlDate(at, 'America/Los_Angeles')).toBe('2026/03/02 15:59');
  expect(
    wallClockToDate(
      { year: 2026, month: 3, day: 3, hour: 5, minute: 29 },
      'Asia/Kolkata',
    ).toISOString(),
  ).toBe('2026-03-02T23:59:00.000Z');
});

test("Jira timestamps round-trip in Jira's format", () => {
  const at = new Date('2021-01-18T23:45:00.123Z');
  expect(formatJiraTimestamp(at)).toBe('2021-01-18T23:45:00.123+0000');
  expect(formatJiraTimestamp(at, 'America/Los_Angeles')).toBe('2021-01-18T15:45:00.123-0800');
  expect(parseJiraTimestamp('2019-02-15T19:14:22.002-0800')?.toISOString()).toBe(
    '2019-02-16T03:14:22.002Z',
  );
  expect(parseJiraTimestamp('nonsense')).toBeNull();
});

test('cursors are opaque, validated and ordered by (updated, id)', () => {
  const c = { updatedMs: 1_700_000_000_000, id: '10042' };
  expect(decodeCursor(encodeCursor(c))).toEqual(c);
  expect(() => decodeCursor(Buffer.from('{"v":1,"u":-1,"i":"1"}').toString('base64url'))).toThrow(
    /not a valid Jira cursor/,
  );
  expect(() => decodeCursor('%%%')).toThrow(/not a valid Jira cursor/);
  expect(compareCursor({ updatedMs: 1, id: '9' }, { updatedMs: 1, id: '10' })).toBe(-1);
  expect(compareCursor({ updatedMs: 2, id: '' }, { updatedMs: 1, id: '99' })).toBe(1);
});

test('markdown-ish text becomes ADF with only text nodes for user input', () => {
  const doc = markdownToAdf(
    '# Findings\n\n**Blocked** by [CHG0030001](https://sn.example.com/x)\n\n- one\n- `two`',
  );
  expect(doc).toEqual({
    type: 'doc',
    version: 1,
    content: [
      { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Findings' }] },
      {
        type: 'paragraph',
        content: [
          { type: 'text', text: 'Blocked', marks: [{ type: 'strong' }] },
          { type: 'text', text: ' by ' },
          {
            type: 'text',
            text: 'CHG0030001',
            marks: [{ type: 'link', attrs: { href: 'https://sn.example.com/x' } }],
          },
        ],
      },
      {
        type: 'bulletList',
        content: [
          {
            type: 'listItem',
            content: [{ type: 'paragraph', content: [{ type: 'text', text: 'one' }] }],
          },
          {
            type: 'listItem',
            content: [
              {
                type: 'paragraph',
                content: [{ type: 'text', text: 'two', marks: [{ type: 'code' }] }],
              },
            ],
          },
        ],
      },
    ],
  });
  expect(adfToText(doc)).toBe('Findings\nBlocked by CHG0030001\none\ntwo');
  expect(markdownToAdf('[x](javascript:alert(1))').content[0]).toEqual({
    type: 'paragraph',
    content: [{ type: 'text', text: '[x](javascript:alert(1))' }],
  });
});
