import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/runtime/index.js';
import { NUMBER_PREFIXES, TABLES, TABLE_NAMES, type TableName } from './schema.js';
import { parseEncodedQuery, rangeBlock, sortRows } from './simulator-query.js';
import { formatSnTime } from './time.js';

/**
 * The simulator's tables: rows of raw string values, as a real instance stores them.
 * Maintains `sys_id`, `number`, `sys_created_*`, `sys_updated_*`, `sys_mod_count`; writes
 * journal fields (`work_notes`, `comments`) to `sys_journal_field` and leaves them empty
 * on the record; enforces change_request's close rules. Tests seed it directly (fast);
 * the HTTP layer (simulator.ts) goes through the same methods.
 */

export type Row = Record<string, string>;

export interface WriteOptions {
  /** `sys_created_by` / `sys_updated_by`; default `admin`. */
  user?: string;
  /** Stamp instead of the clock (seeding history). */
  at?: Date;
  /** Given sys_id (seeding); default random. */
  sysId?: string;
  /** Do not notify listeners (no business-rule post). */
  silent?: boolean;
}

export interface RecordChange {
  table: TableName;
  operation: 'insert' | 'update' | 'delete';
  row: Readonly<Row>;
}

/** A refused write, answered with ServiceNow's error envelope. */
export class SimWriteError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

const DEFAULTS: Partial<Record<TableName, Row>> = {
  change_request: {
    state: '-5',
    type: 'normal',
    risk: '3',
    impact: '3',
    priority: '4',
    urgency: '3',
    approval: 'not requested',
    phase: 'requested',
    phase_state: 'open',
    active: 'true',
    upon_approval: 'proceed',
    upon_reject: 'cancel',
    escalation: '0',
    reassignment_count: '0',
    scope: '3',
    conflict_status: 'Not Run',
    category: 'Other',
    contact_type: 'phone',
    knowledge: 'false',
    made_sla: 'true',
    cab_required: 'false',
    on_hold: 'false',
    unauthorized: 'false',
    is_bulk: 'false',
    production_system: 'false',
    outside_maintenance_schedule: 'false',
    variables: 'variable_pool',
    ci_class: 'cmdb_ci',
  },
  change_task: { state: '1', active: 'true', approval: 'not requested' },
  incident: {
    state: '1',
    incident_state: '1',
    impact: '3',
    urgency: '3',
    priority: '5',
    severity: '3',
    notify: '1',
    active: 'true',
    approval: 'not requested',
    upon_approval: 'proceed',
    upon_reject: 'cancel',
    escalation: '0',
    reassignment_count: '0',
    reopen_count: '0',
    child_incidents: '0',
    contact_type: 'phone',
    knowledge: 'false',
    made_sla: 'true',
    category: 'inquiry',
  },
  sysapproval_approver: { state: 'requested', source_table: 'change_request', order: '1' },
  sys_user: { active: 'true', locked_out: 'false', time_zone: 'GMT' },
};

const TASK_TABLES = new Set<TableName>(['change_request', 'change_task', 'incident']);

export class SimState {
  readonly tables = new Map<TableName, Map<string, Row>>();
  private readonly counters = new Map<TableName, number>();
  private readonly listeners: ((change: RecordChange) => void)[] = [];
  /** Bumped whenever a table gains, loses or replaces a row (rows are never edited in place). */
  private readonly versions = new Map<TableName, number>();
  /** A table's rows in one ORDERBY order, kept while the table is unchanged (an index). */
  private readonly sorted = new Map<string, { version: number; rows: Row[] }>();

  constructor(private readonly clock: Clock) {
    for (const t of TABLE_NAMES) this.tables.set(t, new Map());
    this.counters.set('change_request', 30000);
    this.counters.set('change_task', 10000);
    this.counters.set('incident', 10000);
  }

  onChange(listener: (change: RecordChange) => void): void {
    this.listeners.push(listener);
  }

  table(table: TableName): Map<string, Row> {
    return this.tables.get(table)!;
  }

  get(table: TableName, sysId: string): Row | undefined {
    return this.table(table).get(sysId);
  }

  count(table: TableName): number {
    return this.table(table).size;
  }

