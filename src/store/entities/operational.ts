import { EntitySchema } from 'typeorm';
import { col } from './columns.js';

/** Rows of the operational tables, as stored (DESIGN §3 "Operational tables"). */
export interface PersonRow {
  id: string;
  displayName: string;
  email: string | null;
  updatedAt: Date;
}

export interface PersonIdentityRow {
  identity: string;
  personId: string;
}

export interface AuditEventRow {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject: string;
  /** Canonical JSON text of the event data: the exact bytes that were hashed. */
  data: string;
  prevHash: string;
  hash: string;
}

export interface AuditHeadRow {
  id: number;
  seq: number;
  hash: string;
}

export interface SourceCursorRow {
  connection: string;
  stream: string;
  cursorValue: string;
  mappingHash: string | null;
  updatedAt: Date;
}

export type InboxStatus = 'pending' | 'processing' | 'done' | 'ignored' | 'dead';

export interface InboxEventRow {
  id: number;
  source: string;
  deliveryKey: string;
  system: string;
  connection: string;
  kind: string;
  event: string;
  externalId: string | null;
  thin: boolean;
  payload: unknown;
  receivedAt: Date;
  status: InboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  claimedBy: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  processedAt: Date | null;
}

/** `superseded`: a newer command for the same record and aspect made it obsolete before it ran. */
export type OutboxStatus = 'pending' | 'processing' | 'done' | 'dead' | 'superseded';

export interface OutboxCommandRow {
  id: number;
  idempotencyKey: string;
  changeId: string | null;
  targetSystem: string;
  connection: string;
  operation: string;
  target: string;
  payload: unknown;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  claimedBy: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  result: unknown;
  createdAt: Date;
  completedAt: Date | null;
}

export interface DeadLetterRow {
  id: number;
  origin: 'inbox' | 'outbox';
  originId: number;
  reason: string;
  payload: unknown;
  attempts: number;
  createdAt: Date;
  retriedAt: Date | null;
}

export const PersonEntity = new EntitySchema<PersonRow>({
  name: 'Person',
  tableName: 'people',
  columns: {
    id: col.id('id', true),
    displayName: col.str('display_name'),
    email: col.str('email', true),
    updatedAt: col.date('updated_at'),
  },
});

export const PersonIdentityEntity = new EntitySchema<PersonIdentityRow>({
  name: 'PersonIdentity',
  tableName: 'person_identities',
  columns: {
    identity: col.id('identity', true),
    personId: col.str('person_id'),
  },
});

export const AuditEventEntity = new EntitySchema<AuditEventRow>({
  name: 'AuditEvent',
  tableName: 'audit_events',
  columns: {
    seq: col.bigint('seq', true),
    at: col.date('at'),
    actor: col.str('actor'),
    action: col.str('action'),
    subject: col.str('subject'),
    data: col.text('data'),
    prevHash: col.str('prev_hash'),
    hash: col.str('hash'),
  },
});

export const AuditHeadEntity = new EntitySchema<AuditHeadRow>({
  name: 'AuditHead',
  tableName: 'audit_head',
  columns: {
    id: col.int('id', true),
    seq: col.bigint('seq'),
    hash: col.str('hash'),
  },
});

export const SourceCursorEntity = new EntitySchema<SourceCursorRow>({
  name: 'SourceCursor',
  tableName: 'source_cursors',
  columns: {
    connection: col.id('connection', true),
    stream: col.id('stream', true),
    cursorValue: col.text('cursor_value'),
    mappingHash: col.str('mapping_hash', true),
    updatedAt: col.date('updated_at'),
  },
});

const leasable = {
  status: col.str('status'),
  attempts: col.int('attempts'),
  nextAttemptAt: col.date('next_attempt_at'),
  claimedBy: col.str('claimed_by', true),
  leaseUntil: col.date('lease_until', true),
  lastError: col.text('last_error', true),
};

