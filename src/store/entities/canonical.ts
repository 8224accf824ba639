import { EntitySchema } from 'typeorm';
import type {
  Approval,
  Change,
  CodeChange,
  Deployment,
  Finding,
  Incident,
  Link,
} from '../../model/index.js';
import { col } from './columns.js';

/** Canonical tables (DESIGN §3). Property names are the model's; column names snake_case. */
export const ChangeEntity = new EntitySchema<Change>({
  name: 'Change',
  tableName: 'changes',
  columns: {
    id: col.id('id', true),
    key: col.str('change_key'),
    title: col.text('title'),
    description: col.text('description', true),
    type: col.str('type'),
    risk: col.str('risk', true),
    impact: col.str('impact', true),
    state: col.str('state'),
    originalState: col.str('original_state', true),
    approval: col.str('approval'),
    plannedStart: col.date('planned_start', true),
    plannedEnd: col.date('planned_end', true),
    closedAt: col.date('closed_at', true),
    closeCode: col.str('close_code', true),
    requestedBy: col.str('requested_by', true),
    assignedTo: col.str('assigned_to', true),
    services: col.json('services'),
    environment: col.str('environment', true),
    justification: col.text('justification', true),
    implementationPlan: col.text('implementation_plan', true),
    backoutPlan: col.text('backout_plan', true),
    testPlan: col.text('test_plan', true),
    impactAnalysis: col.text('impact_analysis', true),
    tenant: col.str('tenant'),
    sourceEventIds: col.json('source_event_ids'),
    updatedAt: col.date('updated_at'),
    version: col.int('version'),
  },
});

export const ApprovalEntity = new EntitySchema<Approval>({
  name: 'Approval',
  tableName: 'approvals',
  columns: {
    id: col.id('id', true),
    changeId: col.str('change_id'),
    approver: col.str('approver'),
    decision: col.str('decision'),
    originalDecision: col.str('original_decision', true),
    decidedAt: col.date('decided_at', true),
    source: col.str('source'),
    validUntil: col.date('valid_until', true),
    delegatedFrom: col.str('delegated_from', true),
    sourceEventIds: col.json('source_event_ids'),
    updatedAt: col.date('updated_at'),
  },
});

export const CodeChangeEntity = new EntitySchema<CodeChange>({
  name: 'CodeChange',
  tableName: 'code_changes',
  columns: {
    id: col.id('id', true),
    system: col.str('system_name'),
    repo: col.str('repo'),
    number: col.int('number'),
    title: col.text('title'),
    author: col.str('author', true),
    reviewers: {
      ...col.json('reviewers'),
      // JSON has no dates: each review's `at` comes back as an ISO string.
      transformer: {
        to: (v: unknown) => v,
        from: (v: { at?: unknown }[] | null) =>
          (v ?? []).map((r) => ({
            ...r,
            at: typeof r.at === 'string' ? new Date(r.at) : (r.at ?? null),
          })),
      },
    },
    mergedBy: col.str('merged_by', true),
    mergedAt: col.date('merged_at', true),
    headSha: col.str('head_sha', true),
    mergeSha: col.str('merge_sha', true),
    targetBranch: col.str('target_branch'),
    linkedKeys: col.json('linked_keys'),
    sourceEventIds: col.json('source_event_ids'),
    updatedAt: col.date('updated_at'),
  },
});

export const DeploymentEntity = new EntitySchema<Deployment>({
  name: 'Deployment',
  tableName: 'deployments',
  columns: {
    id: col.id('id', true),
    system: col.str('system_name'),
    repo: col.str('repo'),
    sha: col.str('sha'),
    environment: col.str('environment'),
    actor: col.str('actor', true),
    status: col.str('status'),
    originalStatus: col.str('original_status', true),
    startedAt: col.date('started_at', true),
    finishedAt: col.date('finished_at', true),
    linkedKeys: col.json('linked_keys'),
    sourceEventIds: col.json('source_event_ids'),
    updatedAt: col.date('updated_at'),
  },
});

export const IncidentEntity = new EntitySchema<Incident>({
  name: 'Incident',
  tableName: 'incidents',
  columns: {
    id: col.id('id', true),
    key: col.str('incident_key'),
    priority: col.int('priority'),
    services: col.json('services'),
    openedAt: col.date('opened_at'),
    resolvedAt: col.date('resolved_at', true),
    causedBy: col.str('caused_by', true),
    sourceEventIds: col.json('source_event_ids'),
    updatedAt: col.date('updated_at'),
  },
});

export const LinkEntity = new EntitySchema<Link>({
  name: 'Link',
  tableName: 'links',
  columns: {
    changeId: col.id('change_id', true),
    recordId: col.id('record_id', true),
    system: col.str('system_name'),
    connection: col.str('connection'),
    kind: col.str('kind'),
    externalId: col.str('external_id'),
    externalKey: col.str('external_key', true),
    url: col.text('url', true),
    sourceVersion: col.str('source_version', true),
    lastReadHash: col.str('last_read_hash', true),
    lastWrittenHash: col.str('last_written_hash', true),
    syncState: col.json('sync_state', true),
    updatedAt: col.date('updated_at'),
  },
});

export const FindingEntity = new EntitySchema<Finding>({
  name: 'Finding',
  tableName: 'findings',
  columns: {
    id: col.id('id', true),
    changeId: col.str('change_id', true),
    subject: col.str('subject'),
    policy: col.str('policy'),
    severity: col.str('severity'),
    blocking: col.bool('blocking'),
    status: col.str('status'),
    message: col.text('message'),
    evidence: col.json('evidence'),
    firstSeenAt: col.date('first_seen_at'),
    lastSeenAt: col.date('last_seen_at'),
    resolvedAt: col.date('resolved_at', true),
    waiver: {
      ...col.json('waiver', true),
      // JSON has no dates: `until` comes back as an ISO string.
      transformer: {
        to: (v: unknown) => v,
        from: (v: { until?: unknown } | null) =>
          v && {
            ...v,
            until: typeof v.until === 'string' ? new Date(v.until) : (v.until ?? null),
          },
      },
    },
  },
});
