import type { ApprovalState, ChangeState, ChangeType, CloseCode, Impact, Risk } from './enums.js';

/**
 * The unit of governance (DESIGN §3). Normalised values sit beside the source's original
 * value (`originalState`), so reports can show what the system of record really said.
 */
export interface Change {
  /** Canonical UUID. */
  id: string;
  /** Human key, e.g. the ServiceNow number `CHG0030001`. */
  key: string;
  title: string;
  description: string | null;
  type: ChangeType;
  risk: Risk | null;
  impact: Impact | null;
  state: ChangeState;
  /** The source's own value for state, e.g. ServiceNow `"-1"` or Jira `"In Progress"`. */
  originalState: string | null;
  approval: ApprovalState;
  plannedStart: Date | null;
  plannedEnd: Date | null;
  closedAt: Date | null;
  closeCode: CloseCode | null;
  /** Person ids. */
  requestedBy: string | null;
  assignedTo: string | null;
  /** CI / service names. */
  services: string[];
  environment: string | null;
  justification: string | null;
  implementationPlan: string | null;
  backoutPlan: string | null;
  testPlan: string | null;
  impactAnalysis: string | null;
  /** Business unit: selects mappings and policy set. */
  tenant: string;
  /** Inbox event ids this row was last built from. */
  sourceEventIds: string[];
  updatedAt: Date;
  /** Optimistic-lock counter, incremented on every write. */
  version: number;
}

/** Fields of a Change that a mapping may set; ids, versions and pointers are the store's. */
export type ChangeFields = Omit<Change, 'id' | 'version' | 'updatedAt' | 'sourceEventIds'>;

/** A new change with every optional field empty; `key`, `title` and `tenant` are required. */
export function emptyChange(
  id: string,
  init: Pick<Change, 'key' | 'title' | 'tenant'>,
  now: Date,
): Change {
  return {
    id,
    key: init.key,
    title: init.title,
    description: null,
    type: 'normal',
    risk: null,
    impact: null,
    state: 'new',
    originalState: null,
    approval: 'not_requested',
    plannedStart: null,
    plannedEnd: null,
    closedAt: null,
    closeCode: null,
    requestedBy: null,
    assignedTo: null,
    services: [],
    environment: null,
    justification: null,
    implementationPlan: null,
    backoutPlan: null,
    testPlan: null,
    impactAnalysis: null,
    tenant: init.tenant,
    sourceEventIds: [],
    updatedAt: now,
    version: 0,
  };
}

/** True when `at` falls inside the change's planned window (inclusive). */
export function withinPlannedWindow(
  change: Pick<Change, 'plannedStart' | 'plannedEnd'>,
  at: Date,
): boolean {
  if (!change.plannedStart || !change.plannedEnd) return false;
  const t = at.getTime();
  return t >= change.plannedStart.getTime() && t <= change.plannedEnd.getTime();
}

/** Terminal states: nothing more can be implemented under the change. */
export function isTerminal(state: ChangeState): boolean {
  return state === 'closed' || state === 'canceled';
}
