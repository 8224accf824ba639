/**
 * The ServiceNow tables changebridge reads and writes, with each column's type. The query
 * builder refuses fields not listed here (a typo would otherwise be silently ignored by the
 * instance and return every row); the simulator builds its records from the same lists.
 *
 * Column lists follow ServiceNow's own examples (../shared/fixtures/servicenow): `incident`
 * is the Table API record INC0000046, `change_request` the record CHG0000024 of the Change
 * Management API. No public `sysapproval_approver` record exists; it follows the field list
 * in API-NOTES.md.
 */

/** s string, i integer, b boolean, dt date-time, ref reference, j journal (write-only). */
export type FieldType = 's' | 'i' | 'b' | 'dt' | 'ref' | 'j';

export interface FieldDef {
  type: FieldType;
  /** Referenced table for `ref` fields. */
  ref?: string;
}

export type TableName =
  | 'change_request'
  | 'change_task'
  | 'sysapproval_approver'
  | 'incident'
  | 'sys_user'
  | 'sys_journal_field';

export const TABLE_NAMES: readonly TableName[] = [
  'change_request',
  'change_task',
  'sysapproval_approver',
  'incident',
  'sys_user',
  'sys_journal_field',
];

export function isTableName(value: string): value is TableName {
  return (TABLE_NAMES as readonly string[]).includes(value);
}

const s: FieldDef = { type: 's' };
const i: FieldDef = { type: 'i' };
const b: FieldDef = { type: 'b' };
const dt: FieldDef = { type: 'dt' };
const j: FieldDef = { type: 'j' };
const ref = (table: string): FieldDef => ({ type: 'ref', ref: table });

/** Columns every table has. */
const SYSTEM_FIELDS: Record<string, FieldDef> = {
  sys_id: s,
  sys_created_on: dt,
  sys_created_by: s,
  sys_updated_on: dt,
  sys_updated_by: s,
  sys_mod_count: i,
  sys_tags: s,
};

/** Columns of `task`, which change_request, change_task and incident extend. */
const TASK_FIELDS: Record<string, FieldDef> = {
  ...SYSTEM_FIELDS,
  number: s,
  short_description: s,
  description: s,
  state: i,
  active: b,
  approval: s,
  approval_history: j,
  approval_set: dt,
  assigned_to: ref('sys_user'),
  assignment_group: ref('sys_user_group'),
  additional_assignee_list: s,
  business_duration: dt,
  business_service: ref('cmdb_ci_service'),
  calendar_duration: dt,
  close_notes: s,
  closed_at: dt,
  closed_by: ref('sys_user'),
  cmdb_ci: ref('cmdb_ci'),
  comments: j,
  comments_and_work_notes: j,
  company: ref('core_company'),
  contact_type: s,
  correlation_display: s,
  correlation_id: s,
  delivery_plan: ref('sc_cat_item_delivery_plan'),
  delivery_task: ref('sc_cat_item_delivery_task'),
  due_date: dt,
  escalation: i,
  expected_start: dt,
  follow_up: dt,
  group_list: s,
  impact: i,
  knowledge: b,
  location: ref('cmn_location'),
  made_sla: b,
  opened_at: dt,
  opened_by: ref('sys_user'),
  order: i,
  parent: ref('task'),
  priority: i,
  reassignment_count: i,
  rejection_goto: ref('task'),
  sla_due: dt,
  sys_class_name: s,
  sys_domain: ref('sys_user_group'),
  sys_domain_path: s,
  time_worked: s,
  upon_approval: s,
  upon_reject: s,
  urgency: i,
  user_input: s,
  watch_list: s,
  wf_activity: ref('wf_activity'),
  work_end: dt,
  work_notes: j,
  work_notes_list: s,
  work_start: dt,
  activity_due: dt,
};

