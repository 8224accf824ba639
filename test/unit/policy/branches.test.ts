import { isProtectedBranch } from '../../../src/policy/branches.js';

describe('isProtectedBranch', () => {
  it.each([
    // exact names
    ['main', ['main'], true],
    ['mainline', ['main'], false],
    ['Main', ['main'], false],
    ['feature/main', ['main'], false],
    // refs/heads/ is stripped from branch and pattern
    ['refs/heads/main', ['main'], true],
    ['main', ['refs/heads/main'], true],
    ['refs/tags/main', ['main'], false],
    // `*` stays within one segment
    ['release/1.2', ['release/*'], true],
    ['release/1.2/hotfix', ['release/*'], false],
    ['release', ['release/*'], false],
    ['release-1.2', ['release-*'], true],
    ['hotfix/a', ['*/a'], true],
    ['x/y/a', ['*/a'], false],
    // `**` crosses segments
    ['release/1.2/hotfix', ['release/**'], true],
    ['release/1.2', ['release/**'], true],
    ['team/a/release/9', ['**/release/*'], true],
    ['release/9', ['**/release/*'], true],
    ['env/prod', ['env/**/prod'], true],
    ['env/eu/west/prod', ['env/**/prod'], true],
    ['anything/at/all', ['**'], true],
    // everything else is literal, not regex
    ['release/1x2', ['release/1.2'], false],
    ['hotfix+x', ['hotfix+x'], true],
    ['a(b)', ['a(b)'], true],
    ['ab', ['a?b'], false],
    // several patterns, none, blanks
    ['develop', ['main', 'develop'], true],
    ['develop', [], false],
    ['', ['*'], false],
    ['  main ', [' main'], true],
  ] as const)('%s against %j → %s', (branch, patterns, expected) => {
    expect(isProtectedBranch(branch, patterns)).toBe(expected);
  });
});
