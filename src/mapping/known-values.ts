import type { SystemName } from '../model/index.js';

/**
 * Vendor facts the validator checks mappings against (API-NOTES.md): the values a source
 * field is documented to carry, so a value map that forgets one is caught before go-live,
 * and the paths a write-back must never target because the vendor owns them.
 */
export const KNOWN_SOURCE_VALUES: Readonly<
  Record<string, Readonly<Record<string, readonly string[]>>>
> = {
  'servicenow.change_request': {
    state: ['-5', '-4', '-3', '-2', '-1', '0', '3', '4'],
    type: ['normal', 'standard', 'emergency'],
    risk: ['1', '2', '3', '4'],
    impact: ['1', '2', '3'],
    approval: ['not requested', 'requested', 'approved', 'rejected'],
    close_code: ['successful', 'successful_issues', 'unsuccessful'],
  },
  'servicenow.sysapproval_approver': {
    state: ['requested', 'approved', 'rejected', 'cancelled', 'not_required'],
  },
  'servicenow.incident': {
    state: ['1', '2', '3', '6', '7', '8'],
    priority: ['1', '2', '3', '4', '5'],
  },
  'jira.issue': {
    'fields.status.statusCategory.key': ['new', 'indeterminate', 'done'],
  },
  'gitlab.deployment': {
    // The connector's normalised summary (connectors/gitlab/events.ts) carries the status.
    'summary.status': ['created', 'running', 'success', 'failed', 'canceled', 'blocked', 'skipped'],
  },
};

/** Paths the vendor computes; writing them is refused or ignored. */
const READ_ONLY: Readonly<Record<SystemName, readonly string[]>> = {
  servicenow: ['sys_id', 'sys_updated_on', 'sys_created_on', 'sys_mod_count', 'number'],
  jira: ['id', 'key', 'self', 'fields.created', 'fields.updated', 'fields.status'],
  github: [],
  gitlab: [],
};

/** Systems whose records changebridge writes fields into (Git hosts get statuses instead). */
export const FIELD_WRITABLE_SYSTEMS: ReadonlySet<SystemName> = new Set(['servicenow', 'jira']);

export function isReadOnlyTarget(system: SystemName, path: string): boolean {
  return READ_ONLY[system].some((p) => path === p || path.startsWith(`${p}.`));
}
