import type { TableName } from './schema.js';

/**
 * The polled streams and the columns read for each: what the mappings need and nothing
 * more (`sysparm_fields`), so pages stay small and no column an ACL hides is asked for.
 */
export interface StreamDef {
  name: string;
  table: TableName;
  fields: readonly string[];
  /** Extra AND'ed conditions, built by the query builder. */
  filter?: { field: string; value: string };
}

const CHANGE_FIELDS = [
  'sys_id',
  'number',
  'sys_updated_on',
  'sys_updated_by',
  'sys_mod_count',
  'sys_created_on',
  'short_description',
  'description',
  'type',
  'state',
  'risk',
  'impact',
  'approval',
  'start_date',
  'end_date',
  'closed_at',
  'close_code',
  'close_notes',
  'requested_by',
  'assigned_to',
  'assignment_group',
  'cmdb_ci',
  'business_service',
  'justification',
  'implementation_plan',
  'backout_plan',
  'test_plan',
  'risk_impact_analysis',
  'cab_required',
  'on_hold',
  'correlation_id',
] as const;

export const STREAMS: readonly StreamDef[] = [
  { name: 'change_request', table: 'change_request', fields: CHANGE_FIELDS },
  {
    name: 'sysapproval_approver',
    table: 'sysapproval_approver',
    fields: [
      'sys_id',
      'sys_updated_on',
      'sys_updated_by',
      'sys_mod_count',
      'approver',
      'state',
      'sysapproval',
      'document_id',
      'source_table',
      'due_date',
      'sys_created_on',
    ],
    // Approvals of changes only: the table also holds approvals of requests, articles, …
    filter: { field: 'source_table', value: 'change_request' },
  },
  {
    name: 'incident',
    table: 'incident',
    fields: [
      'sys_id',
      'number',
      'sys_updated_on',
      'sys_updated_by',
      'sys_mod_count',
      'short_description',
      'state',
      'priority',
      'impact',
      'urgency',
      'cmdb_ci',
      'business_service',
      'caused_by',
      'opened_at',
      'resolved_at',
      'closed_at',
    ],
  },
];

export const USER_FIELDS = ['sys_id', 'user_name', 'email', 'name', 'active'] as const;

export function streamForTable(table: string): StreamDef | undefined {
  return STREAMS.find((s) => s.table === table);
}
