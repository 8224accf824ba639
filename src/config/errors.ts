import type { core } from 'zod';
import { didYouMean } from '../util/did-you-mean.js';
import { dotted, type ConfigPath } from './paths.js';

export type Severity = 'error' | 'warning';

/** A problem found before its place in the file is known (env resolution, validation). */
export interface PathIssue {
  severity: Severity;
  path: ConfigPath;
  /** Everything after the location, e.g. `connections.jira.baseUrl: "jira" is not a URL`. */
  message: string;
  expected?: string;
  fix?: string;
  /** Point at the key (unknown keys) instead of the value. */
  at?: 'key' | 'value';
}

export interface ConfigIssue {
  severity: Severity;
  /** The config file as the operator named it, or `<embedded defaults>`. */
  file: string;
  line?: number;
  col?: number;
  /** Dotted path; empty when the problem is the file itself. */
  path: string;
  message: string;
  expected?: string;
  fix?: string;
}

/** `<file>:<line>:<col>: <dotted.path>: <what was wrong> (expected <what is expected>)`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.col}`;
  const hints = [issue.expected && `expected ${issue.expected}`, issue.fix].filter(Boolean);
  const level = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${level}${issue.message}${hints.length ? ` (${hints.join('; ')})` : ''}`;
}

export const EX_CONFIG = 78;

/** Every problem in one throw, so an operator fixes the file in one pass, not one per restart. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** sysexits(3) EX_CONFIG: what the CLI should exit with. */
  readonly exitCode = EX_CONFIG;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
    super(
      `[changebridge/config] cannot load configuration, ${count}:\n` +
        issues.map(formatIssue).join('\n'),
    );
    this.issues = issues;
  }
}

export function pathIssue(
  path: ConfigPath,
  problem: string,
  extra: Partial<PathIssue> = {},
): PathIssue {
  const subject = dotted(path);
  return {
    severity: 'error',
    path,
    message: subject ? `${subject}: ${problem}` : problem,
    ...extra,
  };
}

/** A problem whose subject is the field itself: `connections.jira.auth is required`. */
function fieldIssue(path: ConfigPath, predicate: string, expected?: string): PathIssue {
  return { severity: 'error', path, message: `${dotted(path)} ${predicate}`, expected, at: 'key' };
}

/** What the zod-issue mapper needs to know about the file; the loader supplies it. */
export interface IssueContext {
  /** The value at `path` (resolved), for deciding "missing" vs "wrong". */
  valueAt(path: ConfigPath): unknown;
  /** How to quote the value at `path` in a message; undefined for secrets. */
  display(path: ConfigPath): string | undefined;
  /** The `expected …` text attached to the schema at `path`, if any. */
  expected(path: ConfigPath): string | undefined;
  /** Keys the schema allows in the mapping at `path`. */
  knownKeys(path: ConfigPath): string[];
}

/** Params our own checks (schema.ts) attach to `custom` issues. */
export interface CustomParams {
  problem: string;
  expected?: string;
  /** `field`: the problem is about the field (`… is required`), not its value. */
  subject?: 'value' | 'field';
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** The one place zod's issue shapes become operator-facing sentences; zod's own text never leaks. */
export function fromZodIssue(issue: core.$ZodIssue, ctx: IssueContext): PathIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const quoted = ctx.display(path) ?? 'the value';
  const hint = ctx.expected(path);
  switch (issue.code) {
    case 'invalid_type': {
      const value = ctx.valueAt(path);
      if (value === undefined) return [fieldIssue(path, 'is required', hint)];
      if (value === null) return [fieldIssue(path, 'has no value', hint)];
      const word = TYPE_WORDS[issue.expected] ?? issue.expected;
      return [pathIssue(path, `${quoted} is not ${word}`, { expected: hint })];
    }
    case 'invalid_value':
      return [
        pathIssue(path, `${quoted} is not one of the allowed values`, {
          expected: `one of: ${issue.values.map(String).join(', ')}`,
        }),
      ];
    case 'invalid_union': {
      if (issue.discriminator !== undefined && 'options' in issue && issue.options) {
        const expected = `one of: ${issue.options.map(String).join(', ')}`;
        if (ctx.valueAt(path) === undefined) return [fieldIssue(path, 'is required', expected)];
        return [pathIssue(path, `${quoted} is not one of the allowed values`, { expected })];
      }
      return [pathIssue(path, `${quoted} does not match any allowed form`, { expected: hint })];
    }
    case 'unrecognized_keys': {
      const known = ctx.knownKeys(path);
      return issue.keys.map((key) => {
        const guess = didYouMean(key, known);
        return pathIssue([...path, key], `unknown key "${key}"`, {
          at: 'key',
          ...(guess
            ? { fix: `did you mean \`${guess}\`?` }
            : { expected: `one of: ${known.join(', ')}` }),
        });
      });
    }
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'string') {
        const predicate = Number(issue.minimum) <= 1 ? 'is empty' : 'is too short';
        return [fieldIssue(path, predicate, hint)];
      }
      return [pathIssue(path, `${quoted} is too small`, { expected: hint })];
    case 'custom': {
      const params = issue.params as CustomParams | undefined;
      if (params?.subject === 'field') return [fieldIssue(path, params.problem, params.expected)];
      // A schema's own refinement message (e.g. a calendar's) beats a generic "not valid".
      const problem =
        params?.problem ?? (issue.message ? `is not valid: ${issue.message}` : 'is not valid');
      return [pathIssue(path, `${quoted} ${problem}`, { expected: params?.expected ?? hint })];
    }
    default:
      return [pathIssue(path, `${quoted} is not valid`, { expected: hint })];
  }
}
