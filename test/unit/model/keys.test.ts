import { extractKeys, MAX_SCAN_LENGTH } from '../../../src/model/index.js';

describe('extractKeys', () => {
  it('finds change numbers and Jira keys in titles, branches and bodies', () => {
    expect(
      extractKeys([
        'CHG0030001: rotate certs (OPS-12)',
        'feature/ops-77-chg0030002-tls',
        'Fixes OPS-12, see CHG0030003.',
      ]),
    ).toEqual({
      changeKeys: ['CHG0030001', 'CHG0030002', 'CHG0030003'],
      issueKeys: ['OPS-12', 'OPS-77'],
    });
  });

  it('respects word boundaries and exact digit counts', () => {
    expect(extractKeys(['XCHG0030001 CHG00300011 CHG003000 1OPS-1 OPS-1x OPS-01'])).toEqual({
      changeKeys: [],
      issueKeys: [],
    });
  });

  it('treats "_" in branch names as a separator, but keeps it inside project keys', () => {
    expect(extractKeys(['ops-42_fix chg0030001_hotfix'])).toEqual({
      changeKeys: ['CHG0030001'],
      issueKeys: ['OPS-42'],
    });
    expect(
      extractKeys(['feature_ops-7'], {
        changePrefixes: ['CHG'],
        changeDigits: 7,
        jiraProjects: ['OPS'],
      }),
    ).toEqual({
      changeKeys: [],
      issueKeys: ['OPS-7'],
    });
    expect(extractKeys(['MY_PROJ-7'])).toEqual({ changeKeys: [], issueKeys: ['MY_PROJ-7'] });
  });

  it('limits Jira keys to configured projects and supports several change prefixes', () => {
    expect(
      extractKeys(['OPS-1 UTF-8 ISO-27001 RFC1234567 CHG1234567'], {
        changePrefixes: ['CHG', 'RFC'],
        changeDigits: 7,
        jiraProjects: ['OPS'],
      }),
    ).toEqual({ changeKeys: ['CHG1234567', 'RFC1234567'], issueKeys: ['OPS-1'] });
  });

  it('ignores text past the scan limit', () => {
    const long = 'A'.repeat(MAX_SCAN_LENGTH - 20) + '-' + '1'.repeat(19) + ' CHG0000001';
    const none = extractKeys([long]);
    expect([none.changeKeys.length, none.issueKeys.length]).toEqual([0, 0]);
    const first = extractKeys(['CHG0000001 OPS-1 ' + long]);
    expect([first.changeKeys, first.issueKeys]).toEqual([['CHG0000001'], ['OPS-1']]);
  });
});