  /** Rows matching an encoded query, in its ORDERBY order. */
  query(table: TableName, encoded: string): Row[] {
    const parsed = parseEncodedQuery(table, encoded);
    const all = this.table(table);
    // A sys_id lookup reads the rows by key, as an instance's primary-key index does: a
    // reconciliation asking for 100 ids must not scan 100,000 rows per request.
    if (parsed.sysIds) {
      const rows: Row[] = [];
      for (const id of parsed.sysIds) {
        const row = all.get(id);
        if (row && parsed.matches(row)) rows.push(row);
      }
      return sortRows(rows, parsed.orders);
    }
    // Sorting a table's candidates per request made paging a big table quadratic; the
    // sort is stable, so filtering pre-sorted rows yields the very same order. Scanning
    // every row per page did too: a comparison on the first ORDERBY field (a poll's
    // `sys_updated_on>…`) reads only the block of the sorted rows it admits, as an
    // instance's index does.
    const first = parsed.orders[0];
    const onFirst = first ? (parsed.ranges ?? []).filter((r) => r.field === first.field) : [];
    if (onFirst.length > 0) {
      const ordered = this.ordered(table, parsed.orders);
      let from = 0;
      let to = ordered.length;
      for (const r of onFirst) {
        const block = rangeBlock(ordered, r, first!.desc);
        from = Math.max(from, block.from);
        to = Math.min(to, block.to);
      }
      const block = ordered.slice(from, Math.max(from, to));
      return parsed.onlyRanges && onFirst.length === parsed.ranges!.length
        ? block
        : block.filter(parsed.matches);
    }
    // An equality on another field (a poll draining one second: `sys_updated_on=…`,
    // ordered by sys_id): the rows holding that value, in table order, then sorted.
    const equal = parsed.ranges?.find((r) => r.op === '=');
    if (equal) {
      const def = TABLES[table][equal.field]!;
      const index = this.ordered(table, [{ field: equal.field, desc: false, def }]);
      const { from, to } = rangeBlock(index, equal, false);
      return sortRows(index.slice(from, to).filter(parsed.matches), parsed.orders);
    }
    return this.ordered(table, parsed.orders).filter(parsed.matches);
  }

  private ordered(table: TableName, orders: ReturnType<typeof parseEncodedQuery>['orders']): Row[] {
    const version = this.versions.get(table) ?? 0;
    const key = `${table}|${orders.map((o) => `${o.field}${o.desc ? ' DESC' : ''}`).join(',')}`;
    const hit = this.sorted.get(key);
    if (hit && hit.version === version) return hit.rows;
    const rows = sortRows([...this.table(table).values()], orders);
    this.sorted.set(key, { version, rows });
    return rows;
  }

  private touch(table: TableName): void {
    this.versions.set(table, (this.versions.get(table) ?? 0) + 1);
  }

  insert(table: TableName, values: Record<string, unknown>, o: WriteOptions = {}): Row {
    const fields = TABLES[table];
    const stamp = formatSnTime(o.at ?? this.clock.now());
    const user = o.user ?? 'admin';
    const row: Row = {};
    for (const f of Object.keys(fields)) row[f] = '';
    Object.assign(row, DEFAULTS[table] ?? {});
    if (TASK_TABLES.has(table)) {
      row.sys_class_name = table;
      row.sys_domain = 'global';
      row.sys_domain_path = '/';
      row.opened_at = stamp;
    }
    if (table === 'sysapproval_approver') row.sys_domain = 'global';
    const sysId = o.sysId ?? newSysId();
    row.sys_id = sysId;
    row.sys_created_on = stamp;
    row.sys_created_by = user;
    row.sys_updated_on = stamp;
    row.sys_updated_by = user;
    row.sys_mod_count = '0';
    const prefix = NUMBER_PREFIXES[table];
    if (prefix) {
      const n = (this.counters.get(table) ?? 0) + 1;
      this.counters.set(table, n);
      row.number = `${prefix}${String(n).padStart(7, '0')}`;
      if (table === 'change_request') row.task_effective_number = row.number;
    }
    const journal = this.assign(table, row, values, ['sys_id', 'number']);
    if (table === 'change_request') checkChangeRules(row, undefined);
    this.table(table).set(sysId, row);
    this.touch(table);
    this.writeJournal(table, sysId, journal, stamp, user);
    if (!o.silent) this.emit({ table, operation: 'insert', row });
    return row;
  }