export const TABLES: Record<TableName, Record<string, FieldDef>> = {
  change_request: {
    ...TASK_FIELDS,
    reason: s,
    proposed_change: s,
    type: s,
    skills: s,
    test_plan: s,
    is_bulk: b,
    cab_delegate: ref('sys_user'),
    requested_by_date: dt,
    ci_class: s,
    phase: s,
    contract: ref('ast_contract'),
    production_system: b,
    cab_recommendation: s,
    review_date: dt,
    requested_by: ref('sys_user'),
    change_plan: s,
    implementation_plan: s,
    universal_request: ref('task'),
    end_date: dt,
    outside_maintenance_schedule: b,
    std_change_producer_version: ref('std_change_producer_version'),
    service_offering: ref('service_offering'),
    review_status: s,
    start_date: dt,
    variables: s,
    backout_plan: s,
    conflict_status: s,
    task_effective_number: s,
    on_hold_task: s,
    route_reason: i,
    review_comments: s,
    chg_model: ref('chg_model'),
    phase_state: s,
    cab_date: dt,
    close_code: s,
    on_hold_reason: s,
    scope: i,
    justification: s,
    on_hold: b,
    conflict_last_run: dt,
    risk_value: s,
    unauthorized: b,
    risk: i,
    category: s,
    risk_impact_analysis: s,
    cab_required: b,
  },
  change_task: {
    ...TASK_FIELDS,
    change_request: ref('change_request'),
    change_task_type: s,
    planned_start_date: dt,
    planned_end_date: dt,
    close_code: s,
  },
  incident: {
    ...TASK_FIELDS,
    reopen_count: i,
    business_stc: i,
    calendar_stc: i,
    category: s,
    subcategory: s,
    incident_state: i,
    caller_id: ref('sys_user'),
    parent_incident: ref('incident'),
    child_incidents: i,
    rfc: ref('change_request'),
    resolved_by: ref('sys_user'),
    resolved_at: dt,
    notify: i,
    problem_id: ref('problem'),
    close_code: s,
    caused_by: ref('change_request'),
    severity: i,
  },
  sysapproval_approver: {
    ...SYSTEM_FIELDS,
    approver: ref('sys_user'),
    state: s,
    sysapproval: ref('task'),
    document_id: s,
    source_table: s,
    comments: j,
    due_date: dt,
    expected_start: dt,
    group: ref('sysapproval_group'),
    order: i,
    approval_source: s,
    sys_domain: ref('sys_user_group'),
  },
  sys_user: {
    ...SYSTEM_FIELDS,
    user_name: s,
    name: s,
    first_name: s,
    last_name: s,
    email: s,
    title: s,
    active: b,
    locked_out: b,
    department: ref('cmn_department'),
    manager: ref('sys_user'),
    time_zone: s,
  },
  sys_journal_field: {
    sys_id: s,
    sys_created_on: dt,
    sys_created_by: s,
    element_id: s,
    element: s,
    name: s,
    value: s,
  },
};

/** Number prefixes of the tables that have a `number` column. */
export const NUMBER_PREFIXES: Partial<Record<TableName, string>> = {
  change_request: 'CHG',
  change_task: 'CTASK',
  incident: 'INC',
};

/** Display labels of choice fields (sysparm_display_value=true|all). */
export const CHOICES: Partial<Record<TableName, Record<string, Record<string, string>>>> = {
  change_request: {
    state: {
      '-5': 'New',
      '-4': 'Assess',
      '-3': 'Authorize',
      '-2': 'Scheduled',
      '-1': 'Implement',
      '0': 'Review',
      '3': 'Closed',
      '4': 'Canceled',
    },
    type: { normal: 'Normal', standard: 'Standard', emergency: 'Emergency' },
    risk: { '1': 'Very High', '2': 'High', '3': 'Moderate', '4': 'Low' },
    impact: { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' },
    approval: {
      'not requested': 'Not Yet Requested',
      requested: 'Requested',
      approved: 'Approved',
      rejected: 'Rejected',
    },
    close_code: {
      successful: 'Successful',
      successful_issues: 'Successful with issues',
      unsuccessful: 'Unsuccessful',
    },
  },
  incident: {
    state: {
      '1': 'New',
      '2': 'In Progress',
      '3': 'On Hold',
      '6': 'Resolved',
      '7': 'Closed',
      '8': 'Canceled',
    },
    priority: {
      '1': '1 - Critical',
      '2': '2 - High',
      '3': '3 - Moderate',
      '4': '4 - Low',
      '5': '5 - Planning',
    },
  },
  sysapproval_approver: {
    state: {
      requested: 'Requested',
      approved: 'Approved',
      rejected: 'Rejected',
      cancelled: 'Cancelled',
      not_required: 'No Longer Required',
    },
  },
};
