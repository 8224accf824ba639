import { query, QueryBuildError, fieldList } from '../../../connectors/servicenow/query.js';
import { seededRandom } from '../../../connectors/servicenow/simulator-faults.js';
import { parseEncodedQuery } from '../../../connectors/servicenow/simulator-query.js';

describe('encoded-query builder', () => {
  it('builds the incremental-read query', () => {
    const q = query('change_request')
      .where('sys_updated_on', '>=', '2026-03-01 10:00:00')
      .orderBy('sys_updated_on')
      .orderBy('sys_id');
    expect(q.toString()).toBe(
      'sys_updated_on>=2026-03-01 10:00:00^ORDERBYsys_updated_on^ORDERBYsys_id',
    );
  });

  it('supports every operator, OR and descending order', () => {
    const q = query('incident')
      .where('state', 'IN', ['1', '2'])
      .where('priority', 'NOT IN', ['5'])
      .where('caused_by', 'ISNOTEMPTY')
      .where('short_description', 'LIKE', 'db')
      .orWhere('short_description', 'STARTSWITH', 'Database')
      .where('resolved_at', 'ISEMPTY')
      .orderBy('number', 'desc');
    expect(q.toString()).toBe(
      'stateIN1,2^priorityNOT IN5^caused_byISNOTEMPTY^short_descriptionLIKEdb^ORshort_descriptionSTARTSWITHDatabase^resolved_atISEMPTY^ORDERBYDESCnumber',
    );
  });

  it.each([
    ['^NQ injection', 'x^NQsys_id!=x'],
    ['^OR injection', 'CHG0030001^ORnumberISNOTEMPTY'],
    ['a bare caret', 'a^b'],
    ['a newline', 'line1\nline2'],
    ['a carriage return', 'x\rORDERBYnumber'],
    ['a NUL', 'x\0'],
  ])('rejects %s in a value, naming the field and the fix', (_name, value) => {
    const build = () => query('change_request').where('number', '=', value).toString();
    expect(build).toThrow(QueryBuildError);
    expect(build).toThrow(/change_request\.number/);
    try {
      build();
    } catch (e) {
      expect((e as QueryBuildError).hint).toBeTruthy();
    }
  });

  it('rejects injection inside an IN list, and commas that would split a value', () => {
    expect(() => query('incident').where('number', 'IN', ['INC1', 'x^NQactive=true'])).toThrow(
      /"\^"/,
    );
    expect(() => query('incident').where('number', 'IN', ['a,b'])).toThrow(/","/);
    expect(() => query('incident').where('number', 'IN', [])).toThrow(/non-empty/);
  });

  it('rejects unknown field names (the instance would ignore the term and match every row)', () => {
    expect(() => query('change_request').where('numbr', '=', 'CHG0030001')).toThrow(
      /unknown field "numbr" on table change_request/,
    );
    expect(() => query('change_request').orderBy('sys_updated')).toThrow(/unknown field/);
    expect(() => query('change_request').where('number^NQactive', '=', 'x')).toThrow(
      /unknown field/,
    );
    expect(() => fieldList('incident', ['number', 'nope'])).toThrow(/sysparm_fields/);
  });

  it('accepts configured custom columns only when named', () => {
    expect(() => query('change_request').where('u_changebridge_id', '=', 'x')).toThrow(
      /unknown field/,
    );
    expect(
      query('change_request', ['u_changebridge_id'])
        .where('u_changebridge_id', '=', 'x')
        .toString(),
    ).toBe('u_changebridge_id=x');
  });

  it('fuzz: any value the builder accepts stays one term and matches exactly that value', () => {
    const rand = seededRandom(7);
    const alphabet = [
      '^',
      'N',
      'Q',
      'O',
      'R',
      '=',
      ',',
      '\n',
      '\r',
      '\0',
      'a',
      'Z',
      '1',
      ' ',
      '!',
      '>',
      '<',
      '@',
      'é',
      '%',
      '&',
      'ORDERBY',
      '^NQ',
      '^OR',
      'IN',
      'LIKE',
      '"',
      "'",
      '\\',
    ];
    let accepted = 0;
    let rejected = 0;
    for (let n = 0; n < 5000; n++) {
      const len = Math.floor(rand() * 12);
      let value = '';
      for (let k = 0; k < len; k++) value += alphabet[Math.floor(rand() * alphabet.length)];
      let encoded: string;
      try {
        encoded = query('change_request')
          .where('short_description', '=', value)
          .where('number', '=', 'CHG0030001')
          .toString();
      } catch (e) {
        expect(e).toBeInstanceOf(QueryBuildError);
        expect(/[\^\r\n\0]/.test(value)).toBe(true);
        rejected += 1;
        continue;
      }
      accepted += 1;
      expect(value).not.toMatch(/[\^\r\n\0]/);
      expect(encoded.split('^')).toHaveLength(2);
      // The simulator (a real instance's parser) reads it back as exactly two AND'ed terms.
      const parsed = parseEncodedQuery('change_request', encoded);
      const row = { short_description: value, number: 'CHG0030001' };
      expect(parsed.matches(row)).toBe(true);
      expect(parsed.matches({ ...row, short_description: `${value}x` })).toBe(false);
      expect(parsed.matches({ ...row, number: 'CHG0030002' })).toBe(false);
    }
    expect(accepted).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(500);
  });
});
