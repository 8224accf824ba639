import { wallClockToDate } from './time-zone.js';
import {
  JqlError,
  parseJql,
  type JqlClause,
  type JqlQuery,
  type JqlValue,
} from './simulator-jql.js';
import type { SimIssue, SimState } from './simulator-state.js';

/**
 * Evaluates parsed JQL against simulator issues. Date literals are read in the
 * searching user's time zone, as Jira does; an unknown field is a 400, not a match-all.
 */

export class JqlSemanticError extends JqlError {}

const DATE = /^(\d{4})[/-](\d{2})[/-](\d{2})(?: (\d{2}):(\d{2}))?$/;

function dateValue(v: JqlValue, timeZone: string): number {
  if (/^-?\d+$/.test(v.text)) return Number(v.text);
  const m = DATE.exec(v.text);
  if (!m) {
    throw new JqlSemanticError(
      `Date value '${v.text}' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    );
  }
  return wallClockToDate(
    { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0) },
    timeZone,
  ).getTime();
}

function compare(a: number, b: number, op: string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      throw new JqlSemanticError(`The operator '${op}' is not supported by this field.`);
  }
}

function propertyPath(field: string): { key: string; path: string[] } | null {
  const m = /^issue\.property\[([^\]]+)\](?:\.(.+))?$/.exec(field);
  return m ? { key: m[1]!, path: m[2] ? m[2].split('.') : [] } : null;
}

function readPath(value: unknown, path: string[]): unknown {
  let cur = value;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, p)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function textMatch(candidates: string[], clause: Extract<JqlClause, { kind: 'cmp' }>): boolean {
  const wanted = clause.values.map((v) => v.text.toLowerCase());
  const have = candidates.map((c) => c.toLowerCase());
  const hit = have.some((h) => wanted.includes(h));
  switch (clause.op) {
    case '=':
    case 'IN':
      return hit;
    case '!=':
    case 'NOT IN':
      return !hit;
    default:
      throw new JqlSemanticError(
        `The operator '${clause.op}' is not supported by the '${clause.field}' field.`,
      );
  }
}

export function matches(
  state: SimState,
  issue: SimIssue,
  clause: JqlClause,
  timeZone: string,
): boolean {
  switch (clause.kind) {
    case 'and':
      return clause.items.every((c) => matches(state, issue, c, timeZone));
    case 'or':
      return clause.items.some((c) => matches(state, issue, c, timeZone));
    case 'not':
      return !matches(state, issue, clause.item, timeZone);
    case 'cmp':
      break;
  }
  const project = state.projects.get(issue.project)!;
  switch (clause.field) {
    case 'project':
      return textMatch([project.key, project.id, project.name], clause);
    case 'issuetype':
    case 'type':
      return textMatch([issue.issueType], clause);
    case 'key':
    case 'issuekey':
      return textMatch([issue.key, issue.id], clause);
    case 'labels':
      return textMatch(issue.labels, clause);
    case 'status': {
      const s = state.statusOf(issue);
      return textMatch([s.name, s.id], clause);
    }
    case 'summary':
      if (clause.op !== '~')
        throw new JqlSemanticError("The operator '=' is not supported by the 'summary' field.");
      return issue.summary.toLowerCase().includes(clause.values[0]!.text.toLowerCase());
    case 'id':
      if (clause.op === 'IN' || clause.op === 'NOT IN') return textMatch([issue.id], clause);
      return compare(Number(issue.id), Number(clause.values[0]!.text), clause.op);
    case 'updated':
    case 'created': {
      if (clause.op === 'IN' || clause.op === 'NOT IN' || clause.op === '~') {
        throw new JqlSemanticError(
          `The operator '${clause.op}' is not supported by the '${clause.field}' field.`,
        );
      }
      const at = clause.field === 'updated' ? issue.updated : issue.created;
      return compare(at, dateValue(clause.values[0]!, timeZone), clause.op);
    }
    default: {
      const prop = propertyPath(clause.field);
      if (prop) {
        const v = readPath(issue.properties.get(prop.key), prop.path);
        const text =
          v === undefined || v === null ? [] : [typeof v === 'string' ? v : JSON.stringify(v)];
        return textMatch(text, clause);
      }
      throw new JqlSemanticError(
        `Field '${clause.field}' does not exist or you do not have permission to view it.`,
      );
    }
  }
}

const SORTABLE: Record<string, (i: SimIssue) => number | string> = {
  updated: (i) => i.updated,
  created: (i) => i.created,
  id: (i) => Number(i.id),
  key: (i) => Number(i.id),
};

const ISSUE_FIELDS = new Set(['key', 'issuekey', 'id']);
const EQUALITY = new Set(['=', '!=', 'IN', 'NOT IN']);

/**
 * Jira validates the issues a query names: `key IN (OPS-1, OPS-9)` with OPS-9 deleted (or
 * never created, or not visible) is a 400 naming it, not a search that skips it. So does
 * `id = 10099`. Ranges (`id > 10000`) name no issue and pass.
 */
function checkIssueReferences(state: SimState, clause: JqlClause): void {
  if (clause.kind === 'not') return checkIssueReferences(state, clause.item);
  if (clause.kind !== 'cmp') {
    for (const c of clause.items) checkIssueReferences(state, c);
    return;
  }
  if (!ISSUE_FIELDS.has(clause.field) || !EQUALITY.has(clause.op)) return;
  for (const v of clause.values) {
    const found = clause.field === 'id' ? state.issues.get(v.text) : state.find(v.text);
    if (!found) {
      const what = /^\d+$/.test(v.text) ? 'id' : 'key';
      throw new JqlSemanticError(
        `An issue with ${what} '${v.text}' does not exist for field '${clause.field}'.`,
      );
    }
  }
}

/**
 * The issues a query can match at most, when it ANDs a `key`/`id` `=`/`IN` term: looked
 * up by key as Jira's index does, instead of testing every issue (a reconciliation asks
 * for 100 keys at a time over tens of thousands of issues). Null: test every issue.
 */
function candidates(state: SimState, clause: JqlClause): SimIssue[] | null {
  if (clause.kind === 'and') {
    for (const c of clause.items) {
      const found = candidates(state, c);
      if (found) return found;
    }
    return null;
  }
  if (clause.kind !== 'cmp' || !ISSUE_FIELDS.has(clause.field)) return null;
  if (clause.op !== '=' && clause.op !== 'IN') return null;
  const out = new Set<SimIssue>();
  for (const v of clause.values) {
    const i = clause.field === 'id' ? state.issues.get(v.text) : state.find(v.text);
    if (i) out.add(i);
  }
  return [...out];
}

export interface SearchOptions {
  /** `error` (Jira's behaviour, default): a query naming a missing issue is a 400. */
  unknownIssues?: 'error' | 'ignore';
}

/** Runs a query. Throws JqlError (→ 400) for syntax errors, unknown fields and unbounded JQL. */
export function search(
  state: SimState,
  jql: string,
  timeZone: string,
  options: SearchOptions = {},
): SimIssue[] {
  const query: JqlQuery = parseJql(jql);
  if (query.where === null) {
    throw new JqlSemanticError(
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    );
  }
  if ((options.unknownIssues ?? 'error') === 'error') checkIssueReferences(state, query.where);
  for (const o of query.orderBy) {
    if (!SORTABLE[o.field])
      throw new JqlSemanticError(`Not able to sort using field '${o.field}'.`);
  }
  const order =
    query.orderBy.length > 0 ? query.orderBy : [{ field: 'created', direction: 'DESC' as const }];
  const where = query.where;
  const pool = candidates(state, where) ?? [...state.issues.values()];
  const hits = pool.filter((i) => matches(state, i, where, timeZone));
  return hits.sort((a, b) => {
    for (const o of order) {
      const get = SORTABLE[o.field]!;
      const x = get(a);
      const y = get(b);
      if (x !== y) return (x < y ? -1 : 1) * (o.direction === 'ASC' ? 1 : -1);
    }
    return 0;
  });
}
