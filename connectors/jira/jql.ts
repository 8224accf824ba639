import { formatJqlDate } from './time-zone.js';

/**
 * The only way changebridge writes JQL. Every value is a quoted JQL string with `\` and
 * `"` escaped, so a project key or label such as `OPS" OR project = HR` stays one value
 * and cannot change the query's meaning. Field names are fixed here, never user input.
 */

/** A JQL string literal. Control characters use JQL's escapes (`\n`, `\t`, `\uXXXX`). */
export function jqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function jqlList(values: readonly string[]): string {
  return `(${values.map(jqlString).join(', ')})`;
}

export interface IncrementalJqlInput {
  /** Jira rejects unbounded JQL: at least one project is required. */
  projects: readonly string[];
  /** Empty: every issue type. */
  issueTypes: readonly string[];
  /** Lower bound on `updated`; truncated to the minute in `timeZone`. */
  since: Date;
  timeZone: string;
}

/**
 * `project IN (…) [AND issuetype IN (…)] AND updated >= "yyyy/MM/dd HH:mm"
 * ORDER BY updated ASC, id ASC` — the id tie-break keeps the order total, so issues
 * updated in the same millisecond page deterministically.
 */
export function buildIncrementalJql(input: IncrementalJqlInput): string {
  if (input.projects.length === 0) {
    throw new Error(
      '[changebridge/jira] no projects configured: Jira rejects unbounded JQL; list project keys under jira.projects',
    );
  }
  const clauses = [`project IN ${jqlList(input.projects)}`];
  if (input.issueTypes.length > 0) clauses.push(`issuetype IN ${jqlList(input.issueTypes)}`);
  clauses.push(`updated >= ${jqlString(formatJqlDate(input.since, input.timeZone))}`);
  return `${clauses.join(' AND ')} ORDER BY updated ASC, id ASC`;
}

/** `key = "OPS-1"` for a re-read through search. */
export function buildKeyJql(key: string): string {
  return `key = ${jqlString(key)}`;
}