  update(
    table: TableName,
    sysId: string,
    values: Record<string, unknown>,
    o: WriteOptions = {},
  ): Row {
    const existing = this.get(table, sysId);
    if (!existing) {
      throw new SimWriteError(
        404,
        'No Record found',
        "Record doesn't exist or ACL restricts the record retrieval",
      );
    }
    const next: Row = { ...existing };
    const journal = this.assign(table, next, values, [
      'sys_id',
      'number',
      'sys_created_on',
      'sys_created_by',
    ]);
    if (table === 'change_request') checkChangeRules(next, existing);
    const stamp = formatSnTime(o.at ?? this.clock.now());
    const user = o.user ?? 'admin';
    next.sys_updated_on = stamp;
    next.sys_updated_by = user;
    next.sys_mod_count = String(Number(existing.sys_mod_count || '0') + 1);
    if (table === 'change_request' && next.state === '3' && existing.state !== '3') {
      next.closed_at = stamp;
      next.active = 'false';
    }
    this.table(table).set(sysId, next);
    this.touch(table);
    this.writeJournal(table, sysId, journal, stamp, user);
    if (!o.silent) this.emit({ table, operation: 'update', row: next });
    return next;
  }

  delete(table: TableName, sysId: string): void {
    const row = this.get(table, sysId);
    if (!row) {
      throw new SimWriteError(
        404,
        'No Record found',
        "Record doesn't exist or ACL restricts the record retrieval",
      );
    }
    this.table(table).delete(sysId);
    this.touch(table);
    this.emit({ table, operation: 'delete', row });
  }

  /** Journal entries of one record's field, oldest first. */
  journal(table: TableName, sysId: string, element: string): Row[] {
    return [...this.table('sys_journal_field').values()]
      .filter((j) => j.element_id === sysId && j.element === element && j.name === table)
      .sort((a, b) =>
        a.sys_created_on! < b.sys_created_on! ? -1 : a.sys_created_on! > b.sys_created_on! ? 1 : 0,
      );
  }

  /** Copies known, writable fields into `row` (unknown ones are ignored, as on a real instance). */
  private assign(
    table: TableName,
    row: Row,
    values: Record<string, unknown>,
    readOnly: string[],
  ): [string, string][] {
    const fields = TABLES[table];
    const journal: [string, string][] = [];
    for (const [k, v] of Object.entries(values)) {
      if (!Object.hasOwn(fields, k) || readOnly.includes(k) || k.startsWith('sys_')) continue;
      const text =
        v === null || v === undefined
          ? ''
          : typeof v === 'object'
            ? String((v as { value?: unknown }).value ?? '')
            : String(v);
      if (fields[k]!.type === 'j') {
        if (text !== '') journal.push([k, text]);
        continue;
      }
      row[k] = text;
    }
    return journal;
  }

  private writeJournal(
    table: TableName,
    sysId: string,
    entries: [string, string][],
    stamp: string,
    user: string,
  ): void {
    for (const [element, value] of entries) {
      const id = newSysId();
      this.table('sys_journal_field').set(id, {
        sys_id: id,
        sys_created_on: stamp,
        sys_created_by: user,
        element_id: sysId,
        element,
        name: table,
        value,
      });
      this.touch('sys_journal_field');
    }
  }

  private emit(change: RecordChange): void {
    for (const l of this.listeners) l(change);
  }
}

/** change_request state model: closing needs close_code + close_notes; closed/canceled is final. */
function checkChangeRules(next: Row, before: Row | undefined): void {
  if (next.state === '3') {
    const missing = [
      next.close_code ? undefined : 'Close code',
      next.close_notes ? undefined : 'Close notes',
    ].filter(Boolean);
    if (missing.length) {
      throw new SimWriteError(
        403,
        'Operation Failed',
        `Data Policy Exception: \n  The following fields are mandatory: ${missing.join(', ')}\n`,
      );
    }
  }
  if (before && (before.state === '3' || before.state === '4') && next.state !== before.state) {
    throw new SimWriteError(
      403,
      'Operation Failed',
      `Invalid state transition: a ${before.state === '3' ? 'closed' : 'canceled'} change cannot move to state ${next.state}`,
    );
  }
}

export function newSysId(): string {
  return randomBytes(16).toString('hex');
}
