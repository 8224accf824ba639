import { z } from 'zod';
import { replaceUrlPassword, urlPasswordText } from './database-url.js';
import type { EnvResolution } from './env.js';
import { fromZodIssue, pathIssue, type IssueContext, type PathIssue } from './errors.js';
import { isUnder, samePath, valueAt, type ConfigPath } from './paths.js';
import type { Config, configSchema } from './schema.js';
import { ENV_REFERENCE, isSecretPath } from './secrets.js';
import { expectedAt, innermost, knownKeysAt, schemaAt } from './schema-walk.js';

type Schema = typeof configSchema;

export interface Validation {
  config: Config | undefined;
  issues: PathIssue[];
}

/**
 * Validates the env-resolved tree. zod issues on fields that env resolution already
 * reported (missing variable, literal secret) are dropped: one problem, one line.
 */
export function validate(schema: Schema, raw: unknown, resolved: EnvResolution): Validation {
  const result = schema.safeParse(resolved.value);
  if (result.success) return { config: result.data, issues: resolved.issues };

  const envPaths = [...resolved.issues.map((issue) => issue.path), ...resolved.unresolved];
  const failing = result.error.issues.map((issue) => ({
    issue,
    path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
  }));
  const ctx = issueContext(schema, raw, resolved.value);
  const own = failing.filter(({ path }) => !envPaths.some((envPath) => isUnder(path, envPath)));
  const issues = [...resolved.issues, ...own.flatMap(({ issue }) => fromZodIssue(issue, ctx))];
  if (issues.some((issue) => issue.severity === 'error')) return { config: undefined, issues };

  // Left: fields that failed only because allowMissingEnv kept their `${NAME}` text.
  const paths = failing.map(({ path }) => path);
  const config = withPlaceholders(schema, resolved.value, paths);
  if (config) return { config, issues };
  const blocked = paths.map((path) =>
    pathIssue(path, 'cannot be checked while its environment variable is missing'),
  );
  return { config: undefined, issues: [...issues, ...blocked] };
}

const PROBES: unknown[] = [
  undefined,
  1,
  100,
  1024,
  65_535,
  'https://unresolved.invalid',
  'sqlite::memory:',
  '* * * * *',
  'UTC',
  'unresolved',
];

/**
 * Builds a typed config although some fields could not be resolved: each is validated
 * with a stand-in value its schema accepts, then given back its `${NAME}` text, so
 * `config check` can show the file as written. Such a config is for display only.
 */
function withPlaceholders(schema: Schema, tree: unknown, paths: ConfigPath[]): Config | undefined {
  const probeTree: unknown = structuredClone(tree);
  for (const path of paths) {
    const field = schemaAt(schema, path, probeTree);
    if (!field) return undefined;
    const inner = innermost(field);
    const own =
      inner instanceof z.ZodEnum
        ? inner.options
        : inner instanceof z.ZodLiteral
          ? [...inner.values]
          : [];
    const probe = [...own, ...PROBES].find((candidate) => z.safeParse(field, candidate).success);
    if (probe === undefined && !z.safeParse(field, undefined).success) return undefined;
    setAt(probeTree, path, probe);
  }
  const result = schema.safeParse(probeTree);
  if (!result.success) return undefined;
  for (const path of paths) setAt(result.data, path, valueAt(tree, path));
  return result.data;
}

function setAt(tree: unknown, path: ConfigPath, value: unknown): void {
  const parent = valueAt(tree, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent !== null && typeof parent === 'object' && key !== undefined) {
    (parent as Record<string | number, unknown>)[key] = value;
  }
}

function issueContext(schema: Schema, raw: unknown, resolved: unknown): IssueContext {
  return {
    valueAt: (path) => valueAt(resolved, path),
    display: (path) => display(path, valueAt(raw, path), valueAt(resolved, path)),
    expected: (path) => expectedAt(schema, path, resolved),
    knownKeys: (path) => knownKeysAt(schema, path, resolved),
  };
}

/** How a value is quoted in a message. Secrets never; env-sourced values with their origin. */
export function display(path: ConfigPath, raw: unknown, resolved: unknown): string | undefined {
  if (isSecretPath(path)) return undefined;
  if (Array.isArray(resolved)) return 'a list';
  if (resolved !== null && typeof resolved === 'object') return 'a mapping';
  if (typeof resolved !== 'string') return JSON.stringify(resolved);
  // A password inside any URL (database.url, or one pasted into a baseUrl) is never quoted:
  // the reference it came from is shown instead, or ****.
  const reference = typeof raw === 'string' ? urlPasswordText(raw) : undefined;
  const password = reference !== undefined && ENV_REFERENCE.test(reference) ? reference : '****';
  const shown = JSON.stringify(truncate(replaceUrlPassword(resolved, password)));
  if (samePath(path, ['database', 'url']) || typeof raw !== 'string' || raw === resolved) {
    return shown;
  }
  return `${shown} (from "${truncate(replaceUrlPassword(raw, password))}")`;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