export const InboxEventEntity = new EntitySchema<InboxEventRow>({
  name: 'InboxEvent',
  tableName: 'inbox_events',
  columns: {
    id: col.serial('id'),
    source: col.str('source'),
    deliveryKey: col.str('delivery_key'),
    system: col.str('system_name'),
    connection: col.str('connection'),
    kind: col.str('kind'),
    event: col.str('event'),
    externalId: col.str('external_id', true),
    thin: col.bool('thin'),
    payload: col.json('payload'),
    receivedAt: col.date('received_at'),
    ...leasable,
    processedAt: col.date('processed_at', true),
  },
});

export const OutboxCommandEntity = new EntitySchema<OutboxCommandRow>({
  name: 'OutboxCommand',
  tableName: 'outbox_commands',
  columns: {
    id: col.serial('id'),
    idempotencyKey: col.str('idempotency_key'),
    changeId: col.str('change_id', true),
    targetSystem: col.str('target_system'),
    connection: col.str('connection'),
    operation: col.str('operation'),
    target: col.str('target'),
    payload: col.json('payload'),
    ...leasable,
    result: col.json('result', true),
    createdAt: col.date('created_at'),
    completedAt: col.date('completed_at', true),
  },
});

export const DeadLetterEntity = new EntitySchema<DeadLetterRow>({
  name: 'DeadLetter',
  tableName: 'dead_letters',
  columns: {
    id: col.serial('id'),
    origin: col.str('origin'),
    originId: col.bigint('origin_id'),
    reason: col.text('reason'),
    payload: col.json('payload'),
    attempts: col.int('attempts'),
    createdAt: col.date('created_at'),
    retriedAt: col.date('retried_at', true),
  },
});

/** A deployment gate a Git host asked changebridge to answer (migration 0004). */
export interface GateRequestRow {
  id: string;
  system: 'github' | 'gitlab';
  connection: string;
  /** `protection_rule` (GitHub) or `status_check` (GitLab). */
  kind: string;
  repo: string;
  sha: string;
  environment: string;
  /** The outbox target that answers it. */
  target: string;
  /** What the answer needs besides the target (installation id, MR iid, check id). */
  details: Record<string, unknown>;
  linkedKeys: string[];
  decision: 'allow' | 'deny' | 'pending';
  changeKey: string | null;
  reasons: string[];
  answeredAt: Date | null;
  requestedAt: Date;
  updatedAt: Date;
}

export const GateRequestEntity = new EntitySchema<GateRequestRow>({
  name: 'GateRequest',
  tableName: 'gate_requests',
  columns: {
    id: col.id('id', true),
    system: col.str('system_name'),
    connection: col.str('connection'),
    kind: col.str('kind'),
    repo: col.str('repo'),
    sha: col.str('sha'),
    environment: col.str('environment'),
    target: col.str('target'),
    details: col.json('details'),
    linkedKeys: col.json('linked_keys'),
    decision: col.str('decision'),
    changeKey: col.str('change_key', true),
    reasons: col.json('reasons'),
    answeredAt: col.date('answered_at', true),
    requestedAt: col.date('requested_at'),
    updatedAt: col.date('updated_at'),
  },
});

/** One reconciliation run (migration 0005). */
export interface ReconcileRunRow {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: 'running' | 'done' | 'failed';
  scope: string;
  since: Date | null;
  dryRun: boolean;
  checked: number;
  recordsRead: number;
  apiCalls: number;
  found: number;
  opened: number;
  resolved: number;
  corrections: number;
  error: string | null;
}

const intCol = (name: string) => ({ ...col.int(name), default: 0 });

export const ReconcileRunEntity = new EntitySchema<ReconcileRunRow>({
  name: 'ReconcileRun',
  tableName: 'reconcile_runs',
  columns: {
    id: col.id('id', true),
    startedAt: col.date('started_at'),
    finishedAt: col.date('finished_at', true),
    status: col.str('status'),
    scope: col.str('scope'),
    since: col.date('since', true),
    dryRun: col.bool('dry_run'),
    checked: intCol('checked'),
    recordsRead: intCol('records_read'),
    apiCalls: intCol('api_calls'),
    found: intCol('found'),
    opened: intCol('opened'),
    resolved: intCol('resolved'),
    corrections: intCol('corrections'),
    error: col.text('error', true),
  },
});
