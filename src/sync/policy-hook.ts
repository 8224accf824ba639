import type { Approval, Change, Finding, Link } from '../model/index.js';

/**
 * Where the policy engine plugs into processing (DESIGN §2, §6): after a change's records
 * are applied and before the planner runs. Pure: data and a clock in, findings out. The
 * governance rules arrive with their own issue; until then the set is empty.
 */
export interface PolicyInput {
  change: Change;
  links: readonly Link[];
  approvals: readonly Approval[];
  now: Date;
}

export interface PolicyHook {
  /** Recorded with the findings it produces. */
  readonly version: string;
  evaluate(input: PolicyInput): Finding[];
}

export const EMPTY_POLICY_SET: PolicyHook = { version: 'empty', evaluate: () => [] };
