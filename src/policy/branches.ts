/**
 * Protected-branch matching for `linked-change` (DESIGN §6, `OrgFacts.protectedBranches`).
 *
 * Patterns are plain globs, deliberately smaller than git's or minimatch's:
 * - `*` matches any run of characters within one path segment (never a `/`);
 * - `**` matches across segments; `a/**\/b` also matches `a/b` (zero segments), like git;
 * - every other character matches itself exactly (no `?`, no character classes), because
 *   branch names such as `release/1.2` or `hotfix+x` must not turn into regex syntax.
 * A leading `refs/heads/` is stripped from both the branch and the pattern, since webhooks
 * send full refs (`refs/heads/main`) while configuration usually names short branches.
 * Matching is case-sensitive, as git branch names are.
 */
const REFS_HEADS = 'refs/heads/';

const cache = new Map<string, RegExp>();

export function isProtectedBranch(branch: string, patterns: readonly string[]): boolean {
  const name = stripRef(branch.trim());
  if (name === '') return false;
  return patterns.some((pattern) => compile(stripRef(pattern.trim())).test(name));
}

function stripRef(name: string): string {
  return name.startsWith(REFS_HEADS) ? name.slice(REFS_HEADS.length) : name;
}

function compile(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^${globToRegExpSource(pattern)}$`);
    cache.set(pattern, re);
  }
  return re;
}

function globToRegExpSource(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    if (pattern.startsWith('**', i)) {
      const afterSlash = pattern[i + 2] === '/';
      const atSegmentStart = i === 0 || pattern[i - 1] === '/';
      if (afterSlash && atSegmentStart) {
        // `**/` at a segment start: zero or more whole segments.
        out += '(?:.*/)?';
        i += 3;
      } else {
        out += '.*';
        i += 2;
      }
    } else if (pattern[i] === '*') {
      out += '[^/]*';
      i += 1;
    } else {
      out += escapeChar(pattern[i] ?? '');
      i += 1;
    }
  }
  return out;
}

function escapeChar(c: string): string {
  return /[\\^$.|?+()[\]{}]/.test(c) ? `\\${c}` : c;
}
