import { readdirSync } from 'node:fs';
import { buildMappingSet, formatProblem, parseMappingText } from '../../../src/mapping/index.js';
import { readMappingDir } from '../../../src/mapping/load-files.js';
import { FIXTURES } from './helpers.js';

const BROKEN = `${FIXTURES}broken/`;

function problems(folder: string): string[] {
  return buildMappingSet(readMappingDir(`${BROKEN}${folder}`), folder).problems.map(formatProblem);
}

/** Each deliberately broken copy → the exact file:line:col and message it must produce. */
const expected: Record<string, [string, RegExp]> = {
  'unknown-field': [
    'unknown-field/jira.issue.yaml:9:3: fields.riks:',
    /"riks" is not a field of Change \(did you mean "risk"\?\)/,
  ],
  'bad-enum': [
    'bad-enum/jira.issue.yaml:10:13: fields.risk.map.High:',
    /"hgh" is not a canonical value \(did you mean "high"\?\)/,
  ],
  'missing-source-value': [
    'missing-source-value/servicenow.change_request.yaml:9:5: fields.state.map:',
    /misses source value\(s\) "-1" of state; add them or an `else:`/,
  ],
  'out-no-target': [
    'out-no-target/servicenow.change_request.yaml:8:16: fields.services.direction:',
    /needs one writable target: add `to: <path>`/,
  ],
  'git-host-write': [
    'git-host-write/github.pull_request.yaml:8:16: fields.title.direction:',
    /github records are not written field by field/,
  ],
  'conflicting-authority': [
    'conflicting-authority/servicenow.change_request.yaml:8:16: fields.title.authority:',
    /authority "servicenow" conflicts with "jira" for Change.title in conflicting-authority\/jira.issue.yaml/,
  ],
  'unknown-transform': [
    'unknown-transform/jira.issue.yaml:7:17: fields.title.transform.0:',
    /unknown transform "trimm" \(did you mean "trim"\?\)/,
  ],
  'unknown-key': [
    'unknown-key/jira.issue.yaml:7:5: fields.title.dirction:',
    /unknown key "dirction" \(did you mean "direction"\?\)/,
  ],
  'prototype-key': ['prototype-key/jira.issue.yaml:6:3:', /key "__proto__" is not allowed/],
  'prototype-path': [
    'prototype-path/jira.issue.yaml:7:11: fields.title.from:',
    /path segment "constructor" is not allowed/,
  ],
  'template-escape': [
    'template-escape/github.pull_request.yaml:8:17: fields.title.transform.0:',
    /path segment "constructor" is not allowed/,
  ],
  'read-only-target': [
    'read-only-target/jira.issue.yaml:7:11: fields.state.from:',
    /"fields.status.statusCategory.key" is read-only in jira/,
  ],
  'both-without-authority': [
    'both-without-authority/servicenow.change_request.yaml:7:16: fields.justification.direction:',
    /needs `authority: servicenow \| jira \| latest`/,
  ],
  'bad-timezone': [
    'bad-timezone/servicenow.change_request.yaml:7:17: fields.plannedStart.transform.0:',
    /timezone "Europe\/Berln" is not an IANA time zone/,
  ],
  'name-mismatch': [
    'name-mismatch/servicenow.incident.yaml:2:7: kind:',
    /says kind "change_request" but the file name says "incident"/,
  ],
  'lossy-write': [
    'lossy-write/jira.issue.yaml:8:17: fields.title.transform.0:',
    /transform "template" cannot be reversed, so this field cannot be written back/,
  ],
  'authority-on-in': [
    'authority-on-in/servicenow.change_request.yaml:7:16: fields.title.authority:',
    /authority only applies to `direction: both` fields/,
  ],
};

describe('mapping validation errors: file, line, column, message', () => {
  it('has an expectation for every broken copy on disk', () => {
    expect(Object.keys(expected).concat('eval-transform').sort()).toEqual(
      readdirSync(BROKEN).sort(),
    );
  });

  it.each(Object.entries(expected))('%s', (folder, [where, message]) => {
    const found = problems(folder);
    expect(found).toHaveLength(1);
    expect(found[0]!.startsWith(where)).toBe(true);
    expect(found[0]).toMatch(message);
  });

  it('a YAML syntax error is positioned too (inline: prettier cannot check a broken file)', () => {
    const { problems } = parseMappingText(
      'jira.issue.yaml',
      'system: jira\nkind: issue\ntarget: Change\nfields:\n  title:\n    from: [fields.summary\n',
    );
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^jira\.issue\.yaml:7:1: Flow sequence in block collection must be sufficiently indented and end with a \]/,
      ),
    ]);
  });

  it('eval-transform: no transform reaches eval or Object.prototype members', () => {
    expect(problems('eval-transform')).toEqual([
      expect.stringMatching(
        /^eval-transform\/jira.issue.yaml:8:17: fields.title.transform.0: unknown transform "eval"/,
      ),
      expect.stringMatching(
        /^eval-transform\/jira.issue.yaml:11:17: fields.description.transform.0: unknown transform "toString"/,
      ),
    ]);
  });
});
